package slack

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// Slack's Block Kit limits that rendering respects.
const (
	maxSectionText = 2900 // of 3000 characters, with room for markup
	maxLabel       = 75   // button and option text
	maxOptionValue = 150  // option values of selects and checkboxes
	maxButtons     = 5    // more options than this become a select
	maxCheckboxes  = 10   // more than this become a multi-select
	maxSelect      = 100  // options in one select
	maxBlockID     = 255
)

// Action ids of the elements bansou renders.
const (
	actAnswer     = "ans"         // ans:0 … ans:4 buttons carry the answer in their value
	actSelect     = "ans:sel"     // static select: the selected option
	actDate       = "ans:date"    // datepicker: the selected date
	actMulti      = "ans:multi"   // submit button: the checked options from the message state
	actPick       = "pick"        // checkboxes / multi-select: state only, no turn
	actResume     = "home:resume" // App Home: re-send the current question
	actStartPrefx = "start:"      // start:<flow id>, value = company name
	actOpPrefix   = "op:"         // op:<bot op>:<i>, value = the op's value
)

// message is one Slack message: its blocks, the plain-text fallback shown
// in notifications, and how many leading blocks are the non-interactive
// part that remains when the prompt is closed.
type message struct {
	fallback    string
	blocks      []slack.Block
	static      int
	interactive bool // has buttons, selects or a date picker
}

func (m message) empty() bool { return len(m.blocks) == 0 }

// render turns a reply into one message: the notices, then the prompt.
func render(r bot.Reply) message {
	var m message
	if r.Text != "" {
		m.blocks = append(m.blocks, sections(r.Text)...)
		m.fallback = r.Text
	}
	if len(r.Choices) > 0 {
		m.blocks = append(m.blocks, choiceBlock(r.Choices))
	}
	p := r.Prompt
	if p == nil {
		m.static = len(m.blocks)
		return m
	}
	if r.Company != "" {
		m.blocks = append(m.blocks, contextText("🏢 "+r.Company))
	}
	m.blocks = append(m.blocks, promptBlocks(p, r.Lang)...)
	m.static = len(m.blocks)
	inter := interaction(r.SessionID, p, r.Lang)
	m.interactive = inter != nil
	if inter != nil {
		m.blocks = append(m.blocks, inter)
	}
	if g := guide(p, r.Lang); g != "" {
		m.blocks = append(m.blocks, contextText(g))
	}
	m.fallback = p.Text
	return m
}

// closed is the prompt message once answered: its text, without the
// buttons, and the chosen answer when known.
func (m message) closed(answer string) message {
	out := message{fallback: m.fallback, blocks: append([]slack.Block(nil), m.blocks[:m.static]...), static: m.static}
	if answer != "" {
		out.blocks = append(out.blocks, contextText("✅ "+answer))
	}
	return out
}

// promptBlocks renders the question: the review lines, the question with
// its number, the current answer and the listening hint.
func promptBlocks(p *flows.Prompt, lang string) []slack.Block {
	var out []slack.Block
	if len(p.Review) > 0 {
		out = append(out, sections(reviewText(p.Review, lang))...)
	}
	q := "*" + escape(p.Text) + "*"
	if p.Total > 0 {
		q = fmt.Sprintf("(%d/%d) ", p.Number, p.Total) + q
	}
	out = append(out, slack.NewSectionBlock(markdown(clip(q, maxSectionText)), nil, nil))
	if p.Current != "" {
		out = append(out, contextText(flows.Msg(lang, "ui_current_answer")+": "+p.Current))
	}
	if p.Hint != "" {
		out = append(out, contextText("💡 "+p.Hint))
	}
	return out
}

func reviewText(lines []flows.ReviewLine, lang string) string {
	var b strings.Builder
	b.WriteString(flows.Msg(lang, "ui_review"))
	for _, l := range lines {
		fmt.Fprintf(&b, "\n%d. %s: %s", l.N, l.Label, l.Value)
	}
	return b.String()
}

