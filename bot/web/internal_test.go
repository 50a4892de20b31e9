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
