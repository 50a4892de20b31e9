package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// A suggested answer (the step's default) is the first, primary element:
// a button for choices, yes/no, text and numbers; a button beside a date
// picker that opens on the day; ticked checkboxes for several choices.
func TestRenderSuggestedAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     flows.Prompt
		first string // value of the first element
		check func(t *testing.T, raw string)
	}{
		{"single", flows.Prompt{Kind: flows.KindSingle, Options: choices(4), Default: "c"}, "c", nil},
		{"select", flows.Prompt{Kind: flows.KindSingle, Options: choices(8), Default: "g", DefaultLabel: "選択肢G"}, "g", nil},
		{"yesno", flows.Prompt{Kind: flows.KindYesNo, Default: "no", DefaultLabel: "いいえ"}, "no", nil},
		{"text", flows.Prompt{Kind: flows.KindText, Default: "特になし", DefaultLabel: "特になし"}, "特になし", nil},
		{"date", flows.Prompt{Kind: flows.KindDate, Default: "2026-12-04", DefaultLabel: "2026年12月4日(金)"}, "2026-12-04",
			func(t *testing.T, raw string) {
				if !strings.Contains(raw, `"initial_date":"2026-12-04"`) || !strings.Contains(raw, "これで決定：2026年12月4日(金)") {
					t.Errorf("date prompt without the suggested day: %s", raw)
				}
			}},
		{"multi", flows.Prompt{Kind: flows.KindMulti, Options: choices(4), Default: "b,d"}, "",
			func(t *testing.T, raw string) {
				if !strings.Contains(raw, `"initial_options":[{"text":{"type":"plain_text","text":"選択肢B","emoji":true},"value":"b"},{"text":{"type":"plain_text","text":"選択肢D","emoji":true},"value":"d"}]`) {
					t.Errorf("checkboxes not ticked as suggested: %s", raw)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.StepID, tc.p.Text = "S1", "質問"
			m := render(bot.Reply{SessionID: 7, Lang: "ja", Prompt: &tc.p})
			raw, _ := json.Marshal(m.blocks)
			var blocks []struct {
				Type     string `json:"type"`
				Elements []struct {
					Value string `json:"value"`
					Style string `json:"style"`
				} `json:"elements"`
			}
			if err := json.Unmarshal(raw, &blocks); err != nil {
				t.Fatal(err)
			}
			for _, b := range blocks {
				if b.Type != "actions" || tc.first == "" {
					continue
				}
				if e := b.Elements[0]; e.Value != tc.first || e.Style != "primary" {
					t.Errorf("first element %+v, want the suggested %q as primary", e, tc.first)
				}
			}
			if tc.check != nil {
				tc.check(t, string(raw))
			}
		})
	}
}
