package bot

import (
	"strings"
	"testing"
	"time"
)

func TestAgainOnNamesTheDay(t *testing.T) {
	t.Parallel()
	jst, _ := time.LoadLocation("Asia/Tokyo")
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, jst) }
	for _, tt := range []struct {
		now, due time.Time
		want     string
	}{
		{at(12, 1, 0), at(12, 1, 10), "今日の10時ごろ"},                                      // tapped at 00:30 on a Tuesday
		{at(12, 1, 15), at(12, 2, 15), "明日"},                                           // Tuesday → Wednesday
		{at(11, 28, 0), at(11, 30, 10), "月曜日にまたお聞きしますね"},                               // Saturday 00:00 → Monday
		{at(12, 28, 15), time.Date(2027, 1, 4, 15, 0, 0, 0, jst), "1月4日(月)にまたお聞きしますね"}, // over 年末年始
	} {
		if got := againOn("ja", tt.now, tt.due); !strings.Contains(got, tt.want) {
			t.Errorf("%s → %s: %q, want %q", tt.now, tt.due, got, tt.want)
		}
	}
	if got := againOn("ja", at(12, 4, 15), at(12, 7, 15)); strings.Contains(got, "明日") {
		t.Errorf("Friday → Monday says %q", got)
	}
}
