package flows

import (
	"fmt"
	"strconv"
	"strings"
)

// askCancel stops a conversation with no answers at once; with answers it
// asks once whether to discard them.
func (f *Flow) askCancel(st State, env Env) (State, Result) {
	if !st.Begun() {
		st.Before, st.Phase = st.Phase, PhaseCancelled
		return st, Result{Cancelled: true, Notice: msg(env.Lang, "cancelled")}
	}
	st.Before, st.Phase = st.Phase, PhaseConfirmCancel
	return st, Result{Prompt: f.Render(st, env)}
}

// confirmCancel reads the answer to 「やめますか？」: yes (or やめる again)
// discards, no (or 戻る) goes back to where the conversation was.
func (f *Flow) confirmCancel(st State, in Input, env Env) (State, Result) {
	text := inputText(in)
	cmd, _, isCmd := parseCommand(text)
	yes, ok := ParseYesNo(text)
	switch {
	case (ok && yes) || (isCmd && cmd == cmdCancel):
		st.Phase = PhaseCancelled
		return st, Result{Cancelled: true, Notice: msg(env.Lang, "cancelled")}
	case (ok && !yes) || (isCmd && cmd == cmdBack):
		st.Phase, st.Before = st.Before, ""
		return st, Result{Notice: msg(env.Lang, "continue"), Prompt: f.Render(st, env)}
	}
	return f.retry(st, msg(env.Lang, "bad_yesno"), env)
}

// Reopen takes a cancelled conversation up again where it stopped.
func Reopen(st State) State {
	st = st.clone()
	if st.Phase != PhaseCancelled {
		return st
	}
	st.Phase = st.Before
	if st.Phase == "" || st.Phase == PhaseConfirmCancel {
		st.Phase = PhaseAsk
	}
	st.Before = ""
	return st
}

// farMonths is how far from today a date may be before it is confirmed.
const farMonths = 9

// far reports whether a date answer is more than nine months from today.
func far(s *Step, a Answer, today Date) bool {
	if s.Kind != KindDate || a.Skipped {
		return false
	}
	d, ok := a.Date()
	return ok && (d.After(addMonths(today, farMonths)) || d.Before(addMonths(today, -farMonths)))
}

// confirmDate reads the answer to 「この日付でよろしいですか？」: yes takes
// the pending date; a new date replaces it; no asks the step again.
func (f *Flow) confirmDate(st State, s *Step, in Input, env Env) (State, Result) {
	yes, ok := ParseYesNo(inputText(in))
	switch {
	case ok && yes:
		return f.accept(st, s, *st.Pending, env)
	case ok:
		st.Pending = nil
		return st, Result{Prompt: f.Render(st, env)}
	}
	st.Pending = nil
	return f.answer(st, in, env)
}

func (f *Flow) renderConfirmDate(st State, env Env) *Prompt {
	s, ok := f.Step(st.Cursor)
	if !ok {
		return nil
	}
	d, _ := st.Pending.Date()
	text := fmt.Sprintf(msg(env.Lang, "far_date"), d.Display(env.Lang), farMonths)
	p := &Prompt{StepID: s.ID, Kind: KindYesNo, Text: text, Format: msg(env.Lang, "far_date_hint")}
	p.Number, p.Total = f.progress(st)
	return p
}

// format says how to type the answer to s: date examples that fit the
// step's direction, a number's unit and range.
func format(s *Step, env Env) string {
	switch s.Kind {
	case KindDate:
		switch s.dates() {
		case "past":
			return fmt.Sprintf(msg(env.Lang, "format_past"), shortDate(env.Today.AddDays(-3), env.Lang))
		case "any":
			return msg(env.Lang, "format_any")
		}
		return fmt.Sprintf(msg(env.Lang, "format_future"), shortDate(env.Today.AddDays(14), env.Lang))
	case KindNumber:
		return numberFormat(s, env.Lang)
	}
	return ""
}

// shortDate is a date as people type it: 11/17 (ja, en).
func shortDate(d Date, _ string) string {
	return fmt.Sprintf("%d/%d", int(d.Month), d.Day)
}

// isNumber reports whether s is a whole number (全角 digits too).
func isNumber(s string) bool {
	_, err := strconv.Atoi(strings.TrimSpace(Fold(s)))
	return err == nil
}

// numberFormat is 「500〜2100の数字で」 / "A number from 500 to 2100", with
// the step's unit.
func numberFormat(s *Step, lang string) string {
	unit := s.Unit.In(lang)
	if lang == "en" && unit != "" {
		unit = " " + unit
	}
	var lo, hi string
	if s.Min != nil {
		lo = formatNumber(*s.Min) + unit
	}
	if s.Max != nil {
		hi = formatNumber(*s.Max) + unit
	}
	if lang == "en" {
		switch {
		case lo != "" && hi != "":
			return "A number from " + lo + " to " + hi
		case lo != "":
			return "A number, " + lo + " or more"
		case hi != "":
			return "A number, " + hi + " or less"
		}
		return "A number"
	}
	switch {
	case lo != "" && hi != "":
		return lo + "〜" + hi + "の数字で"
	case lo != "":
		return lo + "以上の数字で"
	case hi != "":
		return hi + "以下の数字で"
	}
	return "数字で"
}
