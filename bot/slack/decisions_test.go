package slack

import (
	"strings"
	"testing"

	"github.com/bansou/bansou/flows"
)

// Items 1 and 2 in Slack: a prompt names its company; /bansou visit for
// another company while a debrief is open asks which to continue (buttons);
// やめる with answers asks once (はい / いいえ buttons).
func TestSlackSwitchCompanyAndConfirmCancel(t *testing.T) {
	h := newHarness(t)
	h.command(t, "U1", "C1", "visit 山田製作所")
	h.click(t, "U1", h.lastPrompt(t).button(t, "山田製作所"), nil)
	p := h.wantStep(t, flows.ModeStep)
	h.click(t, "U1", p.button(t, "quick"), nil)
	h.answerStage(t, "U1") // a new company: its stage first
	h.dm(t, "U1", "売上が前年比1割減。")
	if p := h.lastPrompt(t); !strings.Contains(p.text, "🏢 山田製作所") {
		t.Errorf("the prompt does not name its company:\n%s", p.text)
	}

	h.command(t, "U1", "C1", "visit 佐藤商店")
	h.click(t, "U1", h.lastPrompt(t).button(t, "佐藤商店"), nil)
	p = h.wantStep(t, "_switch")
	if !strings.Contains(p.text, "山田製作所の振り返りが途中です。どちらを続けますか？") {
		t.Errorf("switch prompt:\n%s", p.text)
	}
	h.click(t, "U1", p.button(t, "continue"), nil)
	p = h.lastPrompt(t)
	if !strings.Contains(p.text, "続きから再開します（山田製作所、質問4/8）") || !strings.Contains(p.text, "🏢 山田製作所") {
		t.Errorf("continuing did not resume 山田製作所 where it was:\n%s", p.text)
	}

	h.dm(t, "U1", "やめる")
	p = h.wantStep(t, flows.CancelStep)
	h.click(t, "U1", p.button(t, "no"), nil)
	if p := h.lastPrompt(t); !strings.Contains(p.text, "続けます。") || !strings.Contains(p.text, "経営者の言葉で印象に残ったもの") {
		t.Errorf("いいえ did not go back to the question:\n%s", p.text)
	}
	h.dm(t, "U1", "やめる")
	h.click(t, "U1", h.wantStep(t, flows.CancelStep).button(t, "yes"), nil)
	if final := h.slack.last(t, "chat.postMessage").Form.Get("text"); !strings.Contains(final, "「再開」と送ると") {
		t.Errorf("the cancel notice does not offer 再開: %q", final)
	}
	h.dm(t, "U1", "再開")
	if p := h.lastPrompt(t); !strings.Contains(p.text, "続きから再開します（山田製作所、質問4/8）") {
		t.Errorf("再開 did not take the debrief up again:\n%s", p.text)
	}
}

// Item 3 in Slack: a date picked more than 9 months away is confirmed with
// はい / いいえ buttons on the same question before it is taken.
func TestSlackFarDateIsConfirmed(t *testing.T) {
	h := newHarness(t)
	h.command(t, "U1", "C1", "visit 山田製作所")
	h.click(t, "U1", h.lastPrompt(t).button(t, "山田製作所"), nil)
	h.click(t, "U1", h.wantStep(t, flows.ModeStep).button(t, "quick"), nil)
	h.answerStage(t, "U1") // a new company: its stage first
	h.dm(t, "U1", "売上が前年比1割減。")
	h.dm(t, "U1", "「手が回らない」")
	h.dm(t, "U1", "3、5") // two walls, so D15 asks which is the biggest
	h.click(t, "U1", h.wantStep(t, "D15").button(t, "jikkou_dekinai"), nil)
	h.click(t, "U1", h.wantStep(t, "D21").button(t, "yes"), nil)
	h.dm(t, "U1", "朝礼で月2回、目標を話す")
	p := h.wantStep(t, "D23")
	if !strings.Contains(p.text, "例: 12/4") {
		t.Errorf("the date prompt does not give future examples from today:\n%s", p.text)
	}
	h.click(t, "U1", map[string]any{"type": "datepicker", "action_id": actDate, "block_id": p.blockID, "selected_date": "2027-11-01"}, nil)
	p = h.wantStep(t, "D23")
	if !strings.Contains(p.text, "2027年11月1日(月)ですね。今日から9か月以上離れていますが、この日付でよろしいですか？") {
		t.Fatalf("no confirmation for a far date:\n%s", p.text)
	}
	h.click(t, "U1", p.button(t, "yes"), nil)
	h.wantStep(t, "D29")
}

// answerStage answers the intake's stage question (I9), which a quick
// debrief about a new company asks first, by DM.
func (h *harness) answerStage(t *testing.T, user string) {
	t.Helper()
	h.wantStep(t, "I9")
	h.dm(t, user, "2")
}

// answerIntake answers the basic intake (I2–I10, I33, then I36, the next
// date) by DM.
func (h *harness) answerIntake(t *testing.T, user string) {
	t.Helper()
	h.wantStep(t, "I2")
	for _, a := range []string{"製造", "富山市", "スキップ", "2", "4", "2", "「人が足りない」", "2", "3", "スキップ"} {
		h.dm(t, user, a)
	}
	h.wantStep(t, "I36")
	h.dm(t, user, "12月18日")
}

// knownCompany records company through the basic intake on a second
// replica (same store, its own fake Slack), so a debrief about it goes
// straight on and h's Slack calls are as they were.
func (h *harness) knownCompany(t *testing.T, user, company string) {
	t.Helper()
	o := newHarnessOn(t, h.store, newFakeSlack(t), nil)
	o.seq = 500 // event ids and timestamps of its own: the store drops a redelivery
	o.dm(t, user, "新規企業 "+company)
	o.click(t, user, o.wantStep(t, flows.ModeStep).button(t, "basic"), nil)
	o.answerIntake(t, user)
	o.click(t, user, o.wantStep(t, flows.ReviewStep).button(t, flows.ActionSave), nil)
	if final := o.slack.last(t, "chat.postMessage").Form.Get("text"); !strings.Contains(final, "保存しました") {
		t.Fatalf("the intake of %s was not saved: %q", company, final)
	}
}
