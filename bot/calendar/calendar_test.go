package calendar_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/flows"
)

var jst = calendar.Tokyo()

func jstTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, jst)
}

func newJP() *calendar.Calendar { return calendar.New(jst, calendar.DefaultClosures) }

func TestNext(t *testing.T) {
	c := newJP()
	tests := []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"国民の休日 2026-09-22 between 敬老の日 and 秋分の日", jstTime(2026, 9, 22, 9, 0), jstTime(2026, 9, 24, 9, 0)},
		{"敬老の日 2026-09-21", jstTime(2026, 9, 21, 9, 0), jstTime(2026, 9, 24, 9, 0)},
		{"年末年始 2026-12-30", jstTime(2026, 12, 30, 9, 0), jstTime(2027, 1, 4, 9, 0)},
		{"年末年始 ends on 1/3 (a Sunday in 2027)", jstTime(2027, 1, 3, 10, 30), jstTime(2027, 1, 4, 10, 30)},
		{"成人の日 Monday 2027-01-11", jstTime(2027, 1, 11, 9, 0), jstTime(2027, 1, 12, 9, 0)},
		{"振替休日 2024-02-12", jstTime(2024, 2, 12, 9, 0), jstTime(2024, 2, 13, 9, 0)},
		{"振替休日 2025-11-24", jstTime(2025, 11, 24, 14, 15), jstTime(2025, 11, 25, 14, 15)},
		{"Saturday to Monday", jstTime(2026, 11, 28, 10, 0), jstTime(2026, 11, 30, 10, 0)},
		{"天皇誕生日 2027-02-23 (Tue)", jstTime(2027, 2, 23, 10, 0), jstTime(2027, 2, 24, 10, 0)},
		{"a working day is kept as is", jstTime(2026, 9, 24, 9, 0), jstTime(2026, 9, 24, 9, 0)},
		{"the day before 年末年始 is a working day", jstTime(2026, 12, 28, 17, 0), jstTime(2026, 12, 28, 17, 0)},
		{"UTC input keeps its instant and gets JST wall time",
			time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC), // 11-23 00:00 JST, 勤労感謝の日 (Mon)
			jstTime(2026, 11, 24, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Next(tt.in)
			if !got.Equal(tt.want) {
				t.Errorf("Next(%s) = %s, want %s", tt.in, got.In(jst), tt.want)
			}
		})
	}
}

