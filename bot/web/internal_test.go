package web

import (
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// A viewer who may see the company but is neither assigned nor a
// coordinator (issue 10's access requests) sees 要配慮 answers hidden and
// marked; the assigned and coordinators see them marked.
func TestSensitiveAnswersHiddenUnlessAssignedOrCoordinator(t *testing.T) {
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	h := &Handler{cfg: Config{Flows: set, Location: time.UTC}}
	s := store.Session{ID: 1, FlowID: "debrief", Status: store.SessionCompleted}
	answers := []store.Answer{
		{SessionID: 1, StepID: "D6a", Revision: 1, Value: "家族の事情", Sensitive: true},
		{SessionID: 1, StepID: "D7", Revision: 1, Value: "やってみたい", Tag: "owner.words"},
	}
	for _, show := range []bool{false, true} {
		d := &companyData{ShowHidden: show}
		e := h.sessionEvent(s, answers, "ja", d)
		var text strings.Builder
		marked := false
		for _, l := range e.Lines {
			text.WriteString(l.Value)
			marked = marked || l.Sensitive
		}
		if strings.Contains(text.String(), "家族の事情") != show || !marked {
			t.Errorf("ShowHidden=%v: lines %+v", show, e.Lines)
		}
		if show == false && (d.HiddenCount != 1 || !strings.Contains(text.String(), "要配慮のため非表示")) {
			t.Errorf("hidden answer not counted or not said: %+v", d)
		}
		if len(d.OwnerWords) != 1 {
			t.Errorf("owner's words %v, want the one answer", d.OwnerWords)
		}
	}
}

func TestPeriodPicker(t *testing.T) {
	jst := time.FixedZone("JST", 9*60*60)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, jst) }
	for _, c := range []struct {
		now      time.Time
		key      string
		from, to time.Time
		label    string
	}{
		{day(2026, 11, 24), "this", day(2026, 10, 1), day(2027, 1, 1), "2026年10月〜2026年12月"},
		{day(2026, 11, 24), "last", day(2026, 7, 1), day(2026, 10, 1), "2026年7月〜2026年9月"},
		{day(2026, 11, 24), "fy", day(2026, 4, 1), day(2027, 4, 1), "2026年4月〜2027年3月"},
		{day(2027, 2, 10), "fy", day(2026, 4, 1), day(2027, 4, 1), "2026年4月〜2027年3月"},
		{day(2027, 2, 10), "last", day(2026, 10, 1), day(2027, 1, 1), "2026年10月〜2026年12月"},
		{day(2026, 4, 1), "fy", day(2026, 4, 1), day(2027, 4, 1), "2026年4月〜2027年3月"},
		{day(2026, 4, 1), "bogus", day(2026, 4, 1), day(2026, 7, 1), "2026年4月〜2026年6月"},
	} {
		p := periodOf(c.key, c.now, "ja")
		if !p.From.Equal(c.from) || !p.To.Equal(c.to) || p.Label != c.label {
			t.Errorf("%s on %s: [%s, %s) %q, want [%s, %s) %q", c.key, c.now.Format("2006-01-02"),
				p.From.Format("2006-01-02"), p.To.Format("2006-01-02"), p.Label, c.from.Format("2006-01-02"), c.to.Format("2006-01-02"), c.label)
		}
		if got := len(p.months("ja")); got != p.monthCount || p.monthIndex(p.To) != -1 || p.monthIndex(p.From) != 0 {
			t.Errorf("%s: %d months, index of the end %d", c.key, got, p.monthIndex(p.To))
		}
	}
}