// interaction is the actions block that answers p, or nil when p is
// answered by typing. Its block_id carries the session and step.
func interaction(sessionID int64, p *flows.Prompt, lang string) slack.Block {
	id := blockID(sessionID, p.StepID)
	switch p.Kind {
	case flows.KindYesNo:
		cs := []flows.Choice{{ID: "yes", Label: flows.Msg(lang, "yes")}, {ID: "no", Label: flows.Msg(lang, "no")}}
		return slack.NewActionBlock(id, buttons(suggestedFirst(cs, p.Default), p.Default)...)
	case flows.KindScale:
		var cs []flows.Choice
		for n := 1; n <= 5; n++ {
			cs = append(cs, flows.Choice{ID: strconv.Itoa(n), Label: strconv.Itoa(n)})
		}
		return slack.NewActionBlock(id, buttons(cs, p.Default)...)
	case flows.KindDate:
		dp := slack.NewDatePickerBlockElement(actDate)
		dp.Placeholder = plain(flows.Msg(lang, "ui_pick_a_date"))
		if p.Default == "" {
			return slack.NewActionBlock(id, dp)
		}
		// Picking the date already shown sends nothing, so the suggested
		// day is also a button: one tap accepts it.
		dp.InitialDate = p.Default
		return slack.NewActionBlock(id, suggestion(p, lang), dp)
	case flows.KindMulti:
		return multiBlock(id, p, lang)
	case flows.KindText, flows.KindNumber:
		if p.Default != "" {
			return slack.NewActionBlock(id, suggestion(p, lang))
		}
	case flows.KindSingle, flows.KindCompany:
		return singleBlock(id, p, lang)
	}
	return nil
}

func singleBlock(id string, p *flows.Prompt, lang string) slack.Block {
	switch {
	case len(p.Options) == 0:
		return nil
	case len(p.Options) <= maxButtons:
		primary := p.Default
		if p.StepID == flows.ReviewStep {
			primary = flows.ActionSave
		}
		return slack.NewActionBlock(id, buttons(suggestedFirst(p.Options, p.Default), primary)...)
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(flows.Msg(lang, "ui_choose")), actSelect, options(p.Options)...)
	if p.Default == "" {
		return slack.NewActionBlock(id, sel)
	}
	return slack.NewActionBlock(id, suggestion(p, lang), sel)
}

// suggestedFirst moves the suggested option (the step's default) to the
// front, where one tap accepts it.
func suggestedFirst(cs []flows.Choice, def string) []flows.Choice {
	for i, c := range cs {
		if c.ID == def && i > 0 {
			out := append([]flows.Choice{c}, cs[:i]...)
			return append(out, cs[i+1:]...)
		}
	}
	return cs
}

// suggestion is the primary button that answers with the suggested value.
func suggestion(p *flows.Prompt, lang string) slack.BlockElement {
	label := flows.Msg(lang, "ui_suggested", p.DefaultLabel)
	return slack.NewButtonBlockElement(actAnswer+":0", p.Default, plain(clip(label, maxLabel))).WithStyle(slack.StylePrimary)
}

// multiBlock renders checkboxes (a multi-select above ten options) and a
// button that submits what is checked.
func multiBlock(id string, p *flows.Prompt, lang string) slack.Block {
	var pick slack.BlockElement
	if len(p.Options) <= maxCheckboxes {
		cb := slack.NewCheckboxGroupsBlockElement(actPick, options(p.Options)...)
		for _, o := range cb.Options {
			if p.Default != "" && slices.Contains(strings.Split(p.Default, ","), o.Value) {
				cb.InitialOptions = append(cb.InitialOptions, o)
			}
		}
		pick = cb
	} else {
		pick = slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(flows.Msg(lang, "ui_choose_several_allowed")), actPick, options(p.Options)...)
	}
	submit := slack.NewButtonBlockElement(actMulti, "submit", plain(flows.Msg(lang, "ui_done"))).WithStyle(slack.StylePrimary)
	return slack.NewActionBlock(id, pick, submit)
}

func buttons(cs []flows.Choice, primary string) []slack.BlockElement {
	out := make([]slack.BlockElement, 0, len(cs))
	for i, c := range cs {
		b := slack.NewButtonBlockElement(actAnswer+":"+strconv.Itoa(i), c.ID, plain(clip(c.Label, maxLabel)))
		if c.ID == primary {
			b = b.WithStyle(slack.StylePrimary)
		}
		out = append(out, b)
	}
	return out
}

