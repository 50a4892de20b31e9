package line

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// LINE Messaging API limits that rendering respects.
const (
	maxMessages     = 5    // message objects per reply or push
	maxText         = 5000 // characters of a text message
	maxQuickReplies = 13   // quick-reply items per message
	maxLabel        = 20   // characters of an action label
	maxDisplayText  = 300  // characters of a postback's display text
	maxActionText   = 300  // characters a message action sends
)

// keyboardData is the postback of the 「番号で入力」 quick reply: it only
// opens the keyboard, and the webhook ignores it.
const keyboardData = "keyboard"

// Render turns a reply into LINE messages: one text message holding the
// notices and the question (split only when longer than LINE allows, at
// most five messages), with the prompt's quick replies on the last one. It
// returns nil when there is nothing to say. It does no I/O.
func Render(r bot.Reply) []messaging_api.MessageInterface {
	body := strings.TrimSpace(bodyText(r))
	if body == "" {
		return nil
	}
	var qr *messaging_api.QuickReply
	if r.Prompt != nil {
		if items := quickReplies(r.SessionID, r.Prompt, r.Lang); len(items) > 0 {
			qr = &messaging_api.QuickReply{Items: items}
		}
	}
	parts := chunks(body, maxText, maxMessages)
	out := make([]messaging_api.MessageInterface, len(parts))
	for i, p := range parts {
		m := &messaging_api.TextMessage{Text: p}
		if i == len(parts)-1 {
			m.QuickReply = qr
		}
		out[i] = m
	}
	return out
}

// bodyText is what the message says: the notices, then the question with
// what helps to answer it.
func bodyText(r bot.Reply) string {
	var blocks []string
	if r.Text != "" {
		blocks = append(blocks, r.Text)
	}
	if p := r.Prompt; p != nil {
		blocks = append(blocks, promptText(p, r.Lang))
	}
	return strings.Join(blocks, "\n\n")
}

func promptText(p *flows.Prompt, lang string) string {
	var lines []string
	if len(p.Review) > 0 {
		lines = append(lines, flows.Msg(lang, "ui_review"))
		for _, l := range p.Review {
			lines = append(lines, fmt.Sprintf("%d. %s: %s", l.N, l.Label, l.Value))
		}
		lines = append(lines, "")
	}
	lines = append(lines, p.Text)
	if p.Current != "" {
		lines = append(lines, flows.Msg(lang, "ui_current_answer_paren", p.Current))
	}
	if p.Hint != "" {
		lines = append(lines, p.Hint)
	}
	if numbered(p) {
		for i, c := range p.Options {
			lines = append(lines, fmt.Sprintf("%d. %s", i+1, c.Label))
		}
	}
	if g := guide(p, lang); g != "" {
		lines = append(lines, g)
	}
	return strings.Join(lines, "\n")
}

// hasChoices reports whether the prompt is answered by picking options.
func hasChoices(p *flows.Prompt) bool {
	switch p.Kind {
	case flows.KindSingle, flows.KindMulti, flows.KindCompany:
		return len(p.Options) > 0
	}
	return false
}

// room is how many quick replies the options may use.
func room(p *flows.Prompt) int {
	if p.Optional {
		return maxQuickReplies - 1 // 「スキップ」 takes one
	}
	return maxQuickReplies
}

// numbered reports whether the options are listed with numbers in the
// text: when not all of them fit in the quick replies, and for multiple
// choice (answered by typing "1,3").
func numbered(p *flows.Prompt) bool {
	return hasChoices(p) && (p.Kind == flows.KindMulti || len(p.Options) > room(p))
}

// guide says how to answer when tapping is not the whole story.
func guide(p *flows.Prompt, lang string) string {
	switch {
	case p.Kind == flows.KindMulti && len(p.Options) > 0:
		return flows.Msg(lang, "ui_to_choose_several_send_their")
	case hasChoices(p) && len(p.Options) > room(p):
		return flows.Msg(lang, "ui_you_can_also_answer_by")
	case p.Kind == flows.KindDate:
		return flows.Msg(lang, "ui_pick_a_date_or_send", cmp.Or(p.Format, flows.Msg(lang, "ui_date_examples")))
	case p.Kind == flows.KindNumber:
		if p.Format != "" {
			return flows.Msg(lang, "ui_send_number_format", p.Format)
		}
		return flows.Msg(lang, "ui_please_send_a_number")
	}
	return ""
}

