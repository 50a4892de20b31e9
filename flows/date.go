package flows

import (
	"fmt"
	"time"
)

// Date is a calendar day with no time or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns t's calendar day in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats d as an ISO 8601 date, e.g. "2026-12-03".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the day n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.compare(o) < 0 }

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return d.compare(o) > 0 }

// compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return sign(d.Year - o.Year)
	case d.Month != o.Month:
		return sign(int(d.Month) - int(o.Month))
	default:
		return sign(d.Day - o.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return d.In(time.UTC).Weekday()
}

// Japanese formats d the way it is written in Japanese, e.g. "12月3日(木)".
func (d Date) Japanese() string {
	return fmt.Sprintf("%d月%d日(%s)", int(d.Month), d.Day, weekdayJA(d.Weekday()))
}

// JapaneseWithYear is Japanese with the year in front, e.g. "2027年1月4日(月)".
func (d Date) JapaneseWithYear() string {
	return fmt.Sprintf("%d年%s", d.Year, d.Japanese())
}

// weekdayJA is the one-kanji name of wd, e.g. "木" for Thursday.
func weekdayJA(wd time.Weekday) string {
	const names = "日月火水木金土"
	return string([]rune(names)[wd%7])
}

// ParseISODate parses exactly "2006-01-02" and checks that the day exists.
func ParseISODate(s string) (Date, error) {
	bad := fmt.Errorf("flows: invalid date %q (want YYYY-MM-DD)", s)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, bad
	}
	y, ok1 := atoiDigits(s[0:4])
	m, ok2 := atoiDigits(s[5:7])
	d, ok3 := atoiDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, bad
	}
	date, ok := makeDate(y, m, d)
	if !ok {
		return Date{}, fmt.Errorf("flows: date %q does not exist", s)
	}
	return date, nil
}

// atoiDigits parses a non-empty string of ASCII digits.
func atoiDigits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// makeDate returns the date y-m-d if that day exists in a four-digit year.
func makeDate(y, m, d int) (Date, bool) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, false
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, true
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// addMonths moves d by n months, clamping the day to the end of the
// month (1月31日 + 1 month = 2月28日).
func addMonths(d Date, n int) Date {
	total := d.Year*12 + int(d.Month) - 1 + n
	y, m := floorDiv(total, 12), time.Month(total-floorDiv(total, 12)*12+1)
	return Date{Year: y, Month: m, Day: min(d.Day, daysIn(y, m))}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// endOfMonth returns the last day of d's month.
func endOfMonth(d Date) Date {
	return Date{Year: d.Year, Month: d.Month, Day: daysIn(d.Year, d.Month)}
}
