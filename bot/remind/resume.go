package remind

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// minSpacing keeps planned check-ins of one owner apart: a slot closer
// than this to another check-in is skipped, so nothing comes in a burst
// (after a re-follow, after downtime).
const minSpacing = 72 * time.Hour

// OwnerReturned re-plans the check-ins of an owner who unblocked the bot:
// the slots cancelled at the unfollow keep their keys (and stay cancelled),
// so one check-in about the open commitment is planned for 10:00 on the
// next working day, and the cadence goes on from there (planCheckins keeps
// minSpacing around it: no burst).
func (p *Planner) OwnerReturned(ctx context.Context, tx store.Tx, link store.OwnerLink, at time.Time) error {
	c, err := tx.LatestCommitment(ctx, link.CompanyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Status != "" && c.Status != "open") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remind: resume owner %d: %w", link.PersonID, err)
	}
	cal := p.Calendar
	due := cal.Next(cal.At(cal.Date(at).AddDays(1), checkinHour, 0))
	pending, err := tx.Reminders(ctx, store.ReminderFilter{Kind: KindCheckin, RecipientID: link.PersonID, Status: store.ReminderPending})
	if err != nil {
		return fmt.Errorf("remind: resume owner %d: %w", link.PersonID, err)
	}
	for _, r := range pending {
		if !r.DueAt.After(due) {
			return nil // one is already coming (a follow event seen twice)
		}
	}
	_, err = tx.EnqueueReminder(ctx, store.Reminder{
		Kind: KindCheckin, RecipientID: link.PersonID, CompanyID: link.CompanyID, DueAt: due,
		DedupeKey: fmt.Sprintf("checkin:c%d:p%d:resume:%s", c.ID, link.PersonID, cal.Date(due)),
		Payload:   fmt.Sprintf(`{"commitment":%d}`, c.ID),
		CreatedAt: at,
	})
	if err != nil {
		return fmt.Errorf("remind: resume owner %d: %w", link.PersonID, err)
	}
	return p.replanCancelled(ctx, tx, c, link, at)
}

// replanCancelled plans again, under a key of this re-follow, the slots
// still to come that were cancelled while the owner had blocked the bot
// (their own keys stay taken by the cancelled rows).
func (p *Planner) replanCancelled(ctx context.Context, tx store.Tx, c store.Commitment, link store.OwnerLink, at time.Time) error {
	existing, err := tx.Reminders(ctx, store.ReminderFilter{Kind: KindCheckin, RecipientID: link.PersonID})
	if err != nil {
		return fmt.Errorf("remind: resume owner %d: %w", link.PersonID, err)
	}
	byKey := map[string]store.Reminder{}
	var counted []time.Time
	for _, r := range existing {
		byKey[r.DedupeKey] = r
		if countsTowardsWindow(r, c.ID) {
			counted = append(counted, r.DueAt)
		}
	}
	for _, s := range p.cadence(c, at.Add(planAhead)) {
		key := checkinKey(c.ID, link.PersonID, s.day)
		old, ok := byKey[key]
		if !ok || old.Status != store.ReminderCancelled || !s.due.After(at) || tooClose(counted, s.due) || !fitsWindow(counted, s.due) {
			continue
		}
		again := key + ":resumed:" + p.Calendar.Date(at).String()
		added, err := tx.EnqueueReminder(ctx, store.Reminder{
			Kind: KindCheckin, RecipientID: link.PersonID, CompanyID: c.CompanyID, DueAt: s.due,
			DedupeKey: again, Payload: fmt.Sprintf(`{"commitment":%d}`, c.ID), CreatedAt: at,
		})
		if err != nil {
			return fmt.Errorf("remind: check-in %s: %w", again, err)
		}
		if added {
			counted = append(counted, s.due)
		}
	}
	return nil
}

// tooClose reports whether a check-in due at t would come within
// minSpacing of one already counted.
func tooClose(counted []time.Time, t time.Time) bool {
	for _, c := range counted {
		if c.Sub(t).Abs() < minSpacing {
			return true
		}
	}
	return false
}
