package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/store"
)

// Deliverer sends one reminder. It is called outside any transaction, at
// least once per reminder: the reminder's DedupeKey is stable across
// retries and replicas, so a delivery keyed on it is idempotent.
//
// Errors it may return (wrapped or not) and what the dispatcher does:
// bot.ErrUnreachable or ErrObsolete → cancelled; bot.ErrQuota → held (still
// pending) until the quota resets on the 1st of next month, with the batch's
// other LINE-bound reminders; *bot.RetryAfterError
// → retried after its delay; ErrNoRoute → failed at once; anything else →
// retried with exponential backoff. Retries of either sort stop after
// MaxAttempts: the reminder fails.
type Deliverer interface {
	Deliver(ctx context.Context, r store.Reminder) error
}

var (
	// ErrObsolete means the reason for a reminder is gone (the follow-up was
	// done, the commitment closed, the check-in answered): it is cancelled.
	ErrObsolete = errors.New("remind: reminder no longer needed")
	// ErrNoRoute means nothing can deliver this kind of reminder: it fails
	// without retries.
	ErrNoRoute = errors.New("remind: no route for reminder")
)

// Dispatcher defaults.
const (
	DefaultLease          = 2 * time.Minute
	DefaultBatch          = 100
	DefaultWorkers        = 16
	DefaultMaxAttempts    = 5
	DefaultDeliverTimeout = time.Minute
	maxBackoff            = time.Hour
)

// DefaultMaxLateness is how late each kind may still be delivered. A
// reminder found later than this (after downtime) expires instead.
func DefaultMaxLateness() map[string]time.Duration { return maps.Clone(defaultLateness) }

var defaultLateness = map[string]time.Duration{
	KindFollowup: 24 * time.Hour,
	KindCheckin:  24 * time.Hour,
	KindNudge:    24 * time.Hour,
	KindDigest:   24 * time.Hour,
	KindAlert:    2 * time.Hour,
}

// DispatcherConfig is what a Dispatcher needs; NewDispatcher fills in the
// defaults.
type DispatcherConfig struct {
	Store     store.Store // required
	Deliverer Deliverer   // required
	// Calendar, when set, moves lateness deadlines off non-working days: a
	// follow-up due on Friday is still delivered after a weekend outage.
	Calendar    *calendar.Calendar
	Now         func() time.Time // the clock; time.Now when nil
	Logger      *slog.Logger
	Lease       time.Duration            // how long a claim is held; DefaultLease when 0
	Batch       int                      // rows per claim; DefaultBatch when 0
	Workers     int                      // concurrent deliveries; DefaultWorkers when 0
	MaxAttempts int                      // tries before a reminder fails; DefaultMaxAttempts when 0
	MaxLateness map[string]time.Duration // by kind; missing kinds use DefaultMaxLateness (24h for unknown kinds)
	// DeliverTimeout bounds one delivery; DefaultDeliverTimeout when 0.
	DeliverTimeout time.Duration
	// Quota, when set, is asked before a batch with LINE-bound reminders:
	// when the month's pushes are spent they are held (not tried, not
	// failed) until the 1st of next month.
	Quota QuotaChecker
	// Quiet is when nothing is pushed to owners: LINE-bound reminders
	// found due then wait for its end.
	Quiet QuietHours
	// Observe, when set, is told the outcome counts of every RunOnce
	// (metrics).
	Observe func(Stats)
}

type dispatcherConfig = DispatcherConfig

// Dispatcher delivers due reminders. Any number of dispatchers, in any
// number of processes, may run at once: a claim leases rows to one of them,
// and a row whose lease ran out (its dispatcher died) is claimed again and
// delivered with the same dedupe key. Its configuration, defaults filled
// in, is read through the DispatcherConfig fields.
type Dispatcher struct {
	dispatcherConfig
	loc *time.Location // the calendar's zone; UTC without a calendar
}

