package remind

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Service defaults.
const (
	DefaultPlanSpec      = "@every 1m"
	DefaultDispatchEvery = 5 * time.Second
)

// Service wakes the planner on a cron schedule and runs the dispatcher on
// a ticker. It holds no reminder in memory: both read due work from the
// database, so a restart or a second replica loses and doubles nothing.
type Service struct {
	Planner       *Planner
	Dispatcher    *Dispatcher
	Location      *time.Location   // cron's zone; the planner's calendar zone when nil
	Logger        *slog.Logger     //
	PlanSpec      string           // when the planner runs; DefaultPlanSpec when empty
	DispatchEvery time.Duration    // DefaultDispatchEvery when 0
	Now           func() time.Time // the planner's clock; time.Now when nil
}

// Run plans once, then runs until ctx is done: it returns after the job in
// progress and the dispatcher's batch in progress have finished.
func (s *Service) Run(ctx context.Context) error {
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With("component", "remind")
	loc := s.Location
	if loc == nil && s.Planner != nil && s.Planner.Calendar != nil {
		loc = s.Planner.Calendar.Location()
	}
	if loc == nil {
		return fmt.Errorf("remind: service needs a location")
	}
	cl := cronLogger{logger}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	spec := s.PlanSpec
	if spec == "" {
		spec = DefaultPlanSpec
	}
	plan := func() { s.plan(ctx, logger) }
	if s.Planner != nil {
		if _, err := c.AddFunc(spec, plan); err != nil {
			return fmt.Errorf("remind: plan schedule %q: %w", spec, err)
		}
		plan()
	}
	var wg sync.WaitGroup
	if s.Dispatcher != nil {
		every := orDefault(s.DispatchEvery, DefaultDispatchEvery)
		wg.Go(func() { _ = s.Dispatcher.Run(ctx, every) })
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done() // waits for a plan in progress
	wg.Wait()         // waits for the dispatcher's batch in progress
	return nil
}

// plan runs one planner pass. Cron's Recover covers the scheduled runs;
// the first run, at start, recovers here.
func (s *Service) plan(ctx context.Context, logger *slog.Logger) {
	if ctx.Err() != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			logger.ErrorContext(ctx, "reminder planning panicked", "panic", fmt.Sprint(p))
		}
	}()
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	st, planned, err := s.Planner.PlanRound(ctx, now)
	if !planned && err == nil {
		logger.DebugContext(ctx, "another replica is planning; round skipped")
	}
	if err != nil && ctx.Err() == nil {
		logger.ErrorContext(ctx, "reminder planning failed", "error", err)
	}
	if st != (PlanStats{}) {
		logger.InfoContext(ctx, "reminders planned", "checkins", st.Checkins, "nudges", st.Nudges,
			"expired_sessions", st.Expired, "digests", st.Digests)
	}
}

// cronLogger adapts slog to cron's logger. Cron's routine messages (every
// wake-up) go to debug; errors, including recovered panics, to error.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}
