package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/flows"
)

// The week line names seven days in brackets, and English counts agree.
func TestSummaryWeekIsSevenDaysAndEnglishCountsAgree(t *testing.T) {
	t.Parallel()
	jst, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, jst)
	d := &Digest{Now: now, Today: flows.DateOf(now), WeekFrom: flows.Date{Year: 2026, Month: 11, Day: 17}.In(jst), Companies: 1}
	if got := d.Summary("ja"); !strings.HasSuffix(got, "今週（11月17日(火)〜11月23日(月)）") || strings.Contains(got, "=") {
		t.Errorf("ja summary %q", got)
	}
	if got := d.Summary("en"); !strings.Contains(got, "· 1 company ·") {
		t.Errorf("en summary %q", got)
	}
	if got := plural(3, "more company", "more companies"); got != "3 more companies" {
		t.Errorf("plural = %q", got)
	}
}
