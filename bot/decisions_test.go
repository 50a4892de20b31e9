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
	h := newHarness(t)
	adv := h.advisor(t, "U1", "佐藤")
	r := h.say(t, "U1", "振り返り 山田製作所")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	for _, a := range []string{"売上が前年比1割減。", "「手が回らない」", "3", "3", "ある", "明日、仕入れ先1社に見積もりを頼む", "12/4", "不要", "12/18"} {
		r = h.say(t, "U1", a)
	}
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
