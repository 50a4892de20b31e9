package remind

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Tags of the debrief's check-in decision (D36, D36b).
const (
	tagCheckinWanted = "checkin.wanted" // send_auto, send_date, no, not_registered
	tagCheckinDate   = "checkin.date"   // the day the first check-in goes out
)

// checkinDecision is what the advisor decided about a commitment's
// check-ins: none at all (「送らない」), or the first on a chosen day.
type checkinDecision struct {
	none  bool
	first flows.Date // zero: the usual cadence
}

// decisionOf reads the decision from the answers of the session that made
// the commitment (the latest revision of each).
func decisionOf(ctx context.Context, tx store.Tx, c store.Commitment) (checkinDecision, error) {
	var d checkinDecision
	if c.SessionID == 0 {
		return d, nil
	}
	answers, err := tx.Answers(ctx, c.SessionID)
	if err != nil {
		return d, fmt.Errorf("remind: check-in decision of commitment %d: %w", c.ID, err)
	}
	latest := map[string]store.Answer{} // by tag; Answers is ordered by revision
	for _, a := range answers {
		if a.Tag != "" {
			latest[a.Tag] = a
		}
	}
	wanted := latest[tagCheckinWanted]
	switch {
	case wanted.Skipped:
	case wanted.Value == "no":
		d.none = true
	case wanted.Value == "send_date":
		if day, err := flows.ParseISODate(latest[tagCheckinDate].Value); err == nil {
			d.first = day
		}
	}
	return d, nil
}

// decided applies the decision to the usual cadence: the first check-in on
// the chosen day, and none of the usual ones before it.
func (p *Planner) decided(slots []slot, d checkinDecision) []slot {
	if d.first.IsZero() {
		return slots
	}
	first := slot{day: d.first, due: p.Calendar.Next(p.Calendar.At(d.first, checkinHour, 0))}
	out := []slot{first}
	for _, s := range slots {
		if s.due.After(first.due) {
			out = append(out, s)
		}
	}
	return out
}
