package slack

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

func choices(n int) []flows.Choice {
	var cs []flows.Choice
	for i := range n {
		cs = append(cs, flows.Choice{ID: string(rune('a' + i)), Label: "選択肢" + string(rune('A'+i))})
	}
	return cs
}

// Each kind gets its element: buttons up to 5 options, a static select
// beyond; checkboxes up to 10, a multi-select beyond; a date picker; 1–5
// buttons; はい/いいえ; nothing for free text.
func TestRenderElementsByKind(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    flows.Prompt
		want []string // element types, in order
	}{
		{"single5", flows.Prompt{Kind: flows.KindSingle, Options: choices(5)}, []string{"button", "button", "button", "button", "button"}},
		{"single6", flows.Prompt{Kind: flows.KindSingle, Options: choices(6)}, []string{"static_select"}},
		{"multi10", flows.Prompt{Kind: flows.KindMulti, Options: choices(10)}, []string{"checkboxes", "button"}},
		{"multi11", flows.Prompt{Kind: flows.KindMulti, Options: choices(11)}, []string{"multi_static_select", "button"}},
		{"date", flows.Prompt{Kind: flows.KindDate}, []string{"datepicker"}},
		{"scale", flows.Prompt{Kind: flows.KindScale}, []string{"button", "button", "button", "button", "button"}},
		{"yesno", flows.Prompt{Kind: flows.KindYesNo}, []string{"button", "button"}},
		{"text", flows.Prompt{Kind: flows.KindText}, nil},
		{"number", flows.Prompt{Kind: flows.KindNumber}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.StepID, tc.p.Text = "S1", "質問"
			m := render(bot.Reply{SessionID: 7, Prompt: &tc.p})
			got := elementTypes(t, m)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("elements %v, want %v", got, tc.want)
			}
			if m.interactive != (tc.want != nil) {
				t.Errorf("interactive = %v", m.interactive)
			}
		})
	}
}

func elementTypes(t *testing.T, m message) []string {
	t.Helper()
	raw, _ := json.Marshal(m.blocks)
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type string `json:"type"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		if sid, step, ok := parseBlockID(b.BlockID); !ok || sid != 7 || step != "S1" {
			t.Errorf("block_id %q does not carry session 7, step S1", b.BlockID)
		}
		for _, e := range b.Elements {
			out = append(out, e.Type)
		}
	}
	return out
}

func TestRenderReviewHintAndEscaping(t *testing.T) {
	p := &flows.Prompt{StepID: flows.ReviewStep, Kind: flows.KindSingle, Text: "この内容で保存しますか？",
		Hint: "事実と解釈を分けて", Review: []flows.ReviewLine{{N: 1, Label: "本人の言葉", Value: "<b>売上</b> & 利益"}},
		Options: []flows.Choice{{ID: flows.ActionSave, Label: "保存する"}, {ID: flows.ActionEdit, Label: "修正する"}, {ID: flows.ActionCancel, Label: "やめる"}}}
	m := render(bot.Reply{SessionID: 1, Text: "ありがとうございます。", Prompt: p})
	raw, _ := json.Marshal(m.blocks)
	var s strings.Builder
	enc := json.NewEncoder(&s)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m.blocks)
	for _, want := range []string{"ありがとうございます。", "1. 本人の言葉: &lt;b&gt;売上&lt;/b&gt; &amp; 利益", "💡 事実と解釈を分けて", `"style":"primary"`} {
		if !strings.Contains(s.String(), want) {
			t.Errorf("review message lacks %q:\n%s", want, raw)
		}
	}
	closed := m.closed("保存する")
	if closed.interactive || len(closed.blocks) != m.static+1 {
		t.Errorf("closed message keeps %d blocks of %d", len(closed.blocks), len(m.blocks))
	}
}

func TestLongTextIsSplitWithinSlackLimits(t *testing.T) {
	long := strings.Repeat("あ", 2000) + "\n" + strings.Repeat("い", 2000) + "\n" + strings.Repeat("う", 5000)
	parts := chunks(long, maxSectionText)
	if len(parts) != 3 {
		t.Fatalf("%d chunks", len(parts))
	}
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > maxSectionText {
			t.Errorf("chunk of %d characters", n)
		}
	}
}

func TestParseBlockIDRejectsForeignIDs(t *testing.T) {
	for _, id := range []string{"", "x9Tq", "a:", "a:12", "a:x:S1", "a:12:"} {
		if _, _, ok := parseBlockID(id); ok {
			t.Errorf("parseBlockID(%q) ok", id)
		}
	}
	if sid, step, ok := parseBlockID(blockID(42, flows.ReviewStep)); !ok || sid != 42 || step != flows.ReviewStep {
		t.Errorf("round trip: %d %q %v", sid, step, ok)
	}
}

func TestMatchCompanies(t *testing.T) {
	names := []string{"山田製作所", "株式会社やまだ商店", "田中工業", "ＡＢＣ食品"}
	for _, tc := range []struct {
		query, exact string
		close        []string
	}{
		{"山田製作所", "山田製作所", nil},
		{"（株）山田製作所", "山田製作所", nil},
		{"やまだ商店", "株式会社やまだ商店", nil},
		{"abc食品", "ＡＢＣ食品", nil},
		{"山田", "", []string{"山田製作所"}},
		{"工業", "", []string{"田中工業"}},
		{"佐藤商事", "", nil},
	} {
		exact, close := matchCompanies(tc.query, names)
		if exact != tc.exact || strings.Join(close, ",") != strings.Join(tc.close, ",") {
			t.Errorf("match %q = %q %v, want %q %v", tc.query, exact, close, tc.exact, tc.close)
		}
	}
}

func TestParseCommand(t *testing.T) {
	for in, want := range map[string][2]string{
		"visit 山田製作所":  {"visit", "山田製作所"},
		"振り返り　山田製作所":   {"visit", "山田製作所"},
		"ＨＩＳＴＯＲＹ 田中工業": {"history", "田中工業"},
		"checkin 田中工業": {"checkin", "田中工業"},
		"":             {"help", ""},
		"ほげ":           {"ほげ", ""},
	} {
		if v, a := parseCommand(in); v != want[0] || a != want[1] {
			t.Errorf("parseCommand(%q) = %q %q", in, v, a)
		}
	}
}
