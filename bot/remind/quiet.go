package remind

import (
	"fmt"
	"strings"
	"time"
)

// QuietHours is the nightly span in which nothing is pushed to owners,
// in local time: from Start to End, across midnight when Start > End.
// The zero value is no quiet hours.
type QuietHours struct {
	Start, End time.Duration // since local midnight
}

// DefaultQuietHours is 20:00–08:00.
var DefaultQuietHours = QuietHours{Start: 20 * time.Hour, End: 8 * time.Hour}

// ParseQuietHours reads "20:00-08:00" ("" is DefaultQuietHours, "off" is
// none).
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return DefaultQuietHours, nil
	case "off", "none":
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("remind: quiet hours %q: want HH:MM-HH:MM, e.g. 20:00-08:00", s)
	}
	start, err1 := clock(from)
	end, err2 := clock(to)
	if err1 != nil || err2 != nil || start == end {
		return QuietHours{}, fmt.Errorf("remind: quiet hours %q: want HH:MM-HH:MM, e.g. 20:00-08:00", s)
	}
	return QuietHours{Start: start, End: end}, nil
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func (q QuietHours) off() bool { return q.Start == q.End }

// sinceMidnight is t's local time of day.
func sinceMidnight(t time.Time, loc *time.Location) time.Duration {
	l := t.In(loc)
	return time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute + time.Duration(l.Second())*time.Second
}

// Contains reports whether t (read in loc) falls in the quiet hours.
func (q QuietHours) Contains(t time.Time, loc *time.Location) bool {
	if q.off() {
		return false
	}
	d := sinceMidnight(t, loc)
	if q.Start < q.End {
		return d >= q.Start && d < q.End
	}
	return d >= q.Start || d < q.End
}

// Over is the end of the quiet hours t falls in (t itself when it does
// not).
func (q QuietHours) Over(t time.Time, loc *time.Location) time.Time {
	if !q.Contains(t, loc) {
		return t
	}
	l := t.In(loc)
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	end := midnight.Add(q.End)
	if !end.After(t) {
		end = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc).Add(q.End)
	}
	return end
}

// snoozeDue is when a check-in the owner put off with 「あとで」 at at is
// asked again: on the next working day after the owner's day (a tap in the
// small hours still belongs to the evening before), at the time of day
// the check-in first came (from), or at checkinHour when that time is
// quiet.
func (p *Planner) snoozeDue(at, from time.Time) time.Time {
	cal := p.Calendar
	loc := cal.Location()
	day := cal.Date(at)
	if p.Quiet.Contains(at, loc) && sinceMidnight(at, loc) < p.Quiet.End {
		day = day.AddDays(-1) // 00:30 belongs to the evening before
	}
	hour, minute := checkinHour, 0
	if !from.IsZero() {
		if l := from.In(loc); !p.Quiet.Contains(from, loc) {
			hour, minute = l.Hour(), l.Minute()
		}
	}
	return cal.Next(cal.At(day.AddDays(1), hour, minute))
}