// NewDispatcher returns a Dispatcher with cfg's defaults filled in.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Store == nil || cfg.Deliverer == nil {
		return nil, errors.New("remind: dispatcher needs a store and a deliverer")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Lease = orDefault(cfg.Lease, DefaultLease)
	cfg.Batch = orDefault(cfg.Batch, DefaultBatch)
	cfg.Workers = orDefault(cfg.Workers, DefaultWorkers)
	cfg.MaxAttempts = orDefault(cfg.MaxAttempts, DefaultMaxAttempts)
	cfg.DeliverTimeout = orDefault(cfg.DeliverTimeout, DefaultDeliverTimeout)
	late := DefaultMaxLateness()
	for kind, l := range cfg.MaxLateness {
		if l > 0 {
			late[kind] = l
		}
	}
	cfg.MaxLateness = late
	loc := time.UTC
	if cfg.Calendar != nil {
		loc = cfg.Calendar.Location()
	}
	return &Dispatcher{dispatcherConfig: cfg, loc: loc}, nil
}

// QuotaChecker reads whether the month's push quota has room
// (line.Sender.PushesLeft).
type QuotaChecker interface {
	PushesLeft(ctx context.Context) (bool, error)
}

// heldForQuota starts the LastError of a reminder held for the quota; the
// digest counts them.
const heldForQuota = "held: monthly message quota spent"

// Stats counts the outcomes of one RunOnce.
type Stats struct {
	Claimed   int
	Sent      int
	Expired   int // too late: never delivered
	Cancelled int // recipient unreachable or reason gone
	Retried   int // back to pending for another try
	Held      int // LINE-bound, held until the monthly quota resets
	Quieted   int // LINE-bound, put back to the end of the quiet hours
	Failed    int
	Conflicts int // the lease was lost to another dispatcher before the outcome was recorded
}

// RunOnce claims one batch of due reminders in a short transaction,
// delivers them outside any transaction with a bounded pool of workers,
// and records each outcome in a transaction of its own.
//
// Once claimed, a batch is drained even when ctx is cancelled (each
// delivery bounded by DeliverTimeout), so a shutdown does not leave leased
// rows behind. A reminder whose outcome cannot be recorded keeps its lease
// and is delivered again, with the same key, after the lease runs out.
func (d *Dispatcher) RunOnce(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, err
	}
	now := d.Now()
	var claimed []store.Reminder
	err := d.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		claimed, err = tx.ClaimReminders(ctx, now, d.Lease, d.Batch)
		return err
	})
	if err != nil {
		return Stats{}, fmt.Errorf("remind: claim: %w", err)
	}
	b := &batch{d: d, claimedAt: now}
	b.checkQuota(ctx, claimed)
	b.run(context.WithoutCancel(ctx), claimed)
	if d.Observe != nil {
		d.Observe(b.stats)
	}
	return b.stats, errors.Join(b.errs...)
}

// Run calls RunOnce every interval until ctx is done, and at once again
// after a full batch (a backlog drains without waiting). It returns nil
// when ctx ends.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		st, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.Logger.ErrorContext(ctx, "reminder dispatch failed", "error", err)
		}
		if err == nil && st.Claimed == d.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// batch is one claimed batch on its way out.
type batch struct {
	d         *Dispatcher
	claimedAt time.Time
	quota     atomic.Bool // the LINE quota ran out during this batch
	quotaLog  sync.Once

	mu    sync.Mutex
	stats Stats
	errs  []error
}

func (b *batch) run(ctx context.Context, claimed []store.Reminder) {
	b.stats.Claimed = len(claimed)
	jobs := make(chan store.Reminder)
	var wg sync.WaitGroup
	for range min(b.d.Workers, len(claimed)) {
		wg.Go(func() {
			for r := range jobs {
				b.handle(ctx, r)
			}
		})
	}
	for _, r := range claimed {
		jobs <- r
	}
	close(jobs)
	wg.Wait()
}

