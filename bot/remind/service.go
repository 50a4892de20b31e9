package remind

import (
	"cmp"
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

// ServiceConfig is what a Service needs; NewService fills in the defaults.
type ServiceConfig struct {
	Planner       *Planner
	Dispatcher    *Dispatcher
	Location      *time.Location   // cron's zone; the planner's calendar zone when nil
	Logger        *slog.Logger     //
	PlanSpec      string           // when the planner runs; DefaultPlanSpec when empty
	DispatchEvery time.Duration    // DefaultDispatchEvery when 0
	Now           func() time.Time // the planner's clock; time.Now when nil
}

type serviceConfig = ServiceConfig

// Service wakes the planner on a cron schedule and runs the dispatcher on
// a ticker. It holds no reminder in memory: both read due work from the
// database, so a restart or a second replica loses and doubles nothing.
// Its configuration, defaults filled in, is read through the ServiceConfig
// fields.
type Service struct {
	serviceConfig
}

// NewService returns a Service with cfg's defaults filled in.
func NewService(cfg ServiceConfig) (*Service, error) {
	if cfg.Location == nil && cfg.Planner != nil {
		cfg.Location = cfg.Planner.Calendar.Location()
	}
	if cfg.Location == nil {
		return nil, fmt.Errorf("remind: service needs a location")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = cfg.Logger.With("component", "remind")
	cfg.PlanSpec = cmp.Or(cfg.PlanSpec, DefaultPlanSpec)
	cfg.DispatchEvery = orDefault(cfg.DispatchEvery, DefaultDispatchEvery)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{serviceConfig: cfg}, nil
}

// Run plans once, then runs until ctx is done: it returns after the job in
// progress and the dispatcher's batch in progress have finished.
func (s *Service) Run(ctx context.Context) error {
	cl := cronLogger{s.Logger}
	c := cron.New(cron.WithLocation(s.Location), cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
	plan := func() { s.plan(ctx) }
	if s.Planner != nil {
		if _, err := c.AddFunc(s.PlanSpec, plan); err != nil {
			return fmt.Errorf("remind: plan schedule %q: %w", s.PlanSpec, err)
		}
		plan()
	}
	var wg sync.WaitGroup
	if s.Dispatcher != nil {
		wg.Go(func() { _ = s.Dispatcher.Run(ctx, s.DispatchEvery) })
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done() // waits for a plan in progress
	wg.Wait()         // waits for the dispatcher's batch in progress
	return nil
}

// plan runs one planner pass. Cron's Recover covers the scheduled runs;
// the first run, at start, recovers here.
func (s *Service) plan(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			s.Logger.ErrorContext(ctx, "reminder planning panicked", "panic", fmt.Sprint(p))
		}
	}()
	st, planned, err := s.Planner.PlanRound(ctx, s.Now())
	if !planned && err == nil {
		s.Logger.DebugContext(ctx, "another replica is planning; round skipped")
	}
	if err != nil && ctx.Err() == nil {
		s.Logger.ErrorContext(ctx, "reminder planning failed", "error", err)
	}
	if st != (PlanStats{}) {
		s.Logger.InfoContext(ctx, "reminders planned", "checkins", st.Checkins, "nudges", st.Nudges,
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
