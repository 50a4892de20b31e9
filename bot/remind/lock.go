package remind

import (
	"context"
	"fmt"
	"time"
)

// Locker is a lock shared by every replica (store/postgres.DB has one).
// A store without it (SQLite) has one process, and plans every round.
type Locker interface {
	TryLock(ctx context.Context, name string) (release func(), ok bool, err error)
}

// PlannerLock names the lock a planner round holds.
const PlannerLock = "bansou.remind.planner"

// PlanRound runs Plan unless another replica is planning right now: on a
// store with a Locker it takes the planner lock without waiting and skips
// the round (planned false) when another replica holds it. The work is
// safe to double (unique dedupe keys); the lock only saves the others the
// effort.
func (p *Planner) PlanRound(ctx context.Context, now time.Time) (st PlanStats, planned bool, err error) {
	if l, ok := p.Store.(Locker); ok {
		release, got, err := l.TryLock(ctx, PlannerLock)
		if err != nil {
			return st, false, fmt.Errorf("remind: planner lock: %w", err)
		}
		if !got {
			return st, false, nil
		}
		defer release()
	}
	st, err = p.Plan(ctx, now)
	return st, true, err
}
