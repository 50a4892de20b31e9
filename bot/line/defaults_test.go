package line

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

// An owner flow with choices drawn from an earlier answer and suggested
// answers, as an institution might write it.
const suggestFlow = `id: t_suggest
version: 1
audience: owner
title: {ja: "ふりかえり", en: "Look back"}
no_review: true
outro: {ja: "ありがとうございました。", en: "Thank you."}
steps:
  - id: a
    kind: multi
    ask: {ja: "今週できたことを選んでください。", en: "What did you manage this week?"}
    options:
      - {id: talk, label: {ja: "朝礼で話した", en: "Talked at the morning meeting"}}
      - {id: count, label: {ja: "数字を見た", en: "Looked at the numbers"}}
      - {id: ask, label: {ja: "社員に聞いた", en: "Asked the staff"}}
  - id: b
    kind: single
    options_from: a
    default: count
    ask: {ja: "いちばん手応えがあったのは？", en: "Which felt best?"}
  - id: c
    kind: date
    default: "+14d"
    ask: {ja: "次はいつ話しましょうか？", en: "When shall we talk next?"}
  - id: d
    kind: yesno
    default: "yes"
    ask: {ja: "このまま続けられそうですか？", en: "Can you keep it up?"}
`

// Over the real webhook and API: choices narrowed to what was chosen, the
// suggested answer first among the quick replies (the date picker opening
// on the suggested day), one tap accepting it, and a single remaining
// choice recorded without asking.
func TestSuggestedAnswersAndNarrowedChoicesOnLINE(t *testing.T) {
	extra, err := flows.LoadFS(fstest.MapFS{"t.yaml": {Data: []byte(suggestFlow)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := newHarnessOn(t, db, nil, extra)
	h.link(t, "Uowner", "山田製作所")

	before := len(h.line.calls(""))
	if err := h.bot.Start(context.Background(), bot.ChannelLINE, "Uowner", bot.StartRequest{FlowID: "t_suggest"}); err != nil {
		t.Fatal(err)
	}
	h.answer(t, before)
	owner := h.person(t, bot.ChannelLINE, "Uowner")
	var sid int64
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		s, err := tx.ActiveSession(ctx, owner.ID)
		if err != nil || s.FlowID != "t_suggest" {
			t.Fatalf("active session %+v, %v", s, err)
		}
		sid = s.ID
	})

	c := h.say(t, "Uowner", "1,2")
	labels := itemLabels(c)
	if strings.Join(labels, "|") != "数字を見た|朝礼で話した" {
		t.Errorf("quick replies %v; want the two chosen, the suggested one first", labels)
	}
	c = h.tap(t, "Uowner", c.items()[0], nil)

	items := c.items()
	if len(items) < 2 || items[0].Action.Type != "postback" || items[0].Action.Label != "2026年12月4日(金)" {
		t.Fatalf("date quick replies %+v; want the suggested day first", items)
	}
	if items[1].Action.Type != "datetimepicker" || items[1].Action.Initial != "2026-12-04" {
		t.Errorf("date picker %+v; want it to open on 2026-12-04", items[1].Action)
	}
	c = h.tap(t, "Uowner", items[0], nil)
	if labels := itemLabels(c); len(labels) != 2 || labels[0] != "はい" {
		t.Errorf("yes/no quick replies %v; want はい (suggested) first", labels)
	}
	if c = h.tap(t, "Uowner", c.items()[0], nil); !strings.Contains(c.text(), "ありがとうございました") {
		t.Errorf("closing %q", c.text())
	}

	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if s, err := tx.Session(ctx, sid); err != nil || s.Status != store.SessionCompleted {
			t.Errorf("session %+v, %v; want completed", s, err)
		}
		got := map[string]string{}
		as, _ := tx.Answers(ctx, sid)
		for _, a := range as {
			got[a.StepID] = a.Value
		}
		want := map[string]string{"a": "talk,count", "b": "count", "c": "2026-12-04", "d": "yes"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("answer %s = %q, want %q (all: %v)", k, got[k], v, got)
			}
		}
	})

	// Choosing one thing leaves one choice: recorded without asking.
	before = len(h.line.calls(""))
	if err := h.bot.Start(context.Background(), bot.ChannelLINE, "Uowner", bot.StartRequest{FlowID: "t_suggest"}); err != nil {
		t.Fatal(err)
	}
	h.answer(t, before)
	c = h.say(t, "Uowner", "社員に聞いた")
	if !strings.Contains(c.text(), "社員に聞いた") || !strings.Contains(c.text(), "次はいつ話しましょうか") {
		t.Errorf("after one choice the owner gets %q; want the choice noted and the date question", c.text())
	}
}

func itemLabels(c apiCall) []string {
	var out []string
	for _, it := range c.items() {
		out = append(out, it.Action.Label)
	}
	return out
}
