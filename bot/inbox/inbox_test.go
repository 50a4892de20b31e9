package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/inbox"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newInbox(t *testing.T, st store.Store, h inbox.Handler, cfg inbox.Config) *inbox.Inbox {
	t.Helper()
	cfg.Store, cfg.Handlers, cfg.Base = st, map[string]inbox.Handler{"slack": h}, context.Background()
	if cfg.Poll == 0 {
		cfg.Poll = 20 * time.Millisecond
	}
	ib, err := inbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ib
}

// run runs ib until the test ends.
func run(t *testing.T, ib *inbox.Inbox) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = ib.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return cancel
}

func add(t *testing.T, ib *inbox.Inbox, key, person string) {
	t.Helper()
	if err := ib.Add(t.Context(), store.InboxItem{DedupeKey: key, Channel: "slack", PersonKey: person, Kind: "event", Payload: []byte(key)}); err != nil {
		t.Fatal(err)
	}
}

func rows(t *testing.T, st store.Store, ids ...int64) []store.InboxItem {
	t.Helper()
	var out []store.InboxItem
	err := st.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		for _, id := range ids {
			it, err := tx.InboxItem(ctx, id)
			if err != nil {
				return err
			}
			out = append(out, it)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Four workers, three people: each person's events run one at a time and
// in the order they were stored; different people run side by side.
func TestOnePersonAtATimeInOrder(t *testing.T) {
	st := openStore(t)
	var mu sync.Mutex
	order := map[string][]string{}
	running := map[string]*atomic.Int32{"A": {}, "B": {}, "C": {}}
	var overlap, parallel atomic.Int32
	var busy atomic.Int32
	h := func(ctx context.Context, it store.InboxItem) error {
		if running[it.PersonKey].Add(1) > 1 {
			overlap.Add(1)
		}
		if busy.Add(1) > 1 {
			parallel.Add(1)
		}
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		order[it.PersonKey] = append(order[it.PersonKey], string(it.Payload))
		mu.Unlock()
		busy.Add(-1)
		running[it.PersonKey].Add(-1)
		return nil
	}
	ib := newInbox(t, st, h, inbox.Config{Workers: 4})
	for i := range 10 {
		for _, p := range []string{"A", "B", "C"} {
			add(t, ib, fmt.Sprintf("%s%02d", p, i), p)
		}
	}
	run(t, ib)
	waitFor(t, "all 30 events", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(order["A"])+len(order["B"])+len(order["C"]) == 30
	})
	for p, got := range order {
		for i, key := range got {
			if want := fmt.Sprintf("%s%02d", p, i); key != want {
				t.Errorf("person %s ran %v, want %s… in order", p, got, want)
				break
			}
		}
	}
	if overlap.Load() != 0 {
		t.Errorf("%d times two events of one person ran at once", overlap.Load())
	}
	if parallel.Load() == 0 {
		t.Errorf("different people never ran side by side")
	}
}

// A replica dies mid-turn: its row stays leased, and when the lease runs
// out another replica runs it (attempt 2) and it is done.
func TestRowOfACrashedReplicaIsPickedUp(t *testing.T) {
	st := openStore(t)
	started := make(chan int64, 1)
	stuck := func(ctx context.Context, it store.InboxItem) error {
		started <- it.ID
		<-ctx.Done() // the turn hangs until the crash cancels it
		return ctx.Err()
	}
	a := newInbox(t, st, stuck, inbox.Config{Lease: 300 * time.Millisecond, Workers: 1})
	stopA := run(t, a)
	add(t, a, "k1", "A")
	id := <-started
	a.Abort()
	stopA()

	var ran atomic.Int32
	// The survivor's own lease is long: under load, finishing the row must
	// not outlast it and hand the row to a second worker.
	b := newInbox(t, st, func(ctx context.Context, it store.InboxItem) error { ran.Add(1); return nil },
		inbox.Config{Lease: 30 * time.Second})
	run(t, b)
	waitFor(t, "the other replica to take the row over", func() bool { return rows(t, st, id)[0].Status == store.InboxDone })
	if got := rows(t, st, id)[0]; got.Attempts != 2 || ran.Load() != 1 {
		t.Errorf("row %+v run %d times by the survivor; want attempt 2, run once", got, ran.Load())
	}
}

// A failing event is retried with backoff, then given up; the person's
// next event runs after it, never before.
func TestFailingRowIsRetriedThenGivenUp(t *testing.T) {
	st := openStore(t)
	var mu sync.Mutex
	var seen []string
	h := func(ctx context.Context, it store.InboxItem) error {
		mu.Lock()
		seen = append(seen, string(it.Payload))
		mu.Unlock()
		if string(it.Payload) == "bad" {
			return errors.New("boom")
		}
		return nil
	}
	ib := newInbox(t, st, h, inbox.Config{MaxAttempts: 3})
	add(t, ib, "bad", "A")
	add(t, ib, "good", "A")
	run(t, ib)
	waitFor(t, "the good event", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) > 0 && seen[len(seen)-1] == "good"
	})
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(seen) != "[bad bad bad good]" {
		t.Errorf("ran %v, want the bad event 3 times, then the good one", seen)
	}
	bad := rows(t, st, 1)[0]
	if bad.Status != store.InboxFailed || bad.Attempts != 3 || bad.LastError != "boom" {
		t.Errorf("the bad row: %+v", bad)
	}
}

// A redelivered event (same dedupe key) is stored once and runs once.
func TestRedeliveryIsStoredOnce(t *testing.T) {
	st := openStore(t)
	var ran atomic.Int32
	ib := newInbox(t, st, func(context.Context, store.InboxItem) error { ran.Add(1); return nil }, inbox.Config{})
	add(t, ib, "same", "A")
	add(t, ib, "same", "A")
	run(t, ib)
	waitFor(t, "the event", func() bool { return ran.Load() == 1 })
	time.Sleep(100 * time.Millisecond)
	if ran.Load() != 1 {
		t.Errorf("a redelivered event ran %d times", ran.Load())
	}
}
