package remind_test

import (
	"testing"
	"time"

	"github.com/bansou/bansou/bot/remind"
)

func TestParseQuietHours(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want remind.QuietHours
		bad  bool
	}{
		{"", remind.DefaultQuietHours, false},
		{"21:00-07:30", remind.QuietHours{Start: 21 * time.Hour, End: 7*time.Hour + 30*time.Minute}, false},
		{"off", remind.QuietHours{}, false},
		{"late evening", remind.QuietHours{}, true},
		{"20:00-20:00", remind.QuietHours{}, true},
	} {
		got, err := remind.ParseQuietHours(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseQuietHours(%q) = %+v, %v", tt.in, got, err)
		}
	}
	q := remind.DefaultQuietHours
	for _, tt := range []struct {
		at    time.Time
		quiet bool
		over  time.Time
	}{
		{jstAt(2026, 11, 24, 19, 59), false, jstAt(2026, 11, 24, 19, 59)},
		{jstAt(2026, 11, 24, 20, 0), true, jstAt(2026, 11, 25, 8, 0)},
		{jstAt(2026, 11, 25, 0, 30), true, jstAt(2026, 11, 25, 8, 0)},
		{jstAt(2026, 11, 25, 8, 0), false, jstAt(2026, 11, 25, 8, 0)},
	} {
		if got := q.Contains(tt.at, jst); got != tt.quiet || !q.Over(tt.at, jst).Equal(tt.over) {
			t.Errorf("%s: quiet %v, over %s; want %v, %s", tt.at, got, q.Over(tt.at, jst), tt.quiet, tt.over)
		}
	}
}
