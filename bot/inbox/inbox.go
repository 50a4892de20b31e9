// Package inbox makes acknowledged events durable. An adapter writes each
// verified inbound event to the store's inbox (Add) before it answers the
// platform; a pool of workers (Run) claims the rows with a lease, runs them
// through the channel's Handler one person at a time and in order, and
// marks them done — inside the turn's own transaction when the work is a
// bot turn (see bot.WithInboxClaim). Rows left by a crashed replica are
// claimed again when their lease runs out, by any replica.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// Handler runs the work of one inbox row. A nil error means the work is
// done; an error wrapping store.ErrLeaseLost means another worker holds the
// row now; any other error is retried with backoff.
type Handler func(ctx context.Context, it store.InboxItem) error

// Config is what an Inbox needs.
type Config struct {
	Store    store.Store
	Base     context.Context    // the server's base context, parent of the work in flight; required
	Handlers map[string]Handler // by the row's Channel
	Logger   *slog.Logger
	Metrics  *Metrics         // nil: none
	Now      func() time.Time // time.Now when nil

	Workers     int           // rows claimed and run at once (default 16)
	HandOffs    int           // events stored claimed and run at once in this process (default 64)
	Lease       time.Duration // how long a claim holds a row (default 30 s); the work's timeout is 2/3 of it
	Poll        time.Duration // how often an idle worker looks for rows nobody announced (default 1 s)
	MaxAttempts int           // tries before a row is given up (default 8)
	Keep        time.Duration // how long finished rows are kept (default 48 h)
	StatsEvery  time.Duration // how often the pending gauges are refreshed (default 5 s)
}

// Inbox is the durable intake and its workers.
type Inbox struct {
	cfg  Config
	log  *slog.Logger
	wake chan struct{}

	work  context.Context // parent of the work in flight; Abort cancels it
	abort context.CancelFunc

	// Hand-offs: an event stored already claimed runs at once in this
	// process, without a claim round trip, while Run runs.
	slots    chan struct{} // bounds the hand-offs in flight
	mu       sync.Mutex
	running  bool
	handoffs sync.WaitGroup
}

