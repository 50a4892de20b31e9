package calendar

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
)

// MonthDay is a day of the year without the year, e.g. 12/29.
type MonthDay struct {
	Month time.Month
	Day   int
}

func (md MonthDay) String() string { return fmt.Sprintf("%02d/%02d", int(md.Month), md.Day) }

// before reports whether md comes earlier in the year than o.
func (md MonthDay) before(o MonthDay) bool {
	return md.Month < o.Month || (md.Month == o.Month && md.Day < o.Day)
}

// Closure is a range of days, recurring every year, on which the
// institution is closed. To may come before From: the range then wraps
// the year end (12/29–01/03).
type Closure struct {
	From, To MonthDay
}

// DefaultClosures is 年末年始, 12/29–1/3.
var DefaultClosures = []Closure{{From: MonthDay{time.December, 29}, To: MonthDay{time.January, 3}}}

// Contains reports whether d falls in the closure.
func (cl Closure) Contains(d flows.Date) bool {
	md := MonthDay{d.Month, d.Day}
	if cl.To.before(cl.From) { // wraps the year end
		return !md.before(cl.From) || !cl.To.before(md)
	}
	return !md.before(cl.From) && !cl.To.before(md)
}

func (cl Closure) String() string {
	if cl.From == cl.To {
		return cl.From.String()
	}
	return cl.From.String() + "-" + cl.To.String()
}

// ParseClosures parses a comma-separated list of days ("05/01") and ranges
// ("12/29-01/03", which may wrap the year end), e.g.
// "12/29-01/03,08/13-08/15,05/01". An empty string means no closures. An
// error names the item that is wrong.
func ParseClosures(s string) ([]Closure, error) {
	var out []Closure
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		cl, err := parseClosure(item)
		if err != nil {
			return nil, fmt.Errorf("calendar: closure %q: %w", item, err)
		}
		out = append(out, cl)
	}
	return out, nil
}

func parseClosure(item string) (Closure, error) {
	from, to, isRange := strings.Cut(item, "-")
	start, err := parseMonthDay(from)
	if err != nil {
		return Closure{}, err
	}
	if !isRange {
		return Closure{From: start, To: start}, nil
	}
	end, err := parseMonthDay(to)
	if err != nil {
		return Closure{}, err
	}
	return Closure{From: start, To: end}, nil
}

// parseMonthDay parses "MM/DD" (or "M/D") and checks the day can exist
// (02/29 can, in leap years).
func parseMonthDay(s string) (MonthDay, error) {
	ms, ds, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return MonthDay{}, fmt.Errorf("%q is not MM/DD", s)
	}
	m, err1 := strconv.Atoi(ms)
	d, err2 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil {
		return MonthDay{}, fmt.Errorf("%q is not MM/DD", s)
	}
	if m < 1 || m > 12 {
		return MonthDay{}, fmt.Errorf("month %d does not exist", m)
	}
	// 2024 is a leap year, so 02/29 is accepted.
	if last := time.Date(2024, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day(); d < 1 || d > last {
		return MonthDay{}, fmt.Errorf("day %d does not exist in month %d", d, m)
	}
	return MonthDay{Month: time.Month(m), Day: d}, nil
}
