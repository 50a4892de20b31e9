package remind

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// PlanStats counts what one Plan pass did.
type PlanStats struct {
	Checkins int // check-ins enqueued (owners who linked after the commitment, overdue rounds)
	Nudges   int // nudges enqueued
	Expired  int // check-in sessions expired after a nudge went unanswered
	Digests  int // digest reminders enqueued
}

// Plan enqueues what the passage of time calls for, as of now:
//
//	(a) check-ins of each company's latest commitment, while open, not
//	    planned yet: for owners who linked after the commitment was made,
//	    and the overdue rounds;
//	(b) a nudge for each LINE check-in left untouched for 3 days, and expiry
//	    (audited as checkin.unanswered) when it stays untouched 3 days after
//	    the nudge;
//	(c) coordinator digests for the digest slots up to a day ahead.
//
// Every reminder key names its reason and slot, so running Plan again, or on
// several replicas at once, adds nothing twice. Each company is planned in
// a transaction of its own; a failure is reported and the others go on.
func (p *Planner) Plan(ctx context.Context, now time.Time) (PlanStats, error) {
	var total PlanStats
	var companies []store.Company
	err := p.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		companies, err = tx.Companies(ctx)
		return err
	})
	if err != nil {
		return total, fmt.Errorf("remind: plan: companies: %w", err)
	}
	var errs []error
	for _, c := range companies {
		var st PlanStats
		err := p.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			st = PlanStats{}
			return p.planCompany(ctx, tx, c.ID, now, &st)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("company %d: %w", c.ID, err))
			continue
		}
		total.add(st)
	}
	var n int
	err = p.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = p.planDigests(ctx, tx, now)
		return err
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("digests: %w", err))
	} else {
		total.Digests = n
	}
	if err := errors.Join(errs...); err != nil {
		return total, fmt.Errorf("remind: plan: %w", err)
	}
	return total, nil
}

func (s *PlanStats) add(o PlanStats) {
	s.Checkins += o.Checkins
	s.Nudges += o.Nudges
	s.Expired += o.Expired
	s.Digests += o.Digests
}

func (p *Planner) planCompany(ctx context.Context, tx store.Tx, companyID int64, now time.Time, st *PlanStats) error {
	if err := p.planLatestCommitment(ctx, tx, companyID, now, st); err != nil {
		return err
	}
	sessions, err := tx.CompanySessions(ctx, companyID)
	if err != nil {
		return err
	}
	for _, s := range sessions {
		if s.FlowID != bot.FlowCheckin || s.Status != store.SessionActive || s.Channel != bot.ChannelLINE {
			continue
		}
		if err := p.followSilence(ctx, tx, s, now, st); err != nil {
			return fmt.Errorf("session %d: %w", s.ID, err)
		}
	}
	return nil
}

