package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Local times of day reminders are planned at.
const (
	followupHour = 9  // the advisor's follow-up reminder
	checkinHour  = 10 // owner check-ins and nudges
)

// Check-in cadence (ref/domain.md B.3).
const (
	firstCheckinDays  = 10 // the first check-in, 7–14 days after the visit
	minFirstDays      = 3  // never sooner than this, even for a close deadline
	beforeDueWorkdays = 2  // the check-in shortly before the deadline
	minGapDays        = 7  // … only when it comes this long after the first
	overdueEveryDays  = 30 // while the commitment stays open past its deadline
	windowDays        = 30 // at most maxPerWindow check-ins in any such window
	maxPerWindow      = 2
)

const (
	defaultLookback = 8 * 24 * time.Hour // digest slots looked back at: covers 年末年始 plus a weekend
	planAhead       = 24 * time.Hour     // reminders are enqueued this long before they are due
	missedGrace     = 24 * time.Hour     // a slot due longer ago than this is not enqueued any more
	silence         = 72 * time.Hour     // an untouched check-in gets a nudge, then expires
)

// DefaultDigestSpec is the coordinator digest: Monday 09:00.
const DefaultDigestSpec = "0 9 * * 1"

// ParseDigestSpec parses a standard 5-field cron spec (DefaultDigestSpec
// when empty) whose times are read in loc unless the spec names its own
// zone with CRON_TZ=.
func ParseDigestSpec(spec string, loc *time.Location) (cron.Schedule, error) {
	if strings.TrimSpace(spec) == "" {
		spec = DefaultDigestSpec
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("remind: digest schedule %q: %w", spec, err)
	}
	if ss, ok := s.(*cron.SpecSchedule); ok && ss.Location == time.Local && loc != nil {
		ss.Location = loc
	}
	return s, nil
}

var _ bot.Scheduler = (*Planner)(nil)

// PlannerConfig is what a Planner needs; NewPlanner fills in the defaults.
type PlannerConfig struct {
	Store    store.Store        // used by Plan only
	Calendar *calendar.Calendar // required
	Digest   cron.Schedule      // coordinator digests; nil: none
	Logger   *slog.Logger
	Lookback time.Duration // how far back Plan looks for digest slots; 8 days when 0
	// Quiet is when nothing is pushed to owners; a snooze never lands in it.
	Quiet QuietHours
}

type plannerConfig = PlannerConfig

// Planner turns reasons into reminder rows. Its Scheduler methods run inside
// the caller's transaction; Plan runs its own short transactions and may run
// on every replica at once. Its configuration, defaults filled in, is read
// through the PlannerConfig fields.
type Planner struct {
	plannerConfig
}