// New returns an Inbox.
func New(cfg Config) (*Inbox, error) {
	if cfg.Store == nil || cfg.Base == nil {
		return nil, errors.New("inbox: needs a store and a base context")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Workers = orDefault(cfg.Workers, 16)
	// Hand-offs cost no claim: with 16 of them, 32 conversations sent half
	// their events the claim's way (a transaction more, 0.6 of the rate).
	cfg.HandOffs = orDefault(cfg.HandOffs, 64)
	cfg.Lease = orDefault(cfg.Lease, 30*time.Second)
	cfg.Poll = orDefault(cfg.Poll, time.Second)
	cfg.MaxAttempts = orDefault(cfg.MaxAttempts, 8)
	cfg.Keep = orDefault(cfg.Keep, 48*time.Hour)
	cfg.StatsEvery = orDefault(cfg.StatsEvery, 5*time.Second)
	work, abort := context.WithCancel(cfg.Base)
	return &Inbox{cfg: cfg, log: cfg.Logger.With("component", "inbox"), wake: make(chan struct{}, cfg.Workers),
		work: work, abort: abort, slots: make(chan struct{}, cfg.HandOffs)}, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Add stores a verified event. When it returns nil the event is durable
// and the platform may be acknowledged; a repeat of a stored dedupe key is
// not stored again and is not an error. A zero ReceivedAt means now.
//
// While Run runs and a hand-off slot is free, the event is stored already
// claimed (unless an earlier event of the same person is pending) and runs
// at once in this process: no claim, no wait for a worker.
func (ib *Inbox) Add(ctx context.Context, it store.InboxItem) error {
	if it.ReceivedAt.IsZero() {
		it.ReceivedAt = ib.cfg.Now()
	}
	var leaseUntil time.Time
	reserved := ib.reserve()
	if reserved {
		leaseUntil = ib.cfg.Now().Add(ib.cfg.Lease)
	}
	stored, inserted, err := ib.add(ctx, it, leaseUntil)
	switch {
	case err != nil:
		ib.unreserve(reserved)
		ib.cfg.Metrics.intake(it.Channel, "error")
		return fmt.Errorf("inbox: add %s event: %w", it.Channel, err)
	case !inserted:
		ib.unreserve(reserved)
		ib.cfg.Metrics.intake(it.Channel, "duplicate")
		return nil
	}
	ib.cfg.Metrics.intake(it.Channel, "stored")
	if reserved && stored.Attempts == 1 {
		go func() {
			defer ib.unreserve(true)
			ib.runItem(stored)
		}()
		return nil
	}
	ib.unreserve(reserved)
	ib.signal()
	return nil
}

// AddTurn is Add for an event whose work is one bot turn (run, which runs
// it through bot.Bot.Handle). While the inbox is open and a slot is free,
// the turn runs at once and stores the event itself: its row is inserted,
// already done, in the turn's own transaction (bot.NewRowClaim), and
// AddTurn returns as soon as that commits, while the replies are still
// being sent. So an event costs one durable write, not two. When the turn
// cannot store it (the person has a pending row it must not overtake, or a
// redelivery raced it) or fails before its commit, the event is stored the
// ordinary way and a worker runs it.
func (ib *Inbox) AddTurn(ctx context.Context, it store.InboxItem, run func(context.Context) error) error {
	if it.ReceivedAt.IsZero() {
		it.ReceivedAt = ib.cfg.Now()
	}
	if !ib.reserve() {
		return ib.Add(ctx, it)
	}
	claim := bot.NewRowClaim(it) // the row keeps its payload, as a worker's does
	result := make(chan error, 1)
	go func() {
		defer ib.unreserve(true)
		result <- ib.runNow(claim, it, run)
	}()
	select {
	case <-claim.Committed():
		ib.cfg.Metrics.intake(it.Channel, "stored")
		return nil
	case err := <-result:
		if claim.Finished() {
			ib.cfg.Metrics.intake(it.Channel, "stored")
			return nil
		}
		return ib.afterTurn(ctx, it, err)
	}
}

// runNow runs the turn of an event AddTurn holds, under the same timeout as
// a worker's, and counts it processed once its transaction committed.
func (ib *Inbox) runNow(claim *bot.InboxClaim, it store.InboxItem, run func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ib.work, ib.cfg.Lease*2/3)
	defer cancel()
	ib.cfg.Metrics.waited(it.Channel, ib.cfg.Now().Sub(it.ReceivedAt))
	err := guard(bot.WithInboxClaim(ctx, claim), run)
	if claim.Finished() {
		ib.cfg.Metrics.processed(it.Channel)
		if err != nil { // committed, but a reply failed: nothing to run again
			ib.log.WarnContext(ctx, "turn committed but its replies failed", "channel", it.Channel, "error", err.Error())
		}
	}
	return err
}

// afterTurn stores an event whose turn ran at intake without storing it.
// When the turn ended well without a transaction of its own (a duplicate, a
// tap that lost to another), there is nothing left to run. Otherwise the
// event is stored for a worker; if that fails too, the platform is not
// acknowledged and delivers it again.
func (ib *Inbox) afterTurn(ctx context.Context, it store.InboxItem, cause error) error {
	if cause == nil {
		ib.cfg.Metrics.intake(it.Channel, "ran")
		return nil
	}
	if !errors.Is(cause, store.ErrInboxTaken) {
		ib.log.WarnContext(ctx, "turn failed at intake; the event is stored for a retry", "channel", it.Channel, "error", cause.Error())
	}
	_, inserted, err := ib.add(ctx, it, time.Time{})
	switch {
	case err != nil:
		ib.cfg.Metrics.intake(it.Channel, "error")
		return fmt.Errorf("inbox: add %s event: %w", it.Channel, errors.Join(err, cause))
	case !inserted:
		ib.cfg.Metrics.intake(it.Channel, "duplicate")
		return nil
	}
	ib.cfg.Metrics.intake(it.Channel, "stored")
	ib.signal()
	return nil
}

// directAdder is a store that stores an inbox row durably in a
// transaction of its own, cheaper than AddInbox inside InTx (PostgreSQL:
// one round trip instead of four).
type directAdder interface {
	AddInbox(ctx context.Context, it store.InboxItem, leaseUntil time.Time) (store.InboxItem, bool, error)
}

// add stores it (see store.InboxTx.AddInbox), in one round trip when the
// store can.
func (ib *Inbox) add(ctx context.Context, it store.InboxItem, leaseUntil time.Time) (store.InboxItem, bool, error) {
	if d, ok := ib.cfg.Store.(directAdder); ok {
		return d.AddInbox(ctx, it, leaseUntil)
	}
	var stored store.InboxItem
	var inserted bool
	err := ib.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		stored, inserted, err = tx.AddInbox(ctx, it, leaseUntil)
		return err
	})
	return stored, inserted, err
}

