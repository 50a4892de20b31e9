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
	if !strings.Contains(p.text, "続きから再開します（山田製作所、質問3/7）") || !strings.Contains(p.text, "🏢 山田製作所") {
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
	if p := h.lastPrompt(t); !strings.Contains(p.text, "続きから再開します（山田製作所、質問3/7）") {
		t.Errorf("再開 did not take the debrief up again:\n%s", p.text)
	}
}
