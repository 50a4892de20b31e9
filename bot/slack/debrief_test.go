package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// The whole quick debrief in Slack: /bansou visit for a new company, then
// buttons, checkboxes, a multi-select, date pickers and DM text replies,
// then 保存. The store ends with a completed session, the commitment, the
// follow-up and the referral.
func TestQuickDebriefInSlack(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		c, err := tx.CompanyByName(ctx, "山田製作所")
		if err != nil {
			t.Fatal(err)
		}
		cm, err := tx.LatestCommitment(ctx, c.ID)
		if err != nil || cm.Text != "朝礼で月2回、目標を話す <全員で>" || cm.Due != "2026-12-04" {
			t.Errorf("commitment = %+v, %v", cm, err)
		}
		s, err := tx.Session(ctx, cm.SessionID)
		if err != nil || s.Status != store.SessionCompleted || s.Channel != bot.ChannelSlack || s.Mode != "quick" {
			t.Errorf("session = %+v, %v", s, err)
		}
		p, _ := tx.PersonByIdentity(ctx, bot.ChannelSlack, "U1")
		fus, err := tx.OpenFollowups(ctx, p.ID)
		if err != nil || len(fus) != 1 || fus[0].Due != "2026-12-04" {
			t.Errorf("follow-ups = %+v, %v", fus, err)
		}
		as, _ := tx.Answers(ctx, s.ID)
		for _, a := range as {
			if a.StepID == "D14" && a.Value != "jikkou_dekinai,tarinai" {
				t.Errorf("D14 = %q from the checkboxes", a.Value)
			}
			if a.StepID == "D30" && a.Value != "yorozu,bank" {
				t.Errorf("D30 = %q from the multi-select", a.Value)
			}
		}
	})
}

// quickDebrief holds a quick debrief about a new company over HTTP.
func (h *harness) quickDebrief(t *testing.T, user, company string) {
	t.Helper()
	h.command(t, user, "C1", "visit "+company)
	p := h.lastPrompt(t)
	if !strings.Contains(p.text, "新しい企業") {
		t.Fatalf("no 「新しい企業」 offer for an unknown company:\n%s", p.text)
	}
	h.click(t, user, p.button(t, company), nil)

	p = h.wantStep(t, flows.ModeStep)
	h.click(t, user, p.button(t, "quick"), nil)
	h.wantClosed(t, "簡易（約3分）")

	// A new company: the intake's stage question first, in the same DM and session.
	p = h.wantStep(t, "I9")
	h.click(t, user, p.button(t, "growth_stagnation"), nil)

	h.wantStep(t, "") // D5 is a text step: no buttons
	h.dm(t, user, "売上が前年比1割減。社長が営業も製造も見ている。")
	h.dm(t, user, "「わかってはいるけど、手が回らない」")

	p = h.wantStep(t, "D14")
	p.element(t, "checkboxes")
	h.click(t, user, p.button(t, "submit"), map[string]any{p.blockID: map[string]any{actPick: map[string]any{
		"type": "checkboxes", "selected_options": []any{map[string]any{"value": "jikkou_dekinai"}, map[string]any{"value": "tarinai"}}}}})

	p = h.wantStep(t, "D15")
	if len(p.elements) != 2 {
		t.Errorf("D15 offers %d buttons, want the 2 walls chosen at D14", len(p.elements))
	}
	h.click(t, user, p.button(t, "jikkou_dekinai"), nil)
	p = h.wantStep(t, "D21")
	h.click(t, user, p.button(t, "yes"), nil)
	h.dm(t, user, "朝礼で月2回、目標を話す &lt;全員で&gt;")

	p = h.wantStep(t, "D23")
	p.element(t, "datepicker")
	h.click(t, user, map[string]any{"type": "datepicker", "action_id": actDate, "block_id": p.blockID, "selected_date": "2026-12-04"}, nil)
	h.wantClosed(t, "2026年12月4日(金)")

	p = h.wantStep(t, "D29")
	h.click(t, user, p.button(t, "needed"), nil)
	p = h.wantStep(t, "D30")
	p.element(t, "multi_static_select") // 14 options: more than checkboxes allow
	h.click(t, user, p.button(t, "submit"), map[string]any{p.blockID: map[string]any{actPick: map[string]any{
		"type": "multi_static_select", "selected_options": []any{map[string]any{"value": "yorozu"}, map[string]any{"value": "bank"}}}}})

	p = h.wantStep(t, "D34")
	if dp := p.element(t, "datepicker"); dp["initial_date"] != "2026-12-04" {
		t.Errorf("the follow-up date picker starts at %v, want the suggested 2026-12-04", dp["initial_date"])
	}
	if first := p.elements[0]; first["value"] != "2026-12-04" || first["style"] != "primary" {
		t.Errorf("the first element is %v, want the suggested day as a primary button", first)
	}
	h.click(t, user, p.button(t, "2026-12-04"), nil) // one tap accepts it

	p = h.wantStep(t, flows.ReviewStep)
	for _, want := range []string{"朝礼で月2回、目標を話す &lt;全員で&gt;", "実行できない", "保存"} {
		if !strings.Contains(p.text, want) {
			t.Errorf("review lacks %q:\n%s", want, p.text)
		}
	}
	h.click(t, user, p.button(t, flows.ActionSave), nil)

	final := h.slack.last(t, "chat.postMessage").Form.Get("text")
	if !strings.Contains(final, "保存しました") {
		t.Errorf("final message %q", final)
	}
	if blocks := h.slack.last(t, "chat.update").Form.Get("blocks"); strings.Contains(blocks, `"actions"`) || !strings.Contains(blocks, "✅ ") {
		t.Errorf("the review was not closed after saving: %s", blocks)
	}
}

// wantStep checks the step the last posted prompt asks ("" for a prompt
// answered by typing) and returns it.
func (h *harness) wantStep(t *testing.T, step string) prompt {
	t.Helper()
	p := h.lastPrompt(t)
	if got := p.step(t); got != step {
		t.Fatalf("the bot asks %q, want %q:\n%s", got, step, p.text)
	}
	return p
}

// wantClosed checks that the last chat.update replaced the buttons of the
// answered prompt by the answer.
func (h *harness) wantClosed(t *testing.T, answer string) {
	t.Helper()
	c := h.slack.last(t, "chat.update")
	blocks := c.Form.Get("blocks")
	if strings.Contains(blocks, `"actions"`) || !strings.Contains(blocks, "✅ "+answer) {
		t.Errorf("answered prompt not closed with %q: %s", answer, blocks)
	}
	if c.Form.Get("ts") == "" || !strings.HasPrefix(c.Form.Get("channel"), "D") {
		t.Errorf("chat.update without the prompt's channel and ts: %v", c.Form)
	}
}

// A stale tap — a button of a question already answered — changes nothing
// and brings the current question back.
func TestStaleTapGetsTheCurrentQuestion(t *testing.T) {
	h := newHarness(t)
	h.command(t, "U1", "D1", "visit")
	mode := h.wantStep(t, flows.ModeStep)
	h.click(t, "U1", mode.button(t, "quick"), nil)
	h.click(t, "U1", mode.button(t, "full"), nil) // the old message's other button
	last := h.lastPrompt(t).text
	if !strings.Contains(last, "回答済み") {
		t.Errorf("stale tap answered %q", last)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, _ := tx.PersonByIdentity(ctx, bot.ChannelSlack, "U1")
		s, _ := tx.ActiveSession(ctx, p.ID)
		if s.Mode != "quick" {
			t.Errorf("mode %q after a stale tap, want quick", s.Mode)
		}
	})
}
