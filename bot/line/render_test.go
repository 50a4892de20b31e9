package line

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// rendered is Render's output as LINE receives it (JSON), so the checks
// look at what is sent, not at SDK structs.
func rendered(t *testing.T, r bot.Reply) apiCall {
	t.Helper()
	msgs := Render(r)
	raw, err := json.Marshal(&messaging_api.PushMessageRequest{To: "U1", Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	c := apiCall{}
	if err := json.Unmarshal(raw, &c.Body); err != nil {
		t.Fatal(err)
	}
	return c
}

// checkLimits fails when a rendered reply breaks a LINE limit.
func checkLimits(t *testing.T, where string, c apiCall) {
	t.Helper()
	ms := c.messages()
	if len(ms) == 0 || len(ms) > maxMessages {
		t.Errorf("%s: %d messages", where, len(ms))
	}
	for _, m := range ms {
		if m.Type != "text" || m.Text == "" || length(m.Text) > maxText {
			t.Errorf("%s: message of type %s and %d characters", where, m.Type, length(m.Text))
		}
	}
	items := c.items()
	if len(items) > maxQuickReplies {
		t.Errorf("%s: %d quick replies", where, len(items))
	}
	for _, it := range items {
		a := it.Action
		if it.Type != "action" || a.Label == "" || utf8.RuneCountInString(a.Label) > maxLabel {
			t.Errorf("%s: quick reply %q (%d characters)", where, a.Label, utf8.RuneCountInString(a.Label))
		}
		if len(a.Data) > maxPostbackData {
			t.Errorf("%s: postback data of %d bytes", where, len(a.Data))
		}
		switch a.Type {
		case "postback":
			if a.Data != keyboardData && a.DisplayText == "" {
				t.Errorf("%s: postback %q shows nothing in the chat", where, a.Label)
			}
		case "message":
			if a.Text == "" {
				t.Errorf("%s: message action %q sends nothing", where, a.Label)
			}
		case "datetimepicker":
			if a.Mode != "date" {
				t.Errorf("%s: date picker in mode %q", where, a.Mode)
			}
		default:
			t.Errorf("%s: action type %q", where, a.Type)
		}
	}
}

// Every step of every built-in owner flow fits LINE: at most 13 quick
// replies, labels of at most 20 characters, postback data within 300 bytes,
// and each option's tap carries session, step and option id.
func TestOwnerFlowsFitLINE(t *testing.T) {
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		if f.Audience != flows.AudienceOwner {
			continue
		}
		for _, lang := range []string{"ja", "en"} {
			env := flows.Env{Lang: lang, Vars: map[string]string{"institution": "○○商工会", "advisor": "佐藤", "company": "山田製作所",
				"commitment": strings.Repeat("朝礼で目標を話す", 20)}}
			for _, s := range f.Steps {
				st := flows.State{FlowID: f.ID, FlowVersion: f.Version, Phase: flows.PhaseAsk, Cursor: s.ID, Answers: map[string]flows.Answer{}}
				p := f.Render(st, env)
				if p == nil {
					t.Fatalf("%s/%s renders no prompt", f.ID, s.ID)
				}
				where := fmt.Sprintf("%s/%s (%s)", f.ID, s.ID, lang)
				c := rendered(t, bot.Reply{SessionID: 9_223_372_036_854_775_807, Lang: lang, Text: "前置き", Prompt: p})
				checkLimits(t, where, c)
				checkOptions(t, where, p, c)
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no owner flow among the built-ins")
	}
}

// checkOptions: each option that fits is a postback answering its step.
func checkOptions(t *testing.T, where string, p *flows.Prompt, c apiCall) {
	t.Helper()
	if p.Kind != flows.KindSingle || len(p.Options) > maxQuickReplies-1 {
		return
	}
	items := c.items()
	for i, o := range p.Options {
		a := items[i].Action
		act, ok := parsePostback(a.Data, nil)
		if a.Type != "postback" || !ok || act.StepID != p.StepID || act.Value != o.ID || act.SessionID != 9_223_372_036_854_775_807 {
			t.Errorf("%s: option %s is %+v (postback %+v, %v)", where, o.ID, a, act, ok)
		}
		if a.DisplayText != o.Label {
			t.Errorf("%s: tapping %q shows %q", where, o.Label, a.DisplayText)
		}
	}
}

func TestRenderTextAndQuestionInOneMessage(t *testing.T) {
	c := rendered(t, bot.Reply{SessionID: 3, Text: "ありがとうございます。", Prompt: &flows.Prompt{StepID: "L1", Kind: flows.KindSingle,
		Text: "「朝礼」は、その後いかがですか？", Options: []flows.Choice{{ID: "done", Label: "できた"}}}})
	ms := c.messages()
	if len(ms) != 1 || !strings.HasPrefix(ms[0].Text, "ありがとうございます。") || !strings.HasSuffix(ms[0].Text, "その後いかがですか？") {
		t.Fatalf("messages %+v, want one with the notice then the question", ms)
	}
}

func TestRenderManyOptions(t *testing.T) {
	var opts []flows.Choice
	for i := 1; i <= 20; i++ {
		opts = append(opts, flows.Choice{ID: fmt.Sprintf("o%d", i), Label: fmt.Sprintf("とても長い選択肢の名前でございますその%d番目です", i)})
	}
	c := rendered(t, bot.Reply{SessionID: 3, Prompt: &flows.Prompt{StepID: "S", Kind: flows.KindSingle, Text: "どれですか？", Options: opts}})
	checkLimits(t, "20 options", c)
	items := c.items()
	if len(items) != maxQuickReplies {
		t.Fatalf("%d quick replies, want %d", len(items), maxQuickReplies)
	}
	first := items[0].Action
	if want := string([]rune(opts[0].Label)[:19]) + "…"; first.Label != want || first.DisplayText != opts[0].Label {
		t.Errorf("long label cut to %q (shows %q)", first.Label, first.DisplayText)
	}
	last := items[len(items)-1].Action
	if last.Data != keyboardData || last.InputOption != "openKeyboard" || last.Label != "番号で入力" {
		t.Errorf("last quick reply %+v, want 番号で入力 opening the keyboard", last)
	}
	for i := 1; i <= 20; i++ {
		if !strings.Contains(c.text(), fmt.Sprintf("%d. %s", i, opts[i-1].Label)) {
			t.Errorf("option %d is not numbered in the text", i)
		}
	}
}

func TestRenderOptionalTextOffersSkip(t *testing.T) {
	for lang, word := range map[string]string{"ja": "スキップ", "en": "skip"} {
		c := rendered(t, bot.Reply{SessionID: 3, Lang: lang, Prompt: &flows.Prompt{StepID: "L2a", Kind: flows.KindText, Text: "ひと言で", Optional: true}})
		items := c.items()
		if len(items) != 1 || items[0].Action.Type != "message" || items[0].Action.Text != word {
			t.Fatalf("%s: quick replies %+v, want one message action sending %q", lang, items, word)
		}
	}
	// The word sent is the engine's skip command.
	set, _ := flows.Builtin()
	f, _ := set.Get("checkin")
	st := flows.State{FlowID: f.ID, Phase: flows.PhaseAsk, Cursor: "L2a", Answers: map[string]flows.Answer{}}
	_, res := flows.Advance(f, st, flows.Input{Text: "スキップ"}, flows.Env{Lang: "ja"})
	if res.Accepted == nil || !res.Accepted.Answer.Skipped {
		t.Fatalf("「スキップ」 at L2a gives %+v, want a skipped answer", res)
	}
}

func TestRenderScaleDateAndYesNo(t *testing.T) {
	scale := rendered(t, bot.Reply{SessionID: 3, Prompt: &flows.Prompt{StepID: "L3", Kind: flows.KindScale, Text: "5段階で"}})
	var labels []string
	for _, it := range scale.items() {
		labels = append(labels, it.Action.Label)
	}
	if strings.Join(labels, ",") != "1,2,3,4,5" {
		t.Errorf("scale quick replies %v", labels)
	}
	date := rendered(t, bot.Reply{SessionID: 3, Prompt: &flows.Prompt{StepID: "D23", Kind: flows.KindDate, Text: "いつまでに？"}})
	items := date.items()
	if len(items) != 1 || items[0].Action.Type != "datetimepicker" || items[0].Action.Mode != "date" {
		t.Fatalf("date quick replies %+v", items)
	}
	if act, ok := parsePostback(items[0].Action.Data, map[string]string{"date": "2026-12-04"}); !ok || act.StepID != "D23" || act.Value != "2026-12-04" {
		t.Errorf("picking a date gives %+v, %v", act, ok)
	}
	if !strings.Contains(date.text(), "12/3") {
		t.Errorf("date prompt %q does not say which formats work", date.text())
	}
	yn := rendered(t, bot.Reply{SessionID: 3, Prompt: &flows.Prompt{StepID: "Y", Kind: flows.KindYesNo, Text: "ありますか？"}})
	if its := yn.items(); len(its) != 2 || its[0].Action.Label != "はい" || its[1].Action.Label != "いいえ" {
		t.Errorf("yes/no quick replies %+v", its)
	}
}

// Without a session a tap cannot be carried: the label is sent as text.
func TestRenderWithoutSessionSendsLabels(t *testing.T) {
	c := rendered(t, bot.Reply{Prompt: &flows.Prompt{StepID: "S", Kind: flows.KindSingle, Text: "どれ？",
		Options: []flows.Choice{{ID: "a", Label: "午前"}}}})
	if its := c.items(); len(its) != 1 || its[0].Action.Type != "message" || its[0].Action.Text != "午前" {
		t.Fatalf("quick replies %+v", its)
	}
}

func TestRenderLongTextIsSplit(t *testing.T) {
	line := strings.Repeat("あ", 999)
	text := strings.Repeat(line+"\n", 30) // ~30,000 characters
	c := rendered(t, bot.Reply{SessionID: 3, Text: text, Prompt: &flows.Prompt{StepID: "L3", Kind: flows.KindScale, Text: "5段階で"}})
	checkLimits(t, "long text", c)
	if n := len(c.messages()); n != maxMessages {
		t.Errorf("%d messages, want %d", n, maxMessages)
	}
	if len(c.items()) != 5 {
		t.Errorf("the last message lost its quick replies")
	}
	if c := rendered(t, bot.Reply{}); len(c.messages()) != 0 {
		t.Errorf("an empty reply renders %+v", c.messages())
	}
}

func TestClipCountsLikeLINE(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"できた", 20, "できた"},
		{"12345678901234567890", 20, "12345678901234567890"},
		{"123456789012345678901", 20, "1234567890123456789…"},
		{"😀😀😀😀😀😀😀😀😀😀😀", 20, "😀😀😀😀😀😀😀😀😀…"}, // 2 UTF-16 units each
	} {
		if got := clip(tc.in, tc.n); got != tc.want || length(got) > tc.n {
			t.Errorf("clip(%q, %d) = %q", tc.in, tc.n, got)
		}
	}
}

func TestPostbackRoundTrip(t *testing.T) {
	data, ok := postbackData(42, "L2b", "no_time")
	if !ok || data != "s=42&p=L2b&v=no_time" {
		t.Fatalf("postbackData = %q, %v", data, ok)
	}
	act, ok := parsePostback(data, nil)
	if !ok || act != (bot.Action{SessionID: 42, StepID: "L2b", Value: "no_time"}) {
		t.Fatalf("parsePostback = %+v, %v", act, ok)
	}
	if _, ok := postbackData(42, "S", strings.Repeat("x", 300)); ok {
		t.Error("a 300-byte value fits in the postback data")
	}
	for _, bad := range []string{"", "s=0&p=L1", "s=-3&p=L1", "s=x&p=L1", "s=1", "p=L1&v=a", "s=1&p=%zz", keyboardData} {
		if act, ok := parsePostback(bad, nil); ok {
			t.Errorf("parsePostback(%q) = %+v, want not ok", bad, act)
		}
	}
}
