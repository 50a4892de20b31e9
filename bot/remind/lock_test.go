package remind_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

// Two planners on one PostgreSQL, each with its own pool (two replicas):
// while one plans, the other skips its round; started together round after
// round, exactly one plans each round.
func TestOnePlannerPerRoundOnPostgres(t *testing.T) {
	// Not parallel: the rounds must overlap, which other tests' load can
	// prevent.
	d := openPostgres(t)
	a, b := d.Store, d.reopen(t)
	do(t, a, func(ctx context.Context, tx store.Tx) error {
		for i := range 300 { // enough work that the rounds overlap
			if _, err := tx.CreateCompany(ctx, store.Company{Name: fmt.Sprintf("会社%03d", i), CreatedAt: jstAt(2026, 12, 1, 9, 0)}); err != nil {
				return err
			}
		}
		return nil
	})
	planners := []*remind.Planner{newPlanner(a), newPlanner(b)}
	now := jstAt(2026, 12, 7, 9, 30)

	// While replica a holds the lock, b skips; once it is free, b plans.
	release, ok, err := a.(remind.Locker).TryLock(t.Context(), remind.PlannerLock)
	if err != nil || !ok {
		t.Fatalf("TryLock: %v, %v", ok, err)
	}
	if _, planned, err := planners[1].PlanRound(t.Context(), now); err != nil || planned {
		t.Errorf("while the lock was held b planned: %v, %v", planned, err)
	}
	release()
	if _, planned, err := planners[1].PlanRound(t.Context(), now); err != nil || !planned {
		t.Errorf("after release b did not plan: %v, %v", planned, err)
	}

	for round := range 5 {
		var wg sync.WaitGroup
		start := make(chan struct{})
		planned := make([]bool, 2)
		for i, p := range planners {
			wg.Go(func() {
				<-start
				_, ok, err := p.PlanRound(t.Context(), now)
				if err != nil {
					t.Errorf("round %d planner %d: %v", round, i, err)
				}
				planned[i] = ok
			})
		}
		close(start)
		wg.Wait()
		if planned[0] == planned[1] {
			t.Errorf("round %d: planned %v, want exactly one planner", round, planned)
		}
	}
}

// On SQLite (one process) there is no lock: every round plans.
func TestSQLitePlannerAlwaysPlans(t *testing.T) {
	t.Parallel()
	d := openSQLite(t)
	if _, ok := d.Store.(remind.Locker); ok {
		t.Fatal("the SQLite store offers a lock; this test expects none")
	}
	for range 2 {
		if _, planned, err := newPlanner(d.Store).PlanRound(t.Context(), jstAt(2026, 12, 7, 9, 30)); err != nil || !planned {
			t.Errorf("planned %v, %v", planned, err)
		}
	}
}