func TestIsWorkdayJudgedInCalendarZone(t *testing.T) {
	c := newJP()
	tests := []struct {
		name string
		in   time.Time
		want bool
	}{
		{"Sunday 2026-11-22 23:59 JST", jstTime(2026, 11, 22, 23, 59), false},
		{"2026-11-22T15:00Z is 11-23 00:00 JST, 勤労感謝の日", time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC), false},
		{"2026-11-23T15:00Z is 11-24 00:00 JST, a Tuesday", time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC), true},
		// Still Sunday 2026-11-29 in UTC, already Monday 11-30 in Japan.
		{"UTC Sunday that is Monday in JST", time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC), true},
		// Friday 2026-11-27 in UTC, Saturday 11-28 in Japan.
		{"UTC Friday that is Saturday in JST", time.Date(2026, 11, 27, 20, 0, 0, 0, time.UTC), false},
		// A zone far west: still 2026-11-23 there, already 11-24 in Japan.
		{"Los Angeles holiday evening is a JST working day", time.Date(2026, 11, 23, 8, 0, 0, 0, time.FixedZone("PST", -8*3600)), true},
		{"2026-09-22 国民の休日", jstTime(2026, 9, 22, 12, 0), false},
		{"2026-09-23 秋分の日", jstTime(2026, 9, 23, 12, 0), false},
		{"2024-02-12 振替休日", jstTime(2024, 2, 12, 12, 0), false},
		{"2025-11-24 振替休日", jstTime(2025, 11, 24, 12, 0), false},
		{"2027-03-22 振替休日 of 春分の日", jstTime(2027, 3, 22, 12, 0), false},
		{"2026-05-06 振替休日 of 憲法記念日", jstTime(2026, 5, 6, 12, 0), false},
		{"2026-12-29 closure", jstTime(2026, 12, 29, 12, 0), false},
		{"2027-01-04 first working day", jstTime(2027, 1, 4, 0, 0), true},
		{"plain Wednesday", jstTime(2026, 11, 25, 12, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkday(tt.in); got != tt.want {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestClosuresAreConfigurable(t *testing.T) {
	noClosures := calendar.New(jst, nil)
	if !noClosures.IsWorkday(jstTime(2026, 12, 29, 9, 0)) {
		t.Error("without closures 2026-12-29 (Tue) should be a working day")
	}
	if noClosures.IsWorkday(jstTime(2027, 1, 1, 9, 0)) {
		t.Error("元日 is a public holiday even without closures")
	}
	cls, err := calendar.ParseClosures("08/13-08/15, 05/01")
	if err != nil {
		t.Fatal(err)
	}
	obon := calendar.New(jst, cls)
	if got, want := obon.Next(jstTime(2026, 8, 13, 9, 0)), jstTime(2026, 8, 17, 9, 0); !got.Equal(want) {
		t.Errorf("Next(お盆) = %s, want %s", got, want)
	}
	if obon.IsWorkday(jstTime(2026, 5, 1, 9, 0)) {
		t.Error("05/01 should be closed")
	}
	if !obon.IsWorkday(jstTime(2026, 12, 29, 9, 0)) {
		t.Error("12/29 is open when the closures do not include 年末年始")
	}
}

func TestAddWorkdays(t *testing.T) {
	c := newJP()
	tests := []struct {
		name string
		in   time.Time
		n    int
		want time.Time
	}{
		{"two before Friday 12-25", jstTime(2026, 12, 25, 10, 0), -2, jstTime(2026, 12, 23, 10, 0)},
		{"one after Friday 12-25 skips the weekend", jstTime(2026, 12, 25, 10, 0), 1, jstTime(2026, 12, 28, 10, 0)},
		{"one after 12-28 skips 年末年始", jstTime(2026, 12, 28, 10, 0), 1, jstTime(2027, 1, 4, 10, 0)},
		{"one before 01-04 skips 年末年始", jstTime(2027, 1, 4, 10, 0), -1, jstTime(2026, 12, 28, 10, 0)},
		{"two before a holiday counts working days only", jstTime(2026, 9, 23, 10, 0), -2, jstTime(2026, 9, 17, 10, 0)},
		{"zero is Next", jstTime(2026, 9, 22, 10, 0), 0, jstTime(2026, 9, 24, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddWorkdays(tt.in, tt.n); !got.Equal(tt.want) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestAt(t *testing.T) {
	c := newJP()
	got := c.At(flows.Date{Year: 2026, Month: 9, Day: 22}, 9, 0)
	if want := time.Date(2026, 9, 22, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("At = %s, want %s (09:00 JST is 00:00 UTC)", got, want)
	}
	if got.Location() != jst {
		t.Errorf("At location = %s, want the calendar's", got.Location())
	}
}

func TestParseClosures(t *testing.T) {
	got, err := calendar.ParseClosures("12/29-01/03,08/13-08/15,05/01")
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, cl := range got {
		parts = append(parts, cl.String())
	}
	if s := strings.Join(parts, ","); s != "12/29-01/03,08/13-08/15,05/01" {
		t.Errorf("parsed = %s", s)
	}
	wrap := got[0]
	for _, d := range []flows.Date{{Year: 2026, Month: 12, Day: 29}, {Year: 2026, Month: 12, Day: 31}, {Year: 2027, Month: 1, Day: 1}, {Year: 2027, Month: 1, Day: 3}} {
		if !wrap.Contains(d) {
			t.Errorf("12/29-01/03 should contain %s", d)
		}
	}
	for _, d := range []flows.Date{{Year: 2026, Month: 12, Day: 28}, {Year: 2027, Month: 1, Day: 4}, {Year: 2027, Month: 6, Day: 1}} {
		if wrap.Contains(d) {
			t.Errorf("12/29-01/03 should not contain %s", d)
		}
	}
	if got, err := calendar.ParseClosures(" "); err != nil || len(got) != 0 {
		t.Errorf("ParseClosures(blank) = %v, %v; want none", got, err)
	}
	for _, bad := range []string{"12/29-01/32", "13/01", "1229", "08/13-", "12/29,xx/01", "02/30"} {
		_, err := calendar.ParseClosures(bad)
		if err == nil {
			t.Errorf("ParseClosures(%q) succeeded", bad)
			continue
		}
		item := bad
		if i := strings.LastIndex(bad, ","); i >= 0 {
			item = bad[i+1:]
		}
		if !strings.Contains(err.Error(), `"`+item+`"`) {
			t.Errorf("ParseClosures(%q) error %q does not name the item %q", bad, err, item)
		}
	}
}

// TestConcurrentUse runs many goroutines over many years at once: with -race
// it proves the calendar (and the jp holiday functions under it) can be
// shared by dispatcher workers.
func TestConcurrentUse(t *testing.T) {
	c := newJP()
	other := newJP()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for y := 2024; y <= 2030; y++ {
				c.IsWorkday(jstTime(y, 3, 20+g%3, 9, 0))
				other.IsWorkday(jstTime(y, 9, 22+g%3, 9, 0))
			}
		})
	}
	wg.Wait()
	if c.IsWorkday(jstTime(2026, 3, 20, 9, 0)) {
		t.Error("春分の日 2026-03-20 should be a holiday")
	}
}