// NewPlanner returns a Planner with cfg's defaults filled in.
func NewPlanner(cfg PlannerConfig) (*Planner, error) {
	if cfg.Calendar == nil {
		return nil, errors.New("remind: planner needs a calendar")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Lookback = orDefault(cfg.Lookback, defaultLookback)
	return &Planner{plannerConfig: cfg}, nil
}

// FollowupAdded reminds the advisor at 09:00 on the follow-up day, or on
// the next working day when that day is not one.
func (p *Planner) FollowupAdded(ctx context.Context, tx store.Tx, f store.Followup) error {
	d, err := flows.ParseISODate(f.Due)
	if err != nil {
		return fmt.Errorf("remind: follow-up %d: %w", f.ID, err)
	}
	_, err = tx.EnqueueReminder(ctx, store.Reminder{
		Kind: KindFollowup, RecipientID: f.AdvisorID, CompanyID: f.CompanyID, SessionID: f.SessionID,
		DueAt:     p.Calendar.Next(p.Calendar.At(d, followupHour, 0)),
		DedupeKey: fmt.Sprintf("followup:f%d", f.ID),
		Payload:   fmt.Sprintf(`{"followup":%d}`, f.ID),
		CreatedAt: f.CreatedAt,
	})
	if err != nil {
		return fmt.Errorf("remind: follow-up %d: %w", f.ID, err)
	}
	return nil
}

// CommitmentAdded plans the check-ins of every reachable owner of the
// company for c, which must be the company's latest commitment: check-ins
// ask about the latest one (see cadence).
func (p *Planner) CommitmentAdded(ctx context.Context, tx store.Tx, c store.Commitment) error {
	if c.Status != "" && c.Status != "open" {
		return nil
	}
	owners, err := tx.CompanyOwners(ctx, c.CompanyID)
	if err != nil {
		return fmt.Errorf("remind: owners of company %d: %w", c.CompanyID, err)
	}
	for _, o := range owners {
		if !o.Reachable {
			continue
		}
		// Called from an owner's link turn for an older commitment, the
		// link is "now": the slots before it are past.
		now := later(c.CreatedAt, o.LinkedAt)
		if _, err := p.planCheckins(ctx, tx, c, o, span{from: o.LinkedAt, until: now.Add(planAhead), now: now}); err != nil {
			return err
		}
	}
	return nil
}

// CheckinSnoozed asks again on the next working day, at the time the
// check-in first came, or at 10:00 when that was in the quiet hours (once
// per session). It returns when.
func (p *Planner) CheckinSnoozed(ctx context.Context, tx store.Tx, sess store.Session, ownerID int64, at time.Time) (time.Time, error) {
	due := p.snoozeDue(at, sess.CreatedAt)
	pending, err := tx.Reminders(ctx, store.ReminderFilter{Kind: KindCheckin, RecipientID: ownerID, Status: store.ReminderPending})
	if err != nil {
		return time.Time{}, fmt.Errorf("remind: snooze of session %d: %w", sess.ID, err)
	}
	for _, r := range pending {
		if r.DueAt.After(at) && r.DueAt.Sub(due).Abs() < minSpacing {
			return r.DueAt, nil // a planned check-in asks again about then: not two
		}
	}
	_, err = tx.EnqueueReminder(ctx, store.Reminder{
		Kind: KindCheckin, RecipientID: ownerID, CompanyID: sess.CompanyID, SessionID: sess.ID,
		DueAt:     due,
		DedupeKey: fmt.Sprintf("checkin:snooze:s%d", sess.ID),
		Payload:   fmt.Sprintf(`{"session":%d}`, sess.ID),
		CreatedAt: at,
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("remind: snooze of session %d: %w", sess.ID, err)
	}
	return due, nil
}

// slot is one planned check-in: the local day it was planned for (which
// names it) and when it is due (that day at checkinHour, moved to a working
// day).
type slot struct {
	day flows.Date
	due time.Time
}

// cadence lists a commitment's check-in slots up to until. Only the
// company's latest commitment is planned (bot.CheckIn asks about that one);
// a newer commitment takes over, and the Router cancels the reminders still
// planned for an older one.
//
//   - the first, firstCheckinDays after the commitment was made, or halfway
//     to its deadline when that comes sooner (but not before minFirstDays);
//   - one beforeDueWorkdays working days before the deadline, when that is
//     at least minGapDays after the first;
//   - then one every overdueEveryDays after the deadline.
func (p *Planner) cadence(c store.Commitment, until time.Time) []slot {
	cal := p.Calendar
	made := cal.Date(c.CreatedAt)
	at := func(d flows.Date) slot { return slot{day: d, due: cal.Next(cal.At(d, checkinHour, 0))} }
	first := made.AddDays(firstCheckinDays)
	due, err := flows.ParseISODate(c.Due)
	hasDue := c.Due != "" && err == nil
	if hasDue {
		if half := made.AddDays(daysBetween(made, due) / 2); half.Before(first) {
			first = later(half, made.AddDays(minFirstDays))
		}
	}
	slots := []slot{at(first)}
	if !hasDue {
		return slots
	}
	before := cal.AddWorkdays(cal.At(due, checkinHour, 0), -beforeDueWorkdays)
	if !before.Before(slots[0].due.AddDate(0, 0, minGapDays)) {
		slots = append(slots, slot{day: cal.Date(before), due: before})
	}
	for k := 1; ; k++ {
		d := due.AddDays(k * overdueEveryDays)
		if cal.At(d, checkinHour, 0).After(until) {
			break
		}
		slots = append(slots, at(d))
	}
	return slots
}

// span is what a planning pass looks at: slots due from from, planned up
// to until, as of now.
type span struct{ from, until, now time.Time }

// planCheckins enqueues the owner's check-ins for c that fall in sp and fit
// the window rule. It returns how many it added.
func (p *Planner) planCheckins(ctx context.Context, tx store.Tx, c store.Commitment, o store.OwnerLink, sp span) (int, error) {
	existing, err := tx.Reminders(ctx, store.ReminderFilter{Kind: KindCheckin, RecipientID: o.PersonID})
	if err != nil {
		return 0, fmt.Errorf("remind: check-ins of owner %d: %w", o.PersonID, err)
	}
	decision, err := decisionOf(ctx, tx, c)
	if err != nil || decision.none {
		return 0, err // 「送らない」: no check-ins for this commitment
	}
	keys := map[string]bool{}
	var counted, snoozes []time.Time
	for _, r := range existing {
		keys[r.DedupeKey] = true
		if strings.HasPrefix(r.DedupeKey, "checkin:snooze:") && r.Status == store.ReminderPending {
			snoozes = append(snoozes, r.DueAt)
		}
		if countsTowardsWindow(r, c.ID) {
			counted = append(counted, r.DueAt)
		}
	}
	added := 0
	for _, s := range p.decided(p.cadence(c, sp.until), decision) {
		key := checkinKey(c.ID, o.PersonID, s.day)
		if keys[key] || s.due.Before(sp.from) {
			continue
		}
		if tooClose(counted, s.due) || tooClose(snoozes, s.due) {
			p.Logger.DebugContext(ctx, "check-in skipped: another one is close",
				"dedupe_key", key, "owner_id", o.PersonID)
			continue
		}
		if !fitsWindow(counted, s.due) {
			p.Logger.DebugContext(ctx, "check-in skipped: two already in 30 days",
				"dedupe_key", key, "owner_id", o.PersonID)
			continue
		}
		ok, err := tx.EnqueueReminder(ctx, store.Reminder{
			Kind: KindCheckin, RecipientID: o.PersonID, CompanyID: c.CompanyID,
			DueAt: s.due, DedupeKey: key, Payload: fmt.Sprintf(`{"commitment":%d}`, c.ID),
			CreatedAt: sp.now,
		})
		if err != nil {
			return added, fmt.Errorf("remind: check-in %s: %w", key, err)
		}
		if ok {
			added++
			counted = append(counted, s.due)
		}
	}
	return added, nil
}

// checkinKey names a planned check-in by commitment, owner and the local day
// it was planned for (before moving to a working day), so planning again —
// on any replica, any day — finds the same key.
func checkinKey(commitmentID, ownerID int64, day flows.Date) string {
	return fmt.Sprintf("checkin:c%d:p%d:%s", commitmentID, ownerID, day)
}

// countsTowardsWindow reports whether an existing check-in reminder is one
// the owner gets (or got) while commitment current is the company's latest:
// not a cancelled, expired or failed one, not the repeat they asked for with
// 「あとで」, and not one still to come for an older commitment (the Router
// cancels those: check-ins ask about the latest commitment).
func countsTowardsWindow(r store.Reminder, current int64) bool {
	switch {
	case r.Status == store.ReminderCancelled || r.Status == store.ReminderExpired || r.Status == store.ReminderFailed:
		return false
	case strings.HasPrefix(r.DedupeKey, "checkin:snooze:"):
		return false
	case r.Status == store.ReminderSent:
		return true
	}
	id := parsePayload(r).Commitment
	return id == 0 || id == current
}

// fitsWindow reports whether a check-in due at t keeps every window of
// windowDays holding at most maxPerWindow check-ins.
func fitsWindow(existing []time.Time, t time.Time) bool {
	const window = windowDays * 24 * time.Hour
	near := []time.Time{t}
	for _, e := range existing {
		if d := e.Sub(t).Abs(); d < window {
			near = append(near, e)
		}
	}
	slices.SortFunc(near, time.Time.Compare)
	for i := 0; i+maxPerWindow < len(near); i++ {
		if near[i+maxPerWindow].Sub(near[i]) < window {
			return false
		}
	}
	return true
}

func daysBetween(a, z flows.Date) int {
	return int(z.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}

func later[T interface{ After(T) bool }](a, b T) T {
	if b.After(a) {
		return b
	}
	return a
}