// reserve takes a hand-off slot, if Run runs and one is free.
func (ib *Inbox) reserve() bool {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	if !ib.running {
		return false
	}
	select {
	case ib.slots <- struct{}{}:
		ib.handoffs.Add(1)
		return true
	default:
		return false
	}
}

// unreserve gives a slot back.
func (ib *Inbox) unreserve(reserved bool) {
	if reserved {
		<-ib.slots
		ib.handoffs.Done()
	}
}

// Abort cancels the work in flight, as a crash would: its transactions
// roll back and its rows stay leased until the lease runs out, when any
// replica claims them again. Tests use it to kill a replica.
func (ib *Inbox) Abort() {
	ib.abort()
}

// signal wakes an idle worker, if one waits.
func (ib *Inbox) signal() {
	select {
	case ib.wake <- struct{}{}:
	default:
	}
}

// Run runs the workers and the housekeeping (gauges, sweeping finished
// rows) until ctx ends, then waits for the work in flight. Work in flight
// runs under its own timeout, not under ctx: a graceful stop finishes it.
func (ib *Inbox) Run(ctx context.Context) error {
	ib.setRunning(true)
	var wg sync.WaitGroup
	for i := range ib.cfg.Workers {
		wg.Go(func() { ib.worker(ctx, i == 0) })
	}
	wg.Go(func() { ib.housekeeping(ctx) })
	wg.Wait()
	ib.setRunning(false)
	ib.handoffs.Wait()
	return nil
}

// Open lets Add run events at once from now on (Run opens the inbox too).
// serve opens it before intake starts, so that the first events are not
// left to a worker's poll, and at a quick stop to the next start.
func (ib *Inbox) Open() { ib.setRunning(true) }

func (ib *Inbox) setRunning(on bool) {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	ib.running = on
}

// worker claims and runs one row at a time; when there is none it waits
// for a signal. One worker, the poller, also looks every poll interval (for
// rows nobody announced: left by a crashed replica, or due for a retry),
// so an idle inbox costs one claim per interval, not one per worker.
func (ib *Inbox) worker(ctx context.Context, poller bool) {
	var tick <-chan time.Time
	if poller {
		ticker := time.NewTicker(ib.cfg.Poll)
		defer ticker.Stop()
		tick = ticker.C
	}
	for first := true; ; first = false {
		if !first {
			select {
			case <-ctx.Done():
				return
			case <-ib.wake:
			case <-tick:
			}
		}
		for ctx.Err() == nil && ib.claimAndRun(ctx) {
			ib.signal() // there may be more: let another idle worker look too
		}
	}
}

// claimAndRun claims one row and runs it; false when there was nothing to
// claim (or the store failed).
func (ib *Inbox) claimAndRun(ctx context.Context) bool {
	var its []store.InboxItem
	err := ib.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		its, err = tx.ClaimInbox(ctx, ib.cfg.Now(), ib.cfg.Lease, 1)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			ib.log.WarnContext(ctx, "inbox claim failed", "error", err.Error())
		}
		return false
	}
	if len(its) == 0 {
		return false
	}
	ib.runItem(its[0])
	return true
}

// runItem runs it under a timeout shorter than its lease, then records the
// outcome.
func (ib *Inbox) runItem(it store.InboxItem) {
	ctx, cancel := context.WithTimeout(ib.work, ib.cfg.Lease*2/3)
	defer cancel()
	if it.Attempts > 1 {
		ib.cfg.Metrics.retried(it.Channel)
	}
	ib.cfg.Metrics.waited(it.Channel, ib.cfg.Now().Sub(it.ReceivedAt))
	claim := &bot.InboxClaim{ID: it.ID, Attempts: it.Attempts}
	err := ib.call(bot.WithInboxClaim(ctx, claim), it)
	switch {
	case err == nil && claim.Finished():
		ib.cfg.Metrics.processed(it.Channel) // the turn marked it done
	case err == nil:
		ib.finish(ctx, it)
	case errors.Is(err, store.ErrLeaseLost):
		ib.log.InfoContext(ctx, "inbox row taken over by another worker", "inbox_id", it.ID)
	default:
		ib.retry(ctx, it, err)
	}
}

