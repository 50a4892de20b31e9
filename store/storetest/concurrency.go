package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/bansou/bansou/store"
)

// racers is how many goroutines race in each concurrency story.
const racers = 20

func testConcurrency(t *testing.T, open opener) {
	t.Parallel()
	t.Run("of racing updates from one loaded version exactly one wins", func(t *testing.T) {
		testRacingUpdates(t, open)
	})
	t.Run("of racing deliveries of one event exactly one is fresh", func(t *testing.T) {
		testRacingEvents(t, open)
	})
	t.Run("of racing session starts exactly one becomes active", func(t *testing.T) {
		testRacingStarts(t, open)
	})
	t.Run("racing edits of one answer never share a revision", func(t *testing.T) {
		testRacingRevisions(t, open)
	})
	t.Run("racing dispatchers claim every due reminder exactly once", func(t *testing.T) {
		testRacingClaims(t, open)
	})
}

// race runs fn in racers goroutines, each in its own transaction, released
// together, and returns each one's error.
func (f *fixture) race(fn func(ctx context.Context, tx store.Tx, i int) error) []error {
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
				return fn(ctx, tx, i)
			})
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts successes and conflicts and reports any other error: a
// backend must not leak "database is locked" or deadlock errors.
func tally(t *testing.T, errs []error) (wins, conflicts int) {
	t.Helper()
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Errorf("racer %d: unexpected error %v", i, err)
		}
	}
	return wins, conflicts
}

// testRacingUpdates is twenty deliveries handled at once for the same
// session: each loaded version 1 before its transaction began.
func testRacingUpdates(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	loaded := f.startSession(owner.ID, 0)
	errs := f.race(func(ctx context.Context, tx store.Tx, i int) error {
		s, err := tx.Session(ctx, loaded.ID)
		if err != nil {
			return err
		}
		s.Step, s.Version, s.UpdatedAt = "next", loaded.Version, at(i)
		if _, err := tx.UpdateSession(ctx, s); err != nil {
			return fmt.Errorf("racer %d: %w", i, err)
		}
		a := store.Answer{SessionID: s.ID, StepID: "D1", Value: fmt.Sprint(i), Raw: fmt.Sprint(i), ByPersonID: owner.ID, At: at(i)}
		_, err = tx.AddAnswer(ctx, a)
		return err
	})
	wins, conflicts := tally(t, errs)
	if wins != 1 || conflicts != racers-1 {
		t.Errorf("%d wins and %d conflicts, want 1 and %d", wins, conflicts, racers-1)
	}
	if got := f.session(loaded.ID); got.Version != 2 || got.Step != "next" {
		t.Errorf("final session: version %d step %q, want 2 and next", got.Version, got.Step)
	}
	if got := f.answers(loaded.ID); len(got) != 1 {
		t.Errorf("%d answers stored, want exactly the winner's: %+v", len(got), got)
	}
}

func testRacingEvents(t *testing.T, open opener) {
	f := setup(t, open)
	fresh := make([]bool, racers)
	errs := f.race(func(ctx context.Context, tx store.Tx, i int) error {
		ok, err := tx.MarkEvent(ctx, "ev-storm", at(i))
		fresh[i] = ok
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("racer %d: %v", i, err)
		}
	}
	if n := countTrue(fresh); n != 1 {
		t.Errorf("%d racers saw the event as fresh, want exactly 1", n)
	}
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func testRacingStarts(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	ids := make([]int64, racers)
	errs := f.race(func(ctx context.Context, tx store.Tx, i int) error {
		s, err := tx.CreateSession(ctx, newSession(owner.ID, 0))
		ids[i] = s.ID
		return err
	})
	wins, conflicts := tally(t, errs)
	if wins != 1 || conflicts != racers-1 {
		t.Fatalf("%d wins and %d conflicts, want 1 and %d", wins, conflicts, racers-1)
	}
	winner := ids[slices.Index(errs, nil)]
	active, err := f.activeSession(owner.ID)
	if err != nil || active.ID != winner {
		t.Errorf("ActiveSession = %d, %v; want the winner's session", active.ID, err)
	}
}

// testRacingRevisions lets edits of one answer race. A backend may refuse
// some with ErrConflict, but the stored revisions are exactly 1..n.
func testRacingRevisions(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	s := f.startSession(owner.ID, 0)
	revs := make([]int, racers)
	errs := f.race(func(ctx context.Context, tx store.Tx, i int) error {
		a := store.Answer{SessionID: s.ID, StepID: "wall", Value: fmt.Sprint(i), ByPersonID: owner.ID, At: at(i)}
		got, err := tx.AddAnswer(ctx, a)
		revs[i] = got.Revision
		return err
	})
	wins, _ := tally(t, errs)
	stored := f.answers(s.ID)
	if wins == 0 || len(stored) != wins {
		t.Fatalf("%d edits succeeded and %d are stored, want the same, at least one", wins, len(stored))
	}
	for i, a := range stored {
		if a.Revision != i+1 {
			t.Errorf("stored revision %d at position %d, want %d", a.Revision, i, i+1)
		}
	}
	var returned []int
	for i, err := range errs {
		if err == nil {
			returned = append(returned, revs[i])
		}
	}
	slices.Sort(returned)
	for i, r := range returned {
		if r != i+1 {
			t.Errorf("returned revisions %v, want 1..%d", returned, wins)
			break
		}
	}
}