func options(cs []flows.Choice) []*slack.OptionBlockObject {
	out := make([]*slack.OptionBlockObject, 0, min(len(cs), maxSelect))
	for _, c := range cs {
		if len(out) == maxSelect {
			break // the rest can still be typed
		}
		if len(c.ID) > maxOptionValue {
			continue // cannot be carried; typing still works
		}
		out = append(out, slack.NewOptionBlockObject(c.ID, plain(clip(c.Label, maxLabel)), nil))
	}
	return out
}

// guide says how to answer when typing is the way, or an alternative.
func guide(p *flows.Prompt, lang string) string {
	var g string
	switch p.Kind {
	case flows.KindText:
		g = flows.Msg(lang, "ui_reply_in_this_dm")
	case flows.KindNumber:
		g = flows.Msg(lang, "ui_type_a_number_in_this")
		if p.Format != "" {
			g = flows.Msg(lang, "ui_type_number_format_dm", p.Format)
		}
	case flows.KindDate:
		g = flows.Msg(lang, "ui_you_can_also_type_date", cmp.Or(p.Format, flows.Msg(lang, "ui_date_examples_slack")))
	case flows.KindCompany:
		g = flows.Msg(lang, "ui_for_a_new_company_type")
	}
	if p.Optional {
		g = strings.TrimSpace(g + flows.Msg(lang, "ui_send_skip_to_skip"))
	}
	return g
}

// blockID carries the session and the step: "a:<session>:<step>".
func blockID(sessionID int64, stepID string) string {
	id := "a:" + strconv.FormatInt(sessionID, 10) + ":" + stepID
	if len(id) > maxBlockID {
		return id[:maxBlockID] // a clipped step id is answered as stale
	}
	return id
}

// parseBlockID reads what blockID wrote.
func parseBlockID(id string) (sessionID int64, stepID string, ok bool) {
	rest, found := strings.CutPrefix(id, "a:")
	if !found {
		return 0, "", false
	}
	sid, step, found := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(sid, 10, 64)
	if !found || err != nil || step == "" {
		return 0, "", false
	}
	return n, step, true
}

// sections splits text into section blocks within Slack's size limit.
func sections(text string) []slack.Block {
	var out []slack.Block
	for _, chunk := range chunks(escape(text), maxSectionText) {
		out = append(out, slack.NewSectionBlock(markdown(chunk), nil, nil))
	}
	return out
}

// chunks splits s at line breaks into pieces of at most n characters; a
// longer line is cut.
func chunks(s string, n int) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		line = clip(line, n)
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+1+utf8.RuneCountInString(line) > n {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func contextText(s string) *slack.ContextBlock {
	return slack.NewContextBlock("", markdown(clip(escape(s), maxSectionText)))
}

func markdown(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// escape makes text safe for mrkdwn: Slack reads &, < and > as markup.
func escape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	// A user mention (<@U123>) stays a mention: the bot names people so.
	var b strings.Builder
	last := 0
	for _, m := range userMention.FindAllStringIndex(s, -1) {
		b.WriteString(esc.Replace(s[last:m[0]]))
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(esc.Replace(s[last:]))
	return b.String()
}

// userMention is a Slack user mention as the bot writes it.
var userMention = regexp.MustCompile(`<@[UW][A-Z0-9]+>`)

// unescape reverses the escaping Slack applies to message text, so what
// the advisor typed is stored verbatim.
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// clip cuts s to n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// choiceBlock renders the bot's Choices as buttons (a bot.Op each).
func choiceBlock(choices []bot.Choice) slack.Block {
	var elems []slack.BlockElement
	for i, c := range choices[:min(len(choices), maxButtons)] {
		btn := slack.NewButtonBlockElement(actOpPrefix+c.Op.Name+":"+strconv.Itoa(i), c.Op.Value, plain(clip(c.Label, maxLabel)))
		switch c.Style {
		case "primary":
			btn = btn.WithStyle(slack.StylePrimary)
		case "danger":
			btn = btn.WithStyle(slack.StyleDanger)
		}
		elems = append(elems, btn)
	}
	return slack.NewActionBlock("choices", elems...)
}

// choiceMessage is a notice with the bot's Choices under it.
func choiceMessage(text string, choices []bot.Choice) message {
	m := textMessage(text)
	if len(choices) > 0 {
		m.blocks = append(m.blocks, choiceBlock(choices))
	}
	return m
}
