package flows

import (
	"regexp"
	"strings"
)

var (
	// asidePattern is a bracketed aside holding a placeholder:
	// （担当：{{advisor}}）, （期限：{{commitment_due}}）, (due {{commitment_due}}).
	asidePattern = regexp.MustCompile(`\s?[（(][^（）()]*\{\{\s*([^}]*?)\s*\}\}[^（）()]*[）)]`)
	// quotedPattern is a quoted placeholder: 「{{commitment}}」, "{{commitment}}".
	quotedPattern = regexp.MustCompile(`[「『"]\{\{\s*([^}]*?)\s*\}\}[」』"]`)
)

// dropEmptyAsides removes a bracketed aside whose placeholder has no value
// and replaces a quoted empty placeholder by its plain wording, so people
// never read （未登録） in a sentence.
func dropEmptyAsides(s string, env Env) string {
	s = asidePattern.ReplaceAllStringFunc(s, func(m string) string {
		if env.Vars[asidePattern.FindStringSubmatch(m)[1]] == "" {
			return ""
		}
		return m
	})
	return quotedPattern.ReplaceAllStringFunc(s, func(m string) string {
		name := quotedPattern.FindStringSubmatch(m)[1]
		if env.Vars[name] != "" {
			return m
		}
		if w, ok := messages["none_"+name]; ok {
			return w.In(env.Lang)
		}
		return m
	})
}

// unset is the wording of a placeholder with no value: a plain phrase when
// one reads naturally in its place (担当者), else （未登録）.
func unset(name, lang string) string {
	if w, ok := messages["none_"+name]; ok {
		return w.In(lang)
	}
	return msg(lang, "unset")
}

// staleTimeWords are words that date a step from the day it was written:
// 明日、今週中に、来週… A step quoted later drops them (see FreshStep).
var staleTimeWords = regexp.MustCompile(`^(?:明日|あした|明後日|あさって|今日|本日|きょう|今週|来週|再来週|今月|来月|週明け|今度|近いうち|tomorrow|today|this week|next week|this month|next month)` +
	`(?:中|末|いっぱい|の間)?(?:までに|に|は|で|中に)?[、,，\s]*`)

// FreshStep returns a step written on an earlier day without the leading
// time words that have gone stale: 「明日、仕入れ先1社に見積もりを頼む」 asked
// weeks later is 「仕入れ先1社に見積もりを頼む」. The stored text is never
// changed; only how it is quoted back. Text that would be left empty stays
// as it was.
func FreshStep(text string, written, today Date) string {
	if written == today {
		return text
	}
	out := strings.TrimSpace(text)
	for {
		loc := staleTimeWords.FindStringIndex(strings.ToLower(out))
		if loc == nil || loc[1] == 0 || loc[1] >= len(out) {
			break
		}
		out = strings.TrimSpace(out[loc[1]:])
	}
	if out == "" {
		return text
	}
	return out
}