// call runs the channel's handler, turning a panic into an error.
func (ib *Inbox) call(ctx context.Context, it store.InboxItem) error {
	h, ok := ib.cfg.Handlers[it.Channel]
	if !ok {
		return fmt.Errorf("inbox: no handler for channel %q", it.Channel)
	}
	return guard(ctx, func(ctx context.Context) error { return h(ctx, it) })
}

// guard runs work, turning a panic into an error.
func guard(ctx context.Context, work func(context.Context) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("inbox: panic: %v", p)
		}
	}()
	return work(ctx)
}

// finish marks the row done unless the turn already did (then the store
// answers ErrLeaseLost, which is expected).
func (ib *Inbox) finish(ctx context.Context, it store.InboxItem) {
	err := ib.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.FinishInbox(ctx, it.ID, it.Attempts, ib.cfg.Now())
	})
	if err != nil && !errors.Is(err, store.ErrLeaseLost) {
		ib.log.WarnContext(ctx, "inbox row not marked done; it will run again and be recognised as a duplicate",
			"inbox_id", it.ID, "error", err.Error())
	}
	ib.cfg.Metrics.processed(it.Channel)
}

// retry releases the row for a later try, or gives it up after
// MaxAttempts. When the store itself is down this fails too; the lease
// then runs out and any replica claims the row again.
func (ib *Inbox) retry(ctx context.Context, it store.InboxItem, cause error) {
	now := ib.cfg.Now()
	err := ib.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if it.Attempts >= ib.cfg.MaxAttempts {
			return tx.FailInbox(ctx, it.ID, it.Attempts, now, cause.Error())
		}
		return tx.RetryInbox(ctx, it.ID, it.Attempts, now.Add(backoff(it.Attempts)), cause.Error())
	})
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		// Done after all (the turn committed, then its reply failed) or
		// taken over by another worker: nothing to retry here.
		ib.log.WarnContext(ctx, "inbox row failed after it was finished or taken over", "inbox_id", it.ID, "error", cause.Error())
	case it.Attempts >= ib.cfg.MaxAttempts:
		ib.cfg.Metrics.failed(it.Channel)
		ib.log.ErrorContext(ctx, "inbox row given up", "inbox_id", it.ID, "channel", it.Channel, "attempts", it.Attempts, "error", cause.Error())
	default:
		ib.log.WarnContext(ctx, "inbox row failed; will retry", "inbox_id", it.ID, "channel", it.Channel, "attempts", it.Attempts, "error", cause.Error())
	}
	if err != nil && !errors.Is(err, store.ErrLeaseLost) {
		ib.log.WarnContext(ctx, "inbox row not released; its lease will run out", "inbox_id", it.ID, "error", err.Error())
	}
}

// backoff is the wait before try n+1: 250 ms doubling, at most 30 s.
func backoff(attempts int) time.Duration {
	d := 250 * time.Millisecond
	for i := 1; i < attempts && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// housekeeping refreshes the gauges and sweeps finished rows.
func (ib *Inbox) housekeeping(ctx context.Context) {
	stats := time.NewTicker(ib.cfg.StatsEvery)
	defer stats.Stop()
	sweep := time.NewTicker(time.Hour)
	defer sweep.Stop()
	ib.refresh(ctx)
	ib.Sweep(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-stats.C:
			ib.refresh(ctx)
		case <-sweep.C:
			ib.Sweep(ctx)
		}
	}
}

func (ib *Inbox) refresh(ctx context.Context) {
	if ib.cfg.Metrics == nil {
		return
	}
	var s store.InboxStats
	err := ib.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		s, err = tx.InboxStats(ctx)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			ib.log.WarnContext(ctx, "inbox stats failed", "error", err.Error())
		}
		return
	}
	ib.cfg.Metrics.setPending(s, ib.cfg.Now())
}

// Sweep deletes the rows finished more than Keep ago.
func (ib *Inbox) Sweep(ctx context.Context) {
	var n int64
	err := ib.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = tx.SweepInbox(ctx, ib.cfg.Now().Add(-ib.cfg.Keep))
		return err
	})
	switch {
	case err != nil && ctx.Err() == nil:
		ib.log.WarnContext(ctx, "sweeping the inbox failed", "error", err.Error())
	case n > 0:
		ib.log.InfoContext(ctx, "swept the inbox", "count", n)
	}
}