// handle takes one claimed reminder to its outcome.
func (b *batch) handle(ctx context.Context, r store.Reminder) {
	d := b.d
	if deadline := d.deadline(r); b.claimedAt.After(deadline) {
		d.Logger.InfoContext(ctx, "reminder expired: too late to deliver", "reminder_id", r.ID, "kind", r.Kind,
			"dedupe_key", r.DedupeKey, "due_at", r.DueAt, "deadline", deadline)
		b.finish(ctx, r, store.ReminderExpired, r.DueAt, "expired: later than "+d.maxLateness(r.Kind).String())
		return
	}
	if lineBound(r.Kind) && d.Quiet.Contains(b.claimedAt, d.loc) {
		if b.record(ctx, r, store.ReminderPending, d.Quiet.Over(b.claimedAt, d.loc), "waiting: quiet hours") {
			b.count(func(s *Stats) { s.Quieted++ })
		}
		return
	}
	if lineBound(r.Kind) && b.quota.Load() {
		b.hold(ctx, r)
		return
	}
	err := d.deliver(ctx, r)
	status, due, lastErr := b.outcome(ctx, r, err)
	b.finish(ctx, r, status, due, lastErr)
}

// outcome maps a delivery result to the reminder's next state.
func (b *batch) outcome(ctx context.Context, r store.Reminder, err error) (store.ReminderStatus, time.Time, string) {
	d := b.d
	if err == nil {
		return store.ReminderSent, r.DueAt, ""
	}
	attrs := []any{"reminder_id", r.ID, "kind", r.Kind, "dedupe_key", r.DedupeKey, "attempt", r.Attempts, "error", err}
	var retry *bot.RetryAfterError
	switch {
	case errors.Is(err, bot.ErrUnreachable), errors.Is(err, ErrObsolete):
		d.Logger.InfoContext(ctx, "reminder cancelled", attrs...)
		return store.ReminderCancelled, r.DueAt, err.Error()
	case errors.Is(err, bot.ErrQuota):
		b.quota.Store(true)
		b.quotaLog.Do(func() { d.Logger.ErrorContext(ctx, "monthly quota exhausted", attrs...) })
		return store.ReminderPending, d.quotaResets(b.claimedAt), heldForQuota
	case errors.Is(err, ErrNoRoute), r.Attempts >= d.MaxAttempts:
		d.Logger.ErrorContext(ctx, "reminder failed", attrs...)
		return store.ReminderFailed, r.DueAt, err.Error()
	case errors.As(err, &retry):
		d.Logger.WarnContext(ctx, "reminder delivery asked to wait", append(attrs, "retry_after", retry.After)...)
		return store.ReminderPending, d.Now().Add(max(retry.After, time.Second)), err.Error()
	default:
		wait := backoff(r.Attempts)
		d.Logger.WarnContext(ctx, "reminder delivery failed; will retry", append(attrs, "retry_in", wait)...)
		return store.ReminderPending, d.Now().Add(wait), err.Error()
	}
}

// hold puts a LINE-bound reminder back, untried, until the quota resets.
func (b *batch) hold(ctx context.Context, r store.Reminder) {
	if b.record(ctx, r, store.ReminderPending, b.d.quotaResets(b.claimedAt), heldForQuota) {
		b.count(func(s *Stats) { s.Held++ })
	}
}

// checkQuota asks LINE, once per batch with LINE-bound reminders, whether
// the month's pushes are spent. A failed check is logged: the pushes are
// tried, and a refusal for the quota holds them all the same.
func (b *batch) checkQuota(ctx context.Context, claimed []store.Reminder) {
	d := b.d
	if d.Quota == nil || !slices.ContainsFunc(claimed, func(r store.Reminder) bool { return lineBound(r.Kind) }) {
		return
	}
	left, err := d.Quota.PushesLeft(ctx)
	if err != nil {
		d.Logger.WarnContext(ctx, "line quota check failed", "error", err)
		return
	}
	if !left {
		b.quota.Store(true)
		d.Logger.ErrorContext(ctx, "monthly quota exhausted: check-ins held until it resets",
			"until", d.quotaResets(b.claimedAt))
	}
}