// planLatestCommitment plans the check-ins of the company's latest
// commitment, while it is open, for every reachable owner, from whichever
// is later: the owner's link or a day ago (an older slot is not worth
// sending any more).
func (p *Planner) planLatestCommitment(ctx context.Context, tx store.Tx, companyID int64, now time.Time, st *PlanStats) error {
	c, err := tx.LatestCommitment(ctx, companyID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil || c.Status != "open" {
		return err
	}
	owners, err := tx.CompanyOwners(ctx, companyID)
	if err != nil {
		return err
	}
	for _, o := range owners {
		if !o.Reachable {
			continue
		}
		sp := span{from: later(o.LinkedAt, now.Add(-missedGrace)), until: now.Add(planAhead), now: now}
		n, err := p.planCheckins(ctx, tx, c, o, sp)
		if err != nil {
			return err
		}
		st.Checkins += n
	}
	return nil
}

// followSilence nudges the owner once when a check-in session has been
// left untouched for 3 days, and expires the session when it is still
// untouched 3 days after the nudge.
func (p *Planner) followSilence(ctx context.Context, tx store.Tx, s store.Session, now time.Time, st *PlanStats) error {
	nudges, err := tx.Reminders(ctx, store.ReminderFilter{Kind: KindNudge, SessionID: s.ID})
	if err != nil {
		return err
	}
	if len(nudges) == 0 {
		if now.Sub(s.UpdatedAt) < silence {
			return nil
		}
		ok, err := tx.EnqueueReminder(ctx, store.Reminder{
			Kind: KindNudge, RecipientID: s.RespondentID, CompanyID: s.CompanyID, SessionID: s.ID,
			DueAt:     p.nextMorning(now),
			DedupeKey: fmt.Sprintf("nudge:s%d", s.ID),
			Payload:   fmt.Sprintf(`{"session":%d}`, s.ID),
			CreatedAt: now,
		})
		if ok {
			st.Nudges++
		}
		return err
	}
	n := nudges[0]
	var nudged time.Time
	switch n.Status {
	case store.ReminderPending, store.ReminderClaimed:
		return nil // not out yet
	case store.ReminderSent:
		nudged = n.SentAt
	default: // expired, failed, cancelled: the nudge never went out
		nudged = n.DueAt
	}
	if s.UpdatedAt.After(nudged) || now.Sub(nudged) < silence {
		return nil // answered since the nudge, or still time to answer
	}
	return p.expire(ctx, tx, s, now, st)
}

// expire closes an unanswered check-in session and leaves an audit entry
// the coordinator digest reports.
func (p *Planner) expire(ctx context.Context, tx store.Tx, s store.Session, now time.Time, st *PlanStats) error {
	s.Status = store.SessionExpired
	s.UpdatedAt = now
	if _, err := tx.UpdateSession(ctx, s); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // touched a moment ago (or expired by another replica)
		}
		return err
	}
	st.Expired++
	return tx.AddAudit(ctx, store.AuditEntry{
		Action: "checkin.unanswered", Subject: fmt.Sprintf("company:%d", s.CompanyID),
		Detail: fmt.Sprintf("session:%d", s.ID), At: now,
	})
}

// nextMorning is the first working-day checkinHour:00 at or after now.
func (p *Planner) nextMorning(now time.Time) time.Time {
	cal := p.Calendar
	t := cal.At(cal.Date(now), checkinHour, 0)
	if t.Before(now) {
		t = cal.At(cal.Date(now).AddDays(1), checkinHour, 0)
	}
	return cal.Next(t)
}

// planDigests enqueues a digest for every coordinator and every slot of the
// digest schedule from Lookback ago to a day ahead. A slot on a non-working
// day moves to the next working day at the same time, keeping the slot's
// key; when the schedule fires again before that, the moved slot is dropped
// (a daily digest does not pile up three on a Monday). Slots due more than a
// day ago are not enqueued any more.
func (p *Planner) planDigests(ctx context.Context, tx store.Tx, now time.Time) (int, error) {
	if p.Digest == nil {
		return 0, nil
	}
	slots := p.digestSlots(now)
	if len(slots) == 0 {
		return 0, nil
	}
	coordinators, err := tx.PeopleByRole(ctx, store.RoleCoordinator)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range slots {
		for _, c := range coordinators {
			ok, err := tx.EnqueueReminder(ctx, store.Reminder{
				Kind: KindDigest, RecipientID: c.ID, DueAt: s.due,
				DedupeKey: digestKey(s.fire, c.ID),
				Payload:   fmt.Sprintf(`{"slot":%q}`, s.fire.Format(time.RFC3339)),
				CreatedAt: now,
			})
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

type digestSlot struct{ fire, due time.Time }

// maxSlots bounds one pass over a schedule that fires very often.
const maxSlots = 1000

func (p *Planner) digestSlots(now time.Time) []digestSlot {
	cal := p.Calendar
	lookback := p.Lookback
	end := now.Add(planAhead)
	var out []digestSlot
	fire := p.Digest.Next(now.Add(-lookback).Add(-time.Second).In(cal.Location()))
	for i := 0; i < maxSlots && !fire.IsZero() && !fire.After(end); i++ {
		next := p.Digest.Next(fire)
		due := cal.Next(fire)
		covered := !due.Equal(fire) && !next.IsZero() && !next.After(due)
		if !covered && !due.Before(now.Add(-missedGrace)) {
			out = append(out, digestSlot{fire: fire, due: due})
		}
		fire = next
	}
	return out
}

// digestKey names a digest by its slot (the schedule's fire time, in local
// time) and recipient, never by the working day it moved to.
func digestKey(fire time.Time, personID int64) string {
	return fmt.Sprintf("digest:%s:p%d", fire.Format(time.RFC3339), personID)
}
