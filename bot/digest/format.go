package digest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bansou/bansou/flows"
)

// quoteLen is how much of an owner's words a line shows.
const quoteLen = 40

// txt is a bilingual text.
func txt(ja, en string) flows.Text { return flows.Text{JA: ja, EN: en} }

// txtf formats a bilingual text with the same arguments in both languages.
func txtf(ja, en string, args ...any) flows.Text {
	return flows.Text{JA: fmt.Sprintf(ja, args...), EN: fmt.Sprintf(en, args...)}
}

// wrapf puts x into a format per language.
func wrapf(ja, en string, x flows.Text) flows.Text {
	return flows.Text{JA: fmt.Sprintf(ja, x.JA), EN: fmt.Sprintf(en, x.In("en"))}
}

// join puts the non-empty parts of a line together.
func join(parts ...flows.Text) flows.Text {
	var ja, en []string
	for _, p := range parts {
		if p.IsZero() {
			continue
		}
		ja, en = append(ja, p.JA), append(en, p.In("en"))
	}
	return flows.Text{JA: strings.Join(ja, " ／ "), EN: strings.Join(en, " / ")}
}

// labelled is "label: value" in both languages.
func labelled(label, value flows.Text) flows.Text {
	if value.IsZero() {
		return flows.Text{}
	}
	return flows.Text{JA: label.JA + ": " + value.JA, EN: label.In("en") + ": " + value.In("en")}
}

// verbatim is words people wrote, the same in both languages.
func verbatim(s string) flows.Text { return flows.Text{JA: s, EN: s} }

// quote shows the start of what someone said, on one line, in 「」.
func quote(s string) flows.Text {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "「"), "」")
	if s == "" {
		return flows.Text{}
	}
	return verbatim("「" + clip(s, quoteLen) + "」")
}

// clip cuts s to n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// day is a short local date: 11月14日(土) / Sat 14 Nov.
func day(d flows.Date) flows.Text {
	return flows.Text{JA: d.Japanese(), EN: d.In(time.UTC).Format("Mon 2 Jan")}
}

// days is "N日" / "N days".
func days(n int) flows.Text {
	if n == 1 {
		return txt("1日", "1 day")
	}
	return txtf("%d日", "%d days", n)
}