// quotaResets is when held check-ins go out: 10:00 on the 1st of next
// month, moved to a working day.
func (d *Dispatcher) quotaResets(now time.Time) time.Time {
	l := now.In(d.loc)
	first := time.Date(l.Year(), l.Month()+1, 1, checkinHour, 0, 0, 0, d.loc)
	if d.Calendar != nil {
		first = d.Calendar.Next(first)
	}
	return first
}

// finish records an outcome and counts it.
func (b *batch) finish(ctx context.Context, r store.Reminder, status store.ReminderStatus, due time.Time, lastErr string) {
	if !b.record(ctx, r, status, due, lastErr) {
		return
	}
	b.count(func(s *Stats) {
		switch status {
		case store.ReminderSent:
			s.Sent++
		case store.ReminderExpired:
			s.Expired++
		case store.ReminderCancelled:
			s.Cancelled++
		case store.ReminderPending:
			if lastErr == heldForQuota {
				s.Held++
			} else {
				s.Retried++
			}
		case store.ReminderFailed:
			s.Failed++
		}
	})
}

// record stores an outcome in a transaction of its own and reports whether
// it was stored. A lost lease is logged and counted; other errors are
// returned by RunOnce.
func (b *batch) record(ctx context.Context, r store.Reminder, status store.ReminderStatus, due time.Time, lastErr string) bool {
	d := b.d
	r.Status, r.DueAt, r.LastError = status, due, lastErr
	if status == store.ReminderSent {
		r.SentAt = d.Now()
	}
	err := d.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error { return tx.FinishReminder(ctx, r) })
	switch {
	case errors.Is(err, store.ErrConflict):
		d.Logger.WarnContext(ctx, "reminder lease lost to another dispatcher", "reminder_id", r.ID,
			"dedupe_key", r.DedupeKey, "attempt", r.Attempts, "outcome", string(status))
		b.count(func(s *Stats) { s.Conflicts++ })
		return false
	case err != nil:
		b.mu.Lock()
		b.errs = append(b.errs, fmt.Errorf("remind: record reminder %d as %s: %w", r.ID, status, err))
		b.mu.Unlock()
		return false
	}
	return true
}

func (b *batch) count(fn func(*Stats)) {
	b.mu.Lock()
	fn(&b.stats)
	b.mu.Unlock()
}

// deliver runs the Deliverer with a time bound; a panic becomes an error
// (and a retry) instead of taking the process down.
func (d *Dispatcher) deliver(ctx context.Context, r store.Reminder) (err error) {
	ctx, cancel := context.WithTimeout(ctx, d.DeliverTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("remind: deliverer panicked: %v", p)
		}
	}()
	return d.Deliverer.Deliver(ctx, r)
}

// deadline is the last moment r may still be delivered: its due time plus
// the kind's max lateness, moved to a working day when there is a calendar.
func (d *Dispatcher) deadline(r store.Reminder) time.Time {
	t := r.DueAt.Add(d.maxLateness(r.Kind))
	if d.Calendar != nil {
		t = d.Calendar.Next(t)
	}
	return t
}

// backoff is the wait after a failed attempt: 1m, 2m, 4m, … capped at 1h.
func backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > 7 {
		return maxBackoff
	}
	return min(time.Minute<<(attempt-1), maxBackoff)
}

// lineBound reports whether a kind is pushed to owners on LINE, where the
// monthly message quota applies.
func lineBound(kind string) bool { return kind == KindCheckin || kind == KindNudge }

// maxLateness is how late a reminder of kind may still be delivered
// (24 h for a kind nobody named).
func (d *Dispatcher) maxLateness(kind string) time.Duration {
	if l, ok := d.MaxLateness[kind]; ok {
		return l
	}
	return 24 * time.Hour
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
