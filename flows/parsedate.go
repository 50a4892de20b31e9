package flows

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

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
