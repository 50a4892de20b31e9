package flows

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Commands a respondent can type at any prompt.
const (
	cmdBack   = "back"
	cmdSkip   = "skip"
	cmdCancel = "cancel"
	cmdEdit   = "edit"
)

var editCommand = regexp.MustCompile(`^(?:修正|しゅうせい|直す|edit)\s*(.*)$`)

// parseCommand recognises a command typed as the whole message. Commands are
// matched exactly, so an answer such as 「戻る予定です」 stays an answer.
func parseCommand(text string) (cmd, arg string, ok bool) {
	s := strings.ToLower(Fold(text))
	switch s {
	case "戻る", "もどる", "back", "前へ":
		return cmdBack, "", true
	case "スキップ", "すきっぷ", "skip", "パス":
		return cmdSkip, "", true
	case "やめる", "中止", "cancel", "キャンセル":
		return cmdCancel, "", true
	}
	if m := editCommand.FindStringSubmatch(s); m != nil && m[1] != "" {
		return cmdEdit, m[1], true
	}
	return "", "", false
}

// parseAnswer turns an input into an answer to step s, or returns a
// message saying what works.
func (f *Flow) parseAnswer(st State, s *Step, in Input, env Env) (Answer, string) {
	raw := strings.TrimSpace(inputText(in))
	if raw == "" {
		if v, ok := f.defaultOf(st, s, env); ok {
			return Answer{Value: v}, ""
		}
		return Answer{}, msg(env.Lang, "empty")
	}
	switch s.Kind {
	case KindSingle, KindMulti:
		ids, ok := MatchOptions(raw, f.choicesOf(st, s), s.Kind == KindMulti)
		if !ok {
			return Answer{}, optionProblem(s, env.Lang)
		}
		return Answer{Value: strings.Join(ids, ","), Raw: raw}, ""
	case KindYesNo:
		yes, ok := ParseYesNo(raw)
		if !ok {
			return Answer{}, msg(env.Lang, "bad_yesno")
		}
		return Answer{Value: map[bool]string{true: "yes", false: "no"}[yes], Raw: raw}, ""
	case KindScale:
		n, ok := ParseScale(raw)
		if !ok {
			return Answer{}, msg(env.Lang, "bad_scale")
		}
		return Answer{Value: strconv.Itoa(n), Raw: raw}, ""
	case KindNumber:
		return parseNumberAnswer(s, raw, env.Lang)
	case KindDate:
		return parseDateAnswer(s, raw, env)
	case KindCompany:
		return Answer{Value: pickCompany(raw, env.Companies), Raw: raw}, ""
	}
	return parseTextAnswer(s, in.Text, env.Lang)
}

// defaultOf returns the canonical value of the step's default, resolved
// against today (dates) and the choices on offer (options_from).
func (f *Flow) defaultOf(st State, s *Step, env Env) (string, bool) {
	d := s.Default
	switch {
	case d == "":
		return "", false
	case s.Kind == KindDate:
		day, err := ParseDate(d, env.Today)
		if err != nil {
			return "", false
		}
		return day.String(), true
	case s.Kind == KindScale || s.Kind == KindNumber:
		a, problem := f.parseAnswer(st, &Step{Kind: s.Kind}, Input{Text: d}, env)
		return a.Value, problem == ""
	case s.Kind == KindSingle || s.Kind == KindMulti:
		if !allIn(strings.Split(d, ","), f.choicesOf(st, s)) {
			return "", false
		}
	}
	return d, true
}

func optionProblem(s *Step, lang string) string {
	if s.Kind == KindMulti {
		return msg(lang, "bad_multi")
	}
	return msg(lang, "bad_option")
}

// parseTextAnswer keeps free text verbatim (言語化: the owner's words are
// never rewritten), trimming only the surrounding white space.
func parseTextAnswer(s *Step, text, lang string) (Answer, string) {
	t := strings.TrimSpace(text)
	if n := utf8.RuneCountInString(t); s.MaxLen > 0 && n > s.MaxLen {
		return Answer{}, fmt.Sprintf(msg(lang, "too_long"), s.MaxLen, n)
	}
	return Answer{Value: t, Raw: t}, ""
}

func parseNumberAnswer(s *Step, raw, lang string) (Answer, string) {
	n, ok := ParseNumber(raw)
	if !ok {
		return Answer{}, msg(lang, "bad_number")
	}
	if s.Min != nil && n < *s.Min {
		return Answer{}, fmt.Sprintf(msg(lang, "too_small"), formatNumber(*s.Min))
	}
	if s.Max != nil && n > *s.Max {
		return Answer{}, fmt.Sprintf(msg(lang, "too_big"), formatNumber(*s.Max))
	}
	return Answer{Value: formatNumber(n), Raw: raw}, ""
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// parseDateAnswer reads a date and checks it against the step's direction.
// At a past-date step, words are read towards the past (11/18 is the last
// 11/18, 火曜 the last Tuesday) and a future day (明日) is refused with a
// hint, never moved by a year.
func parseDateAnswer(s *Step, raw string, env Env) (Answer, string) {
	parse := ParseDate
	if s.dates() == "past" {
		parse = ParsePastDate
	}
	d, err := parse(raw, env.Today)
	if err != nil {
		return Answer{}, DateProblem(err, env.Lang)
	}
	switch s.dates() {
	case "past":
		if d.After(env.Today) {
			return Answer{}, futureRefusal(env.Today, env.Lang)
		}
	case "future":
		if d.Before(env.Today) {
			return Answer{}, msg(env.Lang, "past_date")
		}
	}
	return Answer{Value: d.String(), Raw: raw}, ""
}

// pickCompany maps a number or a name to one of the known companies; any
// other text is the name of a new company, kept as typed.
func pickCompany(raw string, companies []string) string {
	key := Fold(raw)
	if n, err := strconv.Atoi(key); err == nil && n >= 1 && n <= len(companies) {
		return companies[n-1]
	}
	for _, c := range companies {
		if Fold(c) == key {
			return c
		}
	}
	return raw
}