// quickReplies are the buttons under the message: the options (or 1–5,
// はい/いいえ, a date picker), then 「スキップ」 for optional steps.
func quickReplies(sessionID int64, p *flows.Prompt, lang string) []messaging_api.QuickReplyItem {
	var items []messaging_api.QuickReplyItem
	switch p.Kind {
	case flows.KindScale:
		items = choiceItems(sessionID, p.StepID, suggestedFirst(scaleChoices(), p), room(p))
	case flows.KindYesNo:
		yn := []flows.Choice{{ID: "yes", Label: flows.Msg(lang, "yes")}, {ID: "no", Label: flows.Msg(lang, "no")}}
		items = choiceItems(sessionID, p.StepID, suggestedFirst(yn, p), room(p))
	case flows.KindDate:
		if p.Default != "" { // the suggested day first: one tap accepts it
			items = choiceItems(sessionID, p.StepID, []flows.Choice{{ID: p.Default, Label: p.DefaultLabel}}, 1)
		}
		items = append(items, datePicker(sessionID, p.StepID, p.Default, lang)...)
	case flows.KindSingle, flows.KindMulti, flows.KindCompany:
		items = optionItems(sessionID, p, lang)
	case flows.KindText, flows.KindNumber:
		if p.Default != "" {
			items = choiceItems(sessionID, p.StepID, []flows.Choice{{ID: p.Default, Label: p.DefaultLabel}}, 1)
		}
	}
	if p.Optional {
		label := flows.Msg(lang, "ui_skip")
		items = append(items, item(&messaging_api.MessageAction{Label: label, Text: flows.Msg(lang, "ui_skip2")}))
	}
	return items
}

// optionItems are the options' quick replies; when they do not all fit,
// the first ones and 「番号で入力」, which opens the keyboard.
func optionItems(sessionID int64, p *flows.Prompt, lang string) []messaging_api.QuickReplyItem {
	n := room(p)
	opts := suggestedFirst(p.Options, p)
	if len(opts) <= n {
		return choiceItems(sessionID, p.StepID, opts, n)
	}
	items := choiceItems(sessionID, p.StepID, opts, n-1)
	return append(items, item(&messaging_api.PostbackAction{Label: flows.Msg(lang, "ui_type_a_number"),
		Data: keyboardData, InputOption: messaging_api.PostbackActionINPUT_OPTION_OPEN_KEYBOARD}))
}

// choiceItems turns up to n choices into postbacks carrying session, step
// and option id; the display text shows the owner what they tapped. A
// choice whose postback would be too long sends its label as text instead.
func choiceItems(sessionID int64, stepID string, cs []flows.Choice, n int) []messaging_api.QuickReplyItem {
	items := make([]messaging_api.QuickReplyItem, 0, min(len(cs), n))
	for _, c := range cs[:min(len(cs), n)] {
		label := clip(c.Label, maxLabel)
		data, ok := postbackData(sessionID, stepID, c.ID)
		if sessionID <= 0 || !ok {
			items = append(items, item(&messaging_api.MessageAction{Label: label, Text: clip(c.Label, maxActionText)}))
			continue
		}
		items = append(items, item(&messaging_api.PostbackAction{Label: label, Data: data, DisplayText: clip(c.Label, maxDisplayText)}))
	}
	return items
}

func datePicker(sessionID int64, stepID, initial, lang string) []messaging_api.QuickReplyItem {
	data, ok := postbackData(sessionID, stepID, "")
	if sessionID <= 0 || !ok {
		return nil // typing the date still works
	}
	return []messaging_api.QuickReplyItem{item(&messaging_api.DatetimePickerAction{Label: flows.Msg(lang, "ui_pick_a_date"),
		Data: data, Mode: messaging_api.DatetimePickerActionMODE_DATE, Initial: initial})}
}

// suggestedFirst moves the suggested choice (the step's default) to the
// front of the quick replies, where one tap accepts it.
func suggestedFirst(cs []flows.Choice, p *flows.Prompt) []flows.Choice {
	for i, c := range cs {
		if c.ID == p.Default && i > 0 {
			out := append([]flows.Choice{c}, cs[:i]...)
			return append(out, cs[i+1:]...)
		}
	}
	return cs
}

func scaleChoices() []flows.Choice {
	cs := make([]flows.Choice, 5)
	for i := range cs {
		n := strconv.Itoa(i + 1)
		cs[i] = flows.Choice{ID: n, Label: n}
	}
	return cs
}

func item(a messaging_api.ActionInterface) messaging_api.QuickReplyItem {
	return messaging_api.QuickReplyItem{Type: "action", Action: a}
}

// chunks splits s at line breaks into at most max pieces of at most n
// characters; a longer line is cut, and what does not fit is cut off.
func chunks(s string, n, max int) []string {
	var out []string
	var cur []string
	size := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
	}
	for line := range strings.SplitSeq(s, "\n") {
		line = clip(line, n)
		l := length(line)
		if len(cur) > 0 && size+1+l > n {
			flush()
		}
		if len(cur) > 0 {
			size++
		}
		cur, size = append(cur, line), size+l
	}
	flush()
	if len(out) > max {
		out = out[:max]
		out[max-1] = clip(out[max-1]+"…", n)
	}
	return out
}

// length counts characters as LINE does (UTF-16 code units).
func length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// clip cuts s to n characters (UTF-16 code units), marking a cut with "…".
func clip(s string, n int) string {
	if length(s) <= n {
		return s
	}
	used := 1 // the "…"
	var b strings.Builder
	for _, r := range s {
		l := utf16.RuneLen(r)
		if used+l > n {
			break
		}
		b.WriteRune(r)
		used += l
	}
	return b.String() + "…"
}
