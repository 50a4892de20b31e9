package flows

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// MatchOptions maps input to option ids. A part matches an option by its
// 1-based number ("2", "２", "②", "2番"), its id (case-insensitive), its
// Japanese or English label (after Fold, case-insensitive, also without
// trailing punctuation or a trailing bracketed note), or a unique prefix of
// at least two characters of a label.
//
// For single choice (multi=false) the whole input must match one option.
// For multi=true the input is split on , 、 ・ / ; and spaces (a label that
// itself contains such a separator still matches as a whole); every part
// must match. The ids come back without duplicates, in option order.
func MatchOptions(s string, opts []Option, multi bool) (ids []string, ok bool) {
	in := Fold(s)
	if in == "" || len(opts) == 0 {
		return nil, false
	}
	keys := optionKeysOf(opts)
	if !multi {
		i, ok := matchOne(in, keys, true)
		if !ok {
			return nil, false
		}
		return []string{opts[i].ID}, true
	}
	chosen, ok := matchMany(in, keys)
	if !ok {
		return nil, false
	}
	for i, c := range chosen {
		if c {
			ids = append(ids, opts[i].ID)
		}
	}
	return ids, true
}

// optionKey holds the folded, lower-case ways to name one option.
type optionKey struct {
	id     string   // the id
	labels []string // the non-empty labels
	forms  []string // shorter forms of the labels (see labelForms)
	parts  int      // the most parts the id or a label splits into
}

// optionKeysOf computes the keys of every option.
func optionKeysOf(opts []Option) []optionKey {
	keys := make([]optionKey, len(opts))
	for i, o := range opts {
		k := optionKey{id: foldKey(o.ID), parts: countParts(o.ID)}
		for _, l := range []string{o.Label.JA, o.Label.EN} {
			if f := foldKey(l); f != "" {
				k.labels = append(k.labels, f)
				k.forms = append(k.forms, labelForms(f)...)
				k.parts = max(k.parts, countParts(l))
			}
		}
		keys[i] = k
	}
	return keys
}

// countParts is the number of parts s splits into at option separators.
func countParts(s string) int {
	toks, _ := splitParts(Fold(s))
	return len(toks)
}

// matchMany splits in into parts and matches each; see MatchOptions. It
// reports which options were chosen.
func matchMany(in string, keys []optionKey) ([]bool, bool) {
	toks, seps := splitParts(in)
	if len(toks) == 0 {
		return nil, false
	}
	maxSpan := 1
	for _, k := range keys {
		maxSpan = max(maxSpan, k.parts)
	}
	chosen := make([]bool, len(keys))
	for i := 0; i < len(toks); {
		n, idx := matchSpan(toks, seps, i, maxSpan, keys)
		if n == 0 {
			return nil, false
		}
		chosen[idx] = true
		i += n
	}
	return chosen, true
}

// matchSpan matches the longest run of parts starting at toks[i]; runs of
// more than one part must equal a label or id. It returns the number of
// parts used (0 for no match) and the option index.
func matchSpan(toks, seps []string, i, maxSpan int, keys []optionKey) (int, int) {
	for j := min(len(toks), i+maxSpan); j > i; j-- {
		var b strings.Builder
		for k := i; k < j; k++ {
			if k > i {
				b.WriteString(seps[k-1])
			}
			b.WriteString(toks[k])
		}
		if idx, ok := matchOne(b.String(), keys, j-i == 1); ok {
			return j - i, idx
		}
	}
	return 0, 0
}

// isOptionSep reports whether r separates the parts of a multi answer.
func isOptionSep(r rune) bool {
	switch r {
	case ',', '、', ' ', '\n', '・', '/', ';', '；':
		return true
	}
	return false
}

// splitParts splits s at separators. seps[k] is the text between toks[k]
// and toks[k+1].
func splitParts(s string) (toks, seps []string) {
	var tok, sep strings.Builder
	for _, r := range s {
		if isOptionSep(r) {
			sep.WriteRune(r)
			continue
		}
		if sep.Len() > 0 && tok.Len() > 0 {
			toks = append(toks, tok.String())
			seps = append(seps, sep.String())
			tok.Reset()
		}
		sep.Reset()
		tok.WriteRune(r)
	}
	if tok.Len() > 0 {
		toks = append(toks, tok.String())
	}
	return toks, seps
}

// matchOne returns the index of the one option that part names. loose
// enables the option number and prefix rules.
func matchOne(part string, keys []optionKey, loose bool) (int, bool) {
	p := cleanAnswer(foldKey(part))
	if p == "" {
		return 0, false
	}
	if loose {
		if n, ok := optionNumber(p); ok && n >= 1 && n <= len(keys) {
			return n - 1, true
		}
	}
	rules := []func(p string, k optionKey) bool{idIs, labelIs, labelFormIs}
	if loose && utf8.RuneCountInString(p) >= 2 {
		rules = append(rules, labelHasPrefix)
	}
	for _, rule := range rules {
		if i, n := findOption(p, keys, rule); n == 1 {
			return i, true
		} else if n > 1 {
			return 0, false // ambiguous
		}
	}
	return 0, false
}

// findOption returns the first option satisfying rule and how many do.
func findOption(p string, keys []optionKey, rule func(string, optionKey) bool) (int, int) {
	first, n := -1, 0
	for i, k := range keys {
		if rule(p, k) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return first, n
}

func idIs(p string, k optionKey) bool { return k.id != "" && p == k.id }

func labelIs(p string, k optionKey) bool { return slices.Contains(k.labels, p) }

func labelFormIs(p string, k optionKey) bool { return slices.Contains(k.forms, p) }

func labelHasPrefix(p string, k optionKey) bool {
	return slices.ContainsFunc(k.labels, func(l string) bool { return strings.HasPrefix(l, p) })
}

// labelForms returns shorter ways to write label l: without trailing
// punctuation, without quotes around it, without a trailing bracketed
// note ("その他（自由記述）" → "その他").
func labelForms(l string) []string {
	forms := []string{cleanAnswer(l)}
	if t := stripBracketTail(l); t != l && t != "" {
		forms = append(forms, cleanAnswer(t))
	}
	return forms
}

// cleanAnswer trims trailing punctuation and quotes around the whole text.
func cleanAnswer(s string) string {
	s = trimEndPunct(s)
	for _, q := range [][2]string{{"「", "」"}, {"『", "』"}, {`"`, `"`}, {"“", "”"}} {
		if len(s) > len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			s = s[len(q[0]) : len(s)-len(q[1])]
		}
	}
	return strings.TrimSpace(trimEndPunct(s))
}

// stripBracketTail removes a trailing (…), […], 【…】 or 「…」 group.
func stripBracketTail(s string) string {
	s = trimEndPunct(s)
	for _, b := range [][2]string{{"(", ")"}, {"[", "]"}, {"【", "】"}, {"「", "」"}, {"〔", "〕"}} {
		if !strings.HasSuffix(s, b[1]) {
			continue
		}
		if i := strings.LastIndex(s, b[0]); i > 0 {
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}

// optionNumber reads an option number: "2", "②", "2番".
func optionNumber(p string) (int, bool) {
	p = strings.TrimSpace(strings.TrimSuffix(p, "番"))
	if r := []rune(p); len(r) == 1 && circledNumber(r[0]) > 0 {
		return circledNumber(r[0]), true
	}
	if len(p) > 3 {
		return 0, false
	}
	return atoiDigits(p)
}
