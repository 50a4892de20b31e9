package flows

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// ---------------------------------------------------------------------------
// Fold

// Fold normalises what Japanese users type: 全角 ASCII (U+FF01–FF5E) becomes
// 半角, 半角 katakana becomes 全角, the 全角 space and other white space
// become a plain space, surrounding white space is trimmed and inner runs of
// white space collapse to one space (or to one "\n" when the run holds a line
// break). Kana and kanji are otherwise left as they are. Fold is idempotent.
func Fold(s string) string {
	out := make([]rune, 0, len(s))
	var gap rune // pending white space: 0, ' ' or '\n'
	for _, r := range s {
		if unicode.IsSpace(r) {
			if isLineBreak(r) {
				gap = '\n'
			} else if gap == 0 {
				gap = ' '
			}
			continue
		}
		if gap != 0 && len(out) > 0 {
			out = append(out, gap)
		}
		gap = 0
		out = appendFolded(out, r)
	}
	return string(out)
}

// appendFolded appends the folded form of r to out.
func appendFolded(out []rune, r rune) []rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // 全角 ASCII variants
		return append(out, r-0xFEE0)
	case r == 0xFF9E || r == 0xFF9F: // 半角 (semi-)voiced sound mark
		return appendSoundMark(out, r)
	case r >= 0xFF61 && r <= 0xFF9D: // 半角 katakana and punctuation
		return append(out, []rune(width.Widen.String(string(r)))...)
	}
	return append(out, r)
}

// appendSoundMark joins a 半角 ﾞ or ﾟ with the kana before it (ｶﾞ → ガ),
// or appends the spacing mark ゛ or ゜ when they do not combine.
func appendSoundMark(out []rune, r rune) []rune {
	combining, spacing := rune(0x3099), rune(0x309B)
	if r == 0xFF9F {
		combining, spacing = 0x309A, 0x309C
	}
	if n := len(out); n > 0 {
		if c := []rune(norm.NFC.String(string([]rune{out[n-1], combining}))); len(c) == 1 {
			out[n-1] = c[0]
			return out
		}
	}
	return append(out, spacing)
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// foldKey is the form used for comparisons: folded and lower case.
func foldKey(s string) string { return strings.ToLower(Fold(s)) }

// trimEndPunct removes trailing sentence punctuation and white space, so
// that 「はい。」 and 「3点！」 read like 「はい」 and 「3点」.
func trimEndPunct(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		switch r {
		case '。', '.', '!', '、', ',', '~', '〜', '♪', '…', ' ', '\n':
			return true
		}
		return false
	})
}

// isDigit reports whether r is an ASCII digit.
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// kanjiDigit returns the value of a kanji digit 〇一…九, or -1.
func kanjiDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

