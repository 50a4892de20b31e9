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

// run runs ib until the test ends, or until stop: stop returns when Run
// has, with the work in flight finished.
func run(t *testing.T, ib *inbox.Inbox) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = ib.Run(ctx); close(done) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
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

// await waits until done is closed.
func await(t *testing.T, what string, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
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
	// Every event is held until two have run at once (sideBySide), so the
	// first wave runs together: two events of one person in it would
	// overlap.
	sideBySide, all := make(chan struct{}), make(chan struct{})
	var sideOnce sync.Once
	h := func(ctx context.Context, it store.InboxItem) error {
		if running[it.PersonKey].Add(1) > 1 {
			overlap.Add(1)
		}
		if busy.Add(1) > 1 {
			parallel.Add(1)
			sideOnce.Do(func() { close(sideBySide) })
		}
		select {
		case <-sideBySide:
		case <-ctx.Done():
		}
		mu.Lock()
		order[it.PersonKey] = append(order[it.PersonKey], string(it.Payload))
		if len(order["A"])+len(order["B"])+len(order["C"]) == 30 {
			close(all)
		}
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
	await(t, "all 30 events", all)
	mu.Lock()
	defer mu.Unlock()
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
	tookOver := make(chan struct{})
	// The survivor's own lease is long: under load, finishing the row must
	// not outlast it and hand the row to a second worker.
	b := newInbox(t, st, func(ctx context.Context, it store.InboxItem) error {
		if ran.Add(1) == 1 {
			close(tookOver)
		}
		return nil
	}, inbox.Config{Lease: 30 * time.Second})
	stopB := run(t, b)
	await(t, "the other replica to take the row over", tookOver)
	stopB() // the row is finished before Run returns
	if got := rows(t, st, id)[0]; got.Status != store.InboxDone {
		t.Errorf("row %+v is not done after the survivor ran it", got)
	}
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
	good := make(chan struct{})
	h := func(ctx context.Context, it store.InboxItem) error {
		mu.Lock()
		seen = append(seen, string(it.Payload))
		if string(it.Payload) == "good" {
			close(good)
		}
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
	await(t, "the good event", good)
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
	first := make(chan struct{})
	ib := newInbox(t, st, func(context.Context, store.InboxItem) error {
		if ran.Add(1) == 1 {
			close(first)
		}
		return nil
	}, inbox.Config{})
	add(t, ib, "same", "A")
	add(t, ib, "same", "A")
	stop := run(t, ib)
	await(t, "the event", first)
	// The only row: nothing else can run. Stopping waits for anything
	// still in flight.
	if err := st.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.InboxItem(ctx, 2)
		return err
	}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a second row was stored for the redelivery (InboxItem(2): %v)", err)
	}
	stop()
	if ran.Load() != 1 {
		t.Errorf("a redelivered event ran %d times", ran.Load())
	}
}
