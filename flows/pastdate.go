package flows

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	reAgo        = regexp.MustCompile(`^([0-9]+|[一二三四五六七八九十]+)(日|週間|週|か月|ヶ月|ヵ月|カ月|ケ月)前$`)
	reLastWeekOf = regexp.MustCompile(`^(先週|先々週)の?(.+)$`)
)

// ParsePastDate parses a date for a step that asks about the past (面談の
// 日): 昨日, 一昨日, 3日前, 先週火曜, and a month and day without a year (11/18)
// or a bare weekday (火曜) mean the last such day on or before today. Any
// other form is read as ParseDate reads it; the caller refuses a future day.
func ParsePastDate(s string, today Date) (Date, error) {
	k := normalizeDate(s)
	if d, ok := parsePastWord(k, today); ok {
		return d, nil
	}
	if n := matchInts(k, reMD, reMDKanji); n != nil && n[0] >= 1 && n[0] <= 12 {
		y := today.Year
		if n[0] > int(today.Month) || (n[0] == int(today.Month) && n[1] > today.Day) {
			y--
		}
		if d, ok := makeDate(y, n[0], n[1]); ok {
			return d, nil
		}
	}
	if m := reDayOnly.FindStringSubmatch(k); m != nil && m[1] == "" {
		day, _ := atoiDigits(m[2])
		month := Date{Year: today.Year, Month: today.Month, Day: 1}
		if day > today.Day {
			month = addMonths(month, -1)
		}
		if d, ok := makeDate(month.Year, int(month.Month), day); ok {
			return d, nil
		}
	}
	if week, rest := cutWeekPrefix(k); week == "" && rest == k {
		if wd, ok := weekdayName(strings.TrimPrefix(k, "の"), false); ok {
			return today.AddDays(-((int(today.Weekday()) - int(wd) + 7) % 7)), nil
		}
	}
	return ParseDate(s, today)
}

// parsePastWord reads 昨日, 一昨日, 3日前, 2週間前, 1か月前, 先週火曜.
func parsePastWord(k string, today Date) (Date, bool) {
	switch k {
	case "昨日", "きのう", "yesterday":
		return today.AddDays(-1), true
	case "一昨日", "おととい", "おとつい":
		return today.AddDays(-2), true
	case "先月末":
		return endOfMonth(addMonths(today, -1)), true
	}
	if m := reAgo.FindStringSubmatch(k); m != nil {
		n, _ := smallCount(m[1])
		if n < 0 || n > 1200 {
			return Date{}, false
		}
		switch m[2] {
		case "日":
			return today.AddDays(-n), true
		case "週", "週間":
			return today.AddDays(-7 * n), true
		default:
			return addMonths(today, -n), true
		}
	}
	if m := reLastWeekOf.FindStringSubmatch(k); m != nil {
		wd, ok := weekdayName(m[2], true)
		if !ok {
			return Date{}, false
		}
		back := 7
		if m[1] == "先々週" {
			back = 14
		}
		monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
		return monday.AddDays(-back + (int(wd)+6)%7), true
	}
	return Date{}, false
}

// futureRefusal says a past-date step got a future day, with examples
// that fit: today, yesterday, a recent day.
func futureRefusal(today Date, lang string) string {
	return fmt.Sprintf(msg(lang, "future_date"), shortDate(today, lang), shortDate(today.AddDays(-3), lang))
}
