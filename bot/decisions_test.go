package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Item 7 on LINE: a step written 「明日、…」 is asked ten days later without
// the stale 明日; nothing reads （未登録）.
func TestLINECheckinQuotesTheStepWithoutStaleTimeWords(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	adv := h.advisor(t, "U1", "佐藤")
	r := h.say(t, "U1", "振り返り 山田製作所")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	r = answerUntilReview(t, h, "U1", r, map[string]string{
		"D5": "売上が前年比1割減。", "D7": "「手が回らない」", "D14": "3", "D15": "3", "D21": "ある",
		"D22": "明日、仕入れ先1社に見積もりを頼む", "D23": "12/4", "D29": "不要", "D34": "12/18",
	})
	wantPrompt(t, r, flows.ReviewStep)
	h.tap(t, "U1", r.SessionID, flows.ReviewStep, flows.ActionSave)
	h.event(t, "Uowner", bot.EventFollow)
	h.sayOn(t, "line", "Uowner", h.invite(t, "山田製作所", adv.ID).Code)
	h.clock.Add(10 * 24 * time.Hour)
	var owner = ownerOf(t, h, "Uowner")
	if err := h.checkIn(t, owner, "k1"); err != nil {
		t.Fatal(err)
	}
	first := h.out.Last(t)
	r = h.tapOn(t, "line", "Uowner", first.SessionID, "L0", "yes")
	if got := promptText(r); got != "「仕入れ先1社に見積もりを頼む」は、その後いかがですか？" {
		t.Errorf("L1 asks %q", got)
	}
	for _, rep := range h.out.All() {
		if strings.Contains(rep.Text+promptText(rep), "（未登録）") {
			t.Errorf("a reply reads （未登録）: %q", rep.Text+promptText(rep))
		}
	}
}

func ownerOf(t *testing.T, h *harness, lineID string) store.Person {
	t.Helper()
	var p store.Person
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, _ = tx.PersonByIdentity(ctx, "line", lineID)
	})
	return p
}

// answerUntilReview answers each question by its step id (the intake's
// questions a new company's debrief asks first from intakeAnswers) until
// the review; a question the
// script has no answer for fails the test.
func answerUntilReview(t *testing.T, h *harness, user string, r bot.Reply, answers map[string]string) bot.Reply {
	t.Helper()
	intake := map[string]string{}
	for _, a := range intakeAnswers {
		intake[a.step] = a.text
	}
	for i := 0; r.Prompt != nil && r.Prompt.StepID != flows.ReviewStep; i++ {
		step := r.Prompt.StepID
		a, ok := answers[step]
		if !ok {
			a, ok = intake[step]
		}
		if !ok || i > 50 {
			t.Fatalf("bot asks %s, which the script does not answer (text: %q)", step, r.Text)
		}
		r = h.say(t, user, a)
	}
	return r
}