// circledNumber returns n for ①…⑳, or 0.
func circledNumber(r rune) int {
	if r >= '①' && r <= '⑳' {
		return int(r-'①') + 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// Yes / no

// ParseYesNo reads a yes/no answer. Yes: はい, ええ, うん, yes, y, ok, ○, 〇, 1.
// No: いいえ, いえ, no, n, ×, ✕, 2 (the prompt lists はい=1, いいえ=2).
// Case-insensitive, after Fold; trailing 。 or ！ are ignored.
func ParseYesNo(s string) (yes bool, ok bool) {
	switch trimEndPunct(foldKey(s)) {
	case "はい", "はーい", "ええ", "うん", "yes", "y", "ok", "okay", "○", "〇", "◯", "⭕", "1", "①":
		return true, true
	case "いいえ", "いえ", "no", "n", "×", "✕", "✖", "❌", "2", "②":
		return false, true
	}
	return false, false
}

// ---------------------------------------------------------------------------
// Numbers

// ParseNumber reads a number as users type it: "12", "１２", "1,200",
// "3.5", "-2", "▲2" (accounting minus), "12人", "1200万", "2千", "1億2000万円",
// "三人". A trailing unit word (人, 年, 円, %, くらい …) is ignored. ok is false
// when there is no number or something other than a unit follows it.
func ParseNumber(s string) (float64, bool) {
	r := []rune(trimEndPunct(Fold(s)))
	p := &numScanner{r: r}
	p.skipPrefix()
	neg := p.sign()
	v, ok := p.amount()
	if !ok || !p.onlyUnitLeft() || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	if neg && v != 0 {
		v = -v
	}
	return v, true
}

// numScanner walks the runes of a number.
type numScanner struct {
	r []rune
	i int
}

func (p *numScanner) peek() rune {
	if p.i < len(p.r) {
		return p.r[p.i]
	}
	return 0
}

func (p *numScanner) skipSpace() {
	for p.peek() == ' ' {
		p.i++
	}
}

// hasPrefix consumes w if the remaining input starts with it.
func (p *numScanner) hasPrefix(w string) bool {
	rest := string(p.r[p.i:])
	if strings.HasPrefix(rest, w) {
		p.i += len([]rune(w))
		return true
	}
	return false
}

// skipPrefix skips 約 / およそ ("about") and a currency sign.
func (p *numScanner) skipPrefix() {
	if p.hasPrefix("約") || p.hasPrefix("およそ") {
		p.skipSpace()
	}
	switch p.peek() {
	case '¥', '￥', '$', '\\':
		p.i++
		p.skipSpace()
	}
}

// sign consumes a sign and reports whether it is negative.
func (p *numScanner) sign() bool {
	if p.hasPrefix("マイナス") {
		p.skipSpace()
		return true
	}
	switch p.peek() {
	case '+':
		p.i++
	case '-', '−', 'ー', '‐', '▲', '△':
		p.i++
		p.skipSpace()
		return true
	}
	return false
}

// amount reads digits combined with the multipliers 十百千万億兆.
func (p *numScanner) amount() (float64, bool) {
	var total, section float64
	seen := false
	for {
		n, hasN := p.numeral()
		if u := smallUnit(p.peek()); u > 0 {
			p.i++
			if !hasN {
				n = 1
			}
			section += n * u
			seen = true
			continue
		}
		if u := bigUnit(p.peek()); u > 0 && (hasN || section > 0) {
			p.i++
			total += (section + n) * u
			section = 0
			seen = true
			continue
		}
		if hasN {
			section += n
			seen = true
		}
		return total + section, seen
	}
}

func smallUnit(r rune) float64 {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

func bigUnit(r rune) float64 {
	switch r {
	case '万':
		return 1e4
	case '億':
		return 1e8
	case '兆':
		return 1e12
	}
	return 0
}

// numeral reads an ASCII decimal ("1,200.5") or a run of kanji digits.
func (p *numScanner) numeral() (float64, bool) {
	if kanjiDigit(p.peek()) >= 0 {
		n := 0.0
		for d := kanjiDigit(p.peek()); d >= 0; d = kanjiDigit(p.peek()) {
			n = n*10 + float64(d)
			p.i++
		}
		return n, true
	}
	if !isDigit(p.peek()) {
		return 0, false
	}
	var b strings.Builder
	p.digits(&b)
	for p.groupFollows() {
		p.i++ // the separator
		p.digits(&b)
	}
	if p.peek() == '.' && p.i+1 < len(p.r) && isDigit(p.r[p.i+1]) {
		p.i++
		b.WriteByte('.')
		p.digits(&b)
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	return v, err == nil
}

// digits copies a run of ASCII digits to b.
func (p *numScanner) digits(b *strings.Builder) {
	for isDigit(p.peek()) {
		b.WriteRune(p.peek())
		p.i++
	}
}

// groupFollows reports whether a thousands separator and exactly three
// digits come next ("1,200", "1、200").
func (p *numScanner) groupFollows() bool {
	if c := p.peek(); c != ',' && c != '、' {
		return false
	}
	j := p.i + 1
	for j < len(p.r) && isDigit(p.r[j]) {
		j++
	}
	return j-(p.i+1) == 3
}

// onlyUnitLeft reports whether the rest is empty or a unit word: letters
// (kanji, kana, Latin) or %, with no further numerals.
func (p *numScanner) onlyUnitLeft() bool {
	p.skipSpace()
	for _, r := range p.r[p.i:] {
		switch {
		case r == '%' || r == '々':
		case isDigit(r) || kanjiDigit(r) >= 0 || smallUnit(r) > 0 || bigUnit(r) > 0:
			return false
		case !unicode.IsLetter(r):
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Scale

// ParseScale reads a score from 1 to 5: "3", "３", "③", "三", "3点".
func ParseScale(s string) (int, bool) {
	k := strings.TrimSuffix(trimEndPunct(Fold(s)), "点")
	r := []rune(strings.TrimSpace(k))
	if len(r) != 1 {
		return 0, false
	}
	n := kanjiDigit(r[0])
	switch {
	case isDigit(r[0]):
		n = int(r[0] - '0')
	case circledNumber(r[0]) > 0:
		n = circledNumber(r[0])
	}
	if n < 1 || n > 5 {
		return 0, false
	}
	return n, true
}

// ---------------------------------------------------------------------------
// Options

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

// ---------------------------------------------------------------------------
// Dates

// DateError says why a date could not be read, as a message key of the
// catalog and its arguments; Message renders it in the person's language.
// Error is for logs, never shown to people.
type DateError struct {
	Key  string
	Args []any // Text arguments are rendered in the message's language
	Hint bool  // add the formats that work (date_hint)
}

func (e *DateError) Error() string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if t, ok := a.(Text); ok {
			a = t.EN
		}
		args[i] = a
	}
	return fmt.Sprintf("flows: date: %s %v", e.Key, args)
}

// Message renders the problem in lang, with the formats that work.
func (e *DateError) Message(lang string) string {
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		if t, ok := a.(Text); ok {
			a = t.In(lang)
		}
		args[i] = a
	}
	m := Msg(lang, e.Key, args...)
	if e.Hint {
		m += Msg(lang, "date_hint")
	}
	return m
}

// DateProblem renders an error of ParseDate for people in lang.
func DateProblem(err error, lang string) string {
	var de *DateError
	if errors.As(err, &de) {
		return de.Message(lang)
	}
	return Msg(lang, "date_unreadable") + Msg(lang, "date_hint")
}

func errDateFormat() error {
	return &DateError{Key: "date_unreadable", Hint: true}
}

func errNoSuchDay(y, m, d int) error {
	if y > 0 {
		return &DateError{Key: "date_no_such_ymd", Args: []any{y, m, d}, Hint: true}
	}
	return &DateError{Key: "date_no_such_md", Args: []any{m, d}, Hint: true}
}

func errDateRange() error {
	return &DateError{Key: "date_too_far", Hint: true}
}

// ParseDate parses a date as users type it, relative to today: 2026-12-03,
// 2026/12/3, 20261203, 12/3, 12月3日, 2026年12月3日, R8.12.3, 令和8年12月3日,
// 今日, 明日, 明後日, 3日後, 2週間後, 1か月後, 来週火曜, 今週金曜, 火曜日,
// +14d, +2w, +1m, 月末 and more, with 全角 digits and an optional trailing
// weekday such as (木). A month and day without a year is the next such day
// on or after today. The error is a *DateError: DateProblem renders it in
// the person's language, with examples of what works.
func ParseDate(s string, today Date) (Date, error) {
	k := normalizeDate(s)
	if k == "" {
		return Date{}, errDateFormat()
	}
	parsers := []func(string, Date) (Date, bool, error){
		parseDateWord, parseRelative, parseWeekday, parseEra,
		parseYMD, parseMD, parseDayOnly,
	}
	for _, parse := range parsers {
		if d, matched, err := parse(k, today); matched {
			return d, err
		}
	}
	return Date{}, errDateFormat()
}

// normalizeDate folds s, lowers it, drops spaces and a trailing weekday and
// turns dashes and dots typed in kana mode (ー, ・, 。) between digits into
// - and . .
func normalizeDate(s string) string {
	k := trimEndPunct(foldKey(s))
	k = strings.NewReplacer(" ", "", "\n", "").Replace(k)
	k = stripWeekdaySuffix(stripDateFiller(k))
	r := []rune(k)
	for i := 1; i+1 < len(r); i++ {
		if !isDigit(r[i-1]) || !isDigit(r[i+1]) {
			continue
		}
		switch r[i] {
		case 'ー', '−', '‐', '‑', '‒', '–', '—', '―':
			r[i] = '-'
		case '・', '。':
			r[i] = '.'
		}
	}
	return string(r)
}

// stripDateFiller drops a word users add after a date: 12/3まで, 12月3日ごろ.
func stripDateFiller(k string) string {
	for _, w := range []string{"までに", "まで", "ごろ", "頃", "くらい", "ぐらい", "予定", "です"} {
		if r, ok := strings.CutSuffix(k, w); ok && r != "" {
			return trimEndPunct(r)
		}
	}
	return k
}

var (
	reParenWeekday = regexp.MustCompile(`\([月火水木金土日](?:曜日?)?\)$`)
	reWeekdayWord  = regexp.MustCompile(`[0-9日][月火水木金土日]曜日?$`)
)

// stripWeekdaySuffix drops "(木)", "(木曜日)" or "木曜日" after a date.
func stripWeekdaySuffix(k string) string {
	if loc := reParenWeekday.FindStringIndex(k); loc != nil && loc[0] > 0 {
		return k[:loc[0]]
	}
	if loc := reWeekdayWord.FindStringIndex(k); loc != nil {
		_, size := utf8.DecodeRuneInString(k[loc[0]:])
		return k[:loc[0]+size]
	}
	return k
}

// checked returns d, or an error when d is not a real day of a four-digit
// year (far from today, or today itself is not a valid date).
func checked(d Date) (Date, bool, error) {
	if _, ok := makeDate(d.Year, int(d.Month), d.Day); !ok {
		return Date{}, true, errDateRange()
	}
	return d, true, nil
}

// parseDateWord reads 今日, 明日, 明後日, 月末 and the like.
func parseDateWord(k string, today Date) (Date, bool, error) {
	switch k {
	case "今日", "きょう", "本日", "today":
		return checked(today)
	case "明日", "あした", "あす", "tomorrow":
		return checked(today.AddDays(1))
	case "明後日", "あさって":
		return checked(today.AddDays(2))
	case "明々後日", "明明後日", "しあさって":
		return checked(today.AddDays(3))
	case "月末", "今月末":
		return checked(endOfMonth(today))
	case "来月末":
		return checked(endOfMonth(addMonths(today, 1)))
	case "半年後":
		return checked(addMonths(today, 6))
	}
	return Date{}, false, nil
}

var reRelative = regexp.MustCompile(`^(\+)?([0-9]+|[一二三四五六七八九十]+)` +
	`(d|w|m|y|日|週間|週|か月|かげつ|ヶ月|ヵ月|カ月|ケ月|箇月|ヶ月間|か月間|カ月間|年)?(後|先)?$`)

// parseRelative reads 3日後, 2週間後, 1か月後, +14d, +2w, +1m, +3.
func parseRelative(k string, today Date) (Date, bool, error) {
	m := reRelative.FindStringSubmatch(k)
	if m == nil {
		return Date{}, false, nil
	}
	plus, num, unit, after := m[1] != "", m[2], m[3], m[4] != ""
	ascii := unit == "" || (unit[0] >= 'a' && unit[0] <= 'z')
	n, isKanji := smallCount(num)
	switch {
	case n < 0:
		return Date{}, false, nil
	case unit == "" && (!plus || after): // "+3" means days; "3" alone is not relative
		return Date{}, false, nil
	case ascii && (after || isKanji): // "+2w", not "2w後" or "二w"
		return Date{}, false, nil
	case !ascii && !plus && !after: // "3日" is a day of the month
		return Date{}, false, nil
	}
	return addPeriod(today, n, unit)
}

// smallCount reads a count in ASCII digits or kanji (一…十, 二十三).
// It returns -1 when the text is not a count.
func smallCount(s string) (n int, kanji bool) {
	if v, ok := atoiDigits(s); ok {
		return v, false
	}
	if len(s) > 9 && isDigit(rune(s[0])) {
		return 1 << 30, false // too many digits: caught by addPeriod
	}
	v, ok := ParseNumber(s)
	if !ok || v != math.Trunc(v) || v > 99 {
		return -1, true
	}
	return int(v), true
}

// addPeriod moves today by n units.
func addPeriod(today Date, n int, unit string) (Date, bool, error) {
	const maxDays = 36600 // about a century
	switch unit {
	case "", "d", "日":
		if n > maxDays {
			return Date{}, true, errDateRange()
		}
		return checked(today.AddDays(n))
	case "w", "週", "週間":
		if n > maxDays/7 {
			return Date{}, true, errDateRange()
		}
		return checked(today.AddDays(7 * n))
	case "y", "年":
		if n > 100 {
			return Date{}, true, errDateRange()
		}
		return checked(addMonths(today, 12*n))
	default: // months
		if n > 1200 {
			return Date{}, true, errDateRange()
		}
		return checked(addMonths(today, n))
	}
}

// parseWeekday reads 来週火曜, 来週の火曜日, 来週火, 今週金曜, 再来週月曜,
// 火曜, 火曜日, 次の火曜 and English names (tuesday, next tue).
func parseWeekday(k string, today Date) (Date, bool, error) {
	week, rest := cutWeekPrefix(k)
	rest = strings.TrimPrefix(rest, "の")
	wd, ok := weekdayName(rest, week != "")
	if !ok {
		return Date{}, false, nil
	}
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	offset := (int(wd) + 6) % 7 // Monday = 0 … Sunday = 6
	switch week {
	case "来週":
		return checked(monday.AddDays(7 + offset))
	case "再来週":
		return checked(monday.AddDays(14 + offset))
	case "今週":
		d := monday.AddDays(offset)
		if d.Before(today) {
			return Date{}, true, errPastWeekday(d)
		}
		return checked(d)
	}
	ahead := (int(wd) - int(today.Weekday()) + 7) % 7
	if ahead == 0 {
		ahead = 7
	}
	return checked(today.AddDays(ahead))
}

func errPastWeekday(d Date) error {
	name := Text{JA: weekdayJA(d.Weekday()), EN: d.Weekday().String()}
	return &DateError{Key: "date_past_weekday", Args: []any{name, int(d.Month), d.Day, name}}
}

// cutWeekPrefix splits off 来週, 再来週, 今週 (or "next", 次の, 今度の, which
// mean the next occurrence and are returned as "").
func cutWeekPrefix(k string) (week, rest string) {
	for _, w := range []string{"再来週", "来週", "今週"} {
		if r, ok := strings.CutPrefix(k, w); ok {
			return w, r
		}
	}
	for _, w := range []string{"次の", "今度の", "next"} {
		if r, ok := strings.CutPrefix(k, w); ok {
			return "", r
		}
	}
	return "", k
}

// weekdayName reads 火, 火曜, 火曜日 or tue/tuesday. A lone kanji (火)
// counts only after a week word (来週火).
func weekdayName(s string, afterWeek bool) (time.Weekday, bool) {
	if wd, ok := englishWeekday(s); ok {
		return wd, true
	}
	r := []rune(s)
	if len(r) == 0 || (len(r) == 1 && !afterWeek) {
		return 0, false
	}
	if tail := string(r[1:]); tail != "" && tail != "曜" && tail != "曜日" {
		return 0, false
	}
	for i, c := range []rune("日月火水木金土") {
		if c == r[0] {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

func englishWeekday(s string) (time.Weekday, bool) {
	switch s {
	case "sun", "sunday":
		return time.Sunday, true
	case "mon", "monday":
		return time.Monday, true
	case "tue", "tues", "tuesday":
		return time.Tuesday, true
	case "wed", "wednesday":
		return time.Wednesday, true
	case "thu", "thur", "thurs", "thursday":
		return time.Thursday, true
	case "fri", "friday":
		return time.Friday, true
	case "sat", "saturday":
		return time.Saturday, true
	}
	return 0, false
}

// era is a Japanese era: year 1 of the era is Offset+1.
type era struct {
	name        string
	offset      int
	first, last Date
}

// eraOf returns the era for a prefix such as "r" or "令和".
func eraOf(prefix string) era {
	switch prefix {
	case "r", "令和", "㋿":
		return era{"令和", 2018, Date{2019, time.May, 1}, Date{9999, time.December, 31}}
	case "h", "平成", "㍻":
		return era{"平成", 1988, Date{1989, time.January, 8}, Date{2019, time.April, 30}}
	default: // "s", "昭和", "㍼"
		return era{"昭和", 1925, Date{1926, time.December, 25}, Date{1989, time.January, 7}}
	}
}

var reEra = regexp.MustCompile(`^(r|令和|㋿|h|平成|㍻|s|昭和|㍼)([0-9]{1,2}|元)(?:年|[-/.])([0-9]{1,2})(?:月|[-/.])([0-9]{1,2})日?$`)

// parseEra reads R8.12.3, R8/12/3, 令和8年12月3日, 令和元年5月1日 (also 平成
// and 昭和).
func parseEra(k string, _ Date) (Date, bool, error) {
	m := reEra.FindStringSubmatch(k)
	if m == nil {
		return Date{}, false, nil
	}
	e := eraOf(m[1])
	n, ok := atoiDigits(m[2])
	if m[2] == "元" {
		n, ok = 1, true
	}
	mo, _ := atoiDigits(m[3])
	day, _ := atoiDigits(m[4])
	d, valid := makeDate(e.offset+n, mo, day)
	if !ok || n < 1 || !valid || d.Before(e.first) || d.After(e.last) {
		return Date{}, true, errNoSuchEraDay(e, m[2], mo, day)
	}
	return d, true, nil
}

func errNoSuchEraDay(e era, year string, m, d int) error {
	y := Text{JA: year, EN: year}
	if year == "1" || year == "元" {
		y = Text{JA: "元", EN: "1"}
	}
	return &DateError{Key: "date_no_such_era_day", Args: []any{Text{JA: e.name, EN: eraNameEN[e.name]}, y, m, d}, Hint: true}
}

var eraNameEN = map[string]string{"令和": "Reiwa", "平成": "Heisei", "昭和": "Showa"}

var (
	reYMD      = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	reYMDPlain = regexp.MustCompile(`^([0-9]{4})([0-9]{2})([0-9]{2})$`)
	reYMDKanji = regexp.MustCompile(`^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$`)
	reMD       = regexp.MustCompile(`^([0-9]{1,2})[-/.]([0-9]{1,2})$`)
	reMDKanji  = regexp.MustCompile(`^([0-9]{1,2})月([0-9]{1,2})日?$`)
	reDayOnly  = regexp.MustCompile(`^(今月|来月)?の?([0-9]{1,2})日$`)
)

// matchInts returns the integer submatches of the first regexp that matches.
func matchInts(k string, res ...*regexp.Regexp) []int {
	for _, re := range res {
		if m := re.FindStringSubmatch(k); m != nil {
			ns := make([]int, len(m)-1)
			for i, g := range m[1:] {
				ns[i], _ = atoiDigits(g)
			}
			return ns
		}
	}
	return nil
}

// parseYMD reads a full date: 2026-12-03, 2026/12/3, 2026.12.3, 20261203,
// 2026年12月3日.
func parseYMD(k string, _ Date) (Date, bool, error) {
	n := matchInts(k, reYMD, reYMDPlain, reYMDKanji)
	if n == nil {
		return Date{}, false, nil
	}
	d, ok := makeDate(n[0], n[1], n[2])
	if !ok {
		return Date{}, true, errNoSuchDay(n[0], n[1], n[2])
	}
	return d, true, nil
}

// parseMD reads a month and day (12/3, 12-3, 12月3日) and picks the next
// such day on or after today.
func parseMD(k string, today Date) (Date, bool, error) {
	n := matchInts(k, reMD, reMDKanji)
	if n == nil {
		return Date{}, false, nil
	}
	m, day := n[0], n[1]
	if m < 1 || m > 12 || day < 1 || day > 31 {
		return Date{}, true, errNoSuchDay(0, m, day)
	}
	y := today.Year
	if m < int(today.Month) || (m == int(today.Month) && day < today.Day) {
		y++
	}
	d, ok := makeDate(y, m, day)
	if !ok {
		return Date{}, true, errNoSuchDay(y, m, day)
	}
	return d, true, nil
}

// parseDayOnly reads 15日 (this month's 15th, or next month's once it has
// passed), 今月15日 and 来月3日.
func parseDayOnly(k string, today Date) (Date, bool, error) {
	m := reDayOnly.FindStringSubmatch(k)
	if m == nil {
		return Date{}, false, nil
	}
	day, _ := atoiDigits(m[2])
	month := Date{Year: today.Year, Month: today.Month, Day: 1}
	if m[1] == "来月" || (m[1] == "" && day < today.Day) {
		month = addMonths(month, 1)
	}
	d, ok := makeDate(month.Year, int(month.Month), day)
	if !ok {
		return Date{}, true, errNoSuchDay(0, int(month.Month), day)
	}
	return d, true, nil
}
