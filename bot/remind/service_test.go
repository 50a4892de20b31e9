package remind_test

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

// TestServicePlansDispatchesAndStops: started on Monday just after 09:00,
// the service plans the week's digest at once, the dispatcher loop delivers
// it, and cancelling the context stops both cleanly.
func TestServicePlansDispatchesAndStops(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		coord := person(t, d, store.RoleCoordinator, "田中", "slack")
		clk := bottest.NewClock(jstAt(2026, 11, 30, 9, 0).Add(30 * time.Second))
		p := newPlanner(d)
		var err error
		if p.Digest, err = remind.ParseDigestSpec("", jst); err != nil {
			t.Fatal(err)
		}
		rec := &recorder{delivered: make(chan struct{})}
		svc := mustRemind(remind.NewService(remind.ServiceConfig{
			Planner:       p,
			Dispatcher:    mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now})),
			DispatchEvery: 10 * time.Millisecond,
			Now:           clk.Now,
		}))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- svc.Run(ctx) }()
		select {
		case <-rec.delivered:
		case <-time.After(10 * time.Second): // the checks below say what is missing
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		want := "digest:2026-11-30T09:00:00+09:00:p" + itoa(coord.ID)
		if keys := rec.keys(); len(keys) != 1 || keys[0] != want {
			t.Fatalf("delivered %q, want [%s]", keys, want)
		}
		if r := reminderByKey(t, d, want); r.Status != store.ReminderSent {
			t.Errorf("digest is %s, want sent", r.Status)
		}
	})
}
