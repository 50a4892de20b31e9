package digest

import (
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
)

// LineKind says what a rendered line is.
type LineKind int

const (
	LineGroup LineKind = iota // a sub-heading (a wall, a destination, a kind of alert)
	LineItem                  // one company (or one summary)
	LineMore                  // 「ほか N 社」: lines left out to keep the section short
	LineEmpty                 // 「該当なし」
	LineNote                  // what bansou does not collect yet
)

// Line is one line of a rendered section.
type Line struct {
	Kind LineKind
	Text string // without a bullet or markup
}

// Heading is the digest's title line.
func (d *Digest) Heading(lang string) string {
	return flows.Msg(lang, "digest_coordinator_digest")
}

// Summary says when the digest was computed, for how many companies, and
// which days "this week" covers.
func (d *Digest) Summary(lang string) string {
	from := day(flows.DateOf(d.WeekFrom)).In(lang)
	to := day(d.Today).In(lang)
	if lang == "en" {
		return fmt.Sprintf("As of %s · %s · this week (%s – %s)", d.Now.Format("Mon 2 Jan 2006 15:04"), plural(d.Companies, "company", "companies"), from, to)
	}
	return fmt.Sprintf("%s %s 時点・%d社・今週（%s〜%s）", d.Today.JapaneseWithYear(), d.Now.Format("15:04"), d.Companies, from, to)
}

// Lines renders a section's body: sub-headings and at most MaxLines
// company lines, then 「ほか N 社」, or 「該当なし」, then its notes.
func (d *Digest) Lines(s Section, lang string) []Line {
	var out []Line
	shown, budget := map[string]bool{}, max(d.MaxLines, 1)
	var hidden []Item
	for _, g := range s.Groups {
		n := min(len(g.Items), budget)
		if n > 0 && !g.Title.IsZero() {
			out = append(out, Line{LineGroup, g.Title.In(lang)})
		}
		for _, it := range g.Items[:n] {
			out = append(out, Line{LineItem, itemText(it, lang)})
			shown[it.Company] = true
		}
		hidden = append(hidden, g.Items[n:]...)
		budget -= n
	}
	if len(hidden) > 0 {
		out = append(out, Line{LineMore, moreText(hidden, shown, lang)})
	}
	if s.Empty() {
		out = append(out, Line{LineEmpty, flows.Msg(lang, "digest_none")})
	}
	for _, n := range s.Notes {
		out = append(out, Line{LineNote, n.In(lang)})
	}
	return out
}

// itemText is "company（advisor） text".
func itemText(it Item, lang string) string {
	who := it.Company
	switch {
	case who != "" && it.Advisor != "":
		who += flows.Msg(lang, "paren", it.Advisor)
	case who == "":
		who = it.Advisor
	}
	if who == "" {
		return it.Text.In(lang)
	}
	return who + flows.Msg(lang, "digest_who_sep") + it.Text.In(lang)
}

// moreText counts what was left out: companies not already shown, or lines.
func moreText(hidden []Item, shown map[string]bool, lang string) string {
	companies := map[string]bool{}
	for _, it := range hidden {
		if it.Company != "" && !shown[it.Company] {
			companies[it.Company] = true
		}
	}
	if n := len(companies); n > 0 {
		if n == 1 {
			return flows.Msg(lang, "digest_more_company", n)
		}
		return flows.Msg(lang, "digest_more_companies", n)
	}
	return flows.Msg(lang, "digest_more_items", len(hidden))
}

// Text renders the digest for a terminal or a log: Japanese, or English
// when lang is "en". Sections are numbered as in §B.5.
func (d *Digest) Text(lang string) string {
	var b strings.Builder
	b.WriteString(d.Heading(lang) + "\n" + d.Summary(lang) + "\n")
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "\n%d. %s\n", s.No, s.Title.In(lang))
		for _, l := range d.Lines(s, lang) {
			b.WriteString(linePrefix(l.Kind, lang) + l.Text + "\n")
		}
	}
	return b.String()
}

func linePrefix(k LineKind, lang string) string {
	switch k {
	case LineGroup:
		return "  ■ "
	case LineItem:
		return flows.Msg(lang, "digest_bullet")
	case LineNote:
		return "  ※ "
	}
	return "  "
}

// plural is "1 company", "2 companies" (English only).
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
