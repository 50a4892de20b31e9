package remind_test

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// commitDecided records a commitment made in a debrief whose D36 answer is
// wanted (and D36b day, when given), as the bot stores them.
func (l *ownerLife) commitDecided(made time.Time, due, wanted, day string) store.Commitment {
	return in(l.t, l.d, func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
		adv, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤", CreatedAt: made}, "slack", "U-decided")
		if err != nil {
			return store.Commitment{}, err
		}
		s, err := tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, CompanyID: l.company.ID,
			RespondentID: adv.ID, Channel: "slack", Status: store.SessionCompleted, CreatedAt: made, UpdatedAt: made, CompletedAt: made})
		if err != nil {
			return store.Commitment{}, err
		}
		for _, a := range []store.Answer{{StepID: "D36", Tag: "checkin.wanted", Value: wanted}, {StepID: "D36b", Tag: "checkin.date", Value: day}} {
			if a.Value == "" {
				continue
			}
			a.SessionID, a.Raw, a.ByPersonID, a.At = s.ID, a.Value, adv.ID, made
			if _, err := tx.AddAnswer(ctx, a); err != nil {
				return store.Commitment{}, err
			}
		}
		cm, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: l.company.ID, SessionID: s.ID, Text: "見積書の様式を見直す",
			Due: due, Status: "open", CreatedAt: made})
		if err != nil {
			return cm, err
		}
		return cm, l.replicas[0].CommitmentAdded(ctx, tx, cm)
	})
}

// D36 「送らない」: no check-in is ever planned for the commitment.
func TestNoCheckinsWhenTheAdvisorChoseNotToSend(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		l := newOwnerLife(t, d)
		l.commitDecided(jstAt(2026, 11, 20, 10, 0), "2026-12-25", "no", "")
		for noon := jstAt(2026, 11, 20, 12, 0); noon.Before(jstAt(2027, 2, 1, 0, 0)); noon = noon.AddDate(0, 0, 1) {
			l.day(noon)
		}
		if rs := listReminders(t, d, store.ReminderFilter{Kind: "checkin"}); len(rs) != 0 {
			t.Errorf("「送らない」 still planned %d check-ins: %v", len(rs), dueList(rs))
		}
	})
}

// D36 「送る（日を指定）」 with D36b Tue 2026-12-08: the first check-in goes
// out that day (not the usual 10 days after the visit), then the cadence.
func TestFirstCheckinOnTheChosenDay(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		l := newOwnerLife(t, d)
		a := l.commitDecided(jstAt(2026, 11, 20, 10, 0), "2026-12-25", "send_date", "2026-12-08")
		for noon := jstAt(2026, 11, 20, 12, 0); noon.Before(jstAt(2027, 1, 1, 0, 0)); noon = noon.AddDate(0, 0, 1) {
			l.day(noon)
		}
		l.check(store.ReminderSent, []string{
			"2026-12-08 10:00 Tue " + l.key(a, "2026-12-08"),
			"2026-12-23 10:00 Wed " + l.key(a, "2026-12-23"),
		})
	})
}
