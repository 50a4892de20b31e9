// Package calendar is the Japanese business calendar reminders follow:
// weekends, 祝日 (including 振替休日 and 国民の休日, from rickar/cal/v2/jp)
// and configurable closure days such as 年末年始 are not working days. Every
// question is answered in the calendar's own location (Asia/Tokyo by
// default), never in the zone a time happens to carry, so a UTC timestamp
// late in the evening is judged by the Japanese date it already is.
package calendar

import (
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/jp"

	"github.com/bansou/bansou/flows"
)

// Calendar answers "is this a working day?" in one location. It is safe for
// concurrent use.
type Calendar struct {
	loc      *time.Location
	closures []Closure

	mu    sync.Mutex
	bc    *cal.BusinessCalendar
	cache map[flows.Date]bool // working day or not, per local date
}

// Tokyo returns Asia/Tokyo from the zone database, or a fixed UTC+9 zone
// when the database is missing (Japan has had no daylight saving since
// 1951, so both give the same times).
func Tokyo() *time.Location {
	if loc, err := time.LoadLocation("Asia/Tokyo"); err == nil {
		return loc
	}
	return time.FixedZone("JST", 9*60*60)
}

// New returns a calendar for loc (Asia/Tokyo when nil) with the Japanese
// public holidays and the given closure days (none when empty; pass
// DefaultClosures for 年末年始).
func New(loc *time.Location, closures []Closure) *Calendar {
	if loc == nil {
		loc = Tokyo()
	}
	bc := cal.NewBusinessCalendar()
	// Clone the holidays: some jp holiday functions write to the Holiday
	// they are given, which would race between goroutines and calendars
	// sharing the package-level values.
	for _, h := range jp.Holidays {
		bc.AddHoliday(h.Clone(nil))
	}
	return &Calendar{
		loc:      loc,
		closures: append([]Closure(nil), closures...),
		bc:       bc,
		cache:    map[flows.Date]bool{},
	}
}

// Location is the zone the calendar judges dates in.
func (c *Calendar) Location() *time.Location { return c.loc }

// Date is t's calendar day in the calendar's location.
func (c *Calendar) Date(t time.Time) flows.Date { return flows.DateOf(t.In(c.loc)) }

// IsWorkday reports whether t falls on a working day, judged by its date in
// the calendar's location (whatever zone t carries).
func (c *Calendar) IsWorkday(t time.Time) bool { return c.IsWorkdate(c.Date(t)) }

// IsWorkdate reports whether d is a working day: a weekday that is neither a
// public holiday nor a closure day.
func (c *Calendar) IsWorkdate(d flows.Date) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.cache[d]; ok {
		return w
	}
	w := !c.closed(d) && c.bc.IsWorkday(d.In(c.loc))
	c.cache[d] = w
	return w
}

func (c *Calendar) closed(d flows.Date) bool {
	for _, cl := range c.closures {
		if cl.Contains(d) {
			return true
		}
	}
	return false
}

// Next returns t itself when it falls on a working day, otherwise the same
// local wall-clock time on the next working day.
func (c *Calendar) Next(t time.Time) time.Time {
	if c.IsWorkday(t) {
		return t
	}
	return c.AddWorkdays(t, 1)
}

// At returns hour:min on day d in the calendar's location.
func (c *Calendar) At(d flows.Date, hour, min int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, c.loc)
}

// AddWorkdays moves t by n working days at the same local wall-clock time:
// n > 0 gives the n-th working day after t's date, n < 0 the |n|-th working
// day before it, and n == 0 is Next(t).
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	if n == 0 {
		return c.Next(t)
	}
	local := t.In(c.loc)
	d := flows.DateOf(local)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkdate(d) {
			n--
		}
	}
	h, m, s := local.Clock()
	return time.Date(d.Year, d.Month, d.Day, h, m, s, local.Nanosecond(), c.loc)
}
