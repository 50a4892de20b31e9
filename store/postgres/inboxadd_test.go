package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// TestAddInboxOneRoundTrip: the store-level AddInbox (one batch, one
// implicit transaction) keeps AddInbox's contract: the row is committed when
// it returns, a dedupe key is stored once, and of racing claimed adds of one
// person at most one comes claimed.
func TestAddInboxOneRoundTrip(t *testing.T) {
	db := openURL(t, pgtest.NewDB(t, migrate)+"&pool_max_conns=8")
	ctx := t.Context()
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	item := func(key, person string) store.InboxItem {
		return store.InboxItem{DedupeKey: key, Channel: "slack", PersonKey: person, Kind: "events",
			Payload: []byte(`{"text":"こんにちは"}`), ReceivedAt: at}
	}
	first, ok, err := db.AddInbox(ctx, item("e1", "A"), at.Add(time.Minute))
	if err != nil || !ok || first.ID == 0 || first.Attempts != 1 {
		t.Fatalf("first add: %+v, %v, %v; want stored claimed", first, ok, err)
	}
	// Committed: another transaction reads it.
	var got store.InboxItem
	err = db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		got, err = tx.InboxItem(ctx, first.ID)
		return err
	})
	if err != nil || got.DedupeKey != "e1" || got.Status != store.InboxPending || string(got.Payload) != `{"text":"こんにちは"}` {
		t.Errorf("read back: %+v, %v", got, err)
	}
	if again, ok, err := db.AddInbox(ctx, item("e1", "A"), at.Add(time.Minute)); err != nil || ok || again.ID != 0 {
		t.Errorf("the same dedupe key again: %+v, %v, %v; want not stored", again, ok, err)
	}
	if second, ok, err := db.AddInbox(ctx, item("e2", "A"), at.Add(time.Minute)); err != nil || !ok || second.Attempts != 0 {
		t.Errorf("second add of A while e1 is pending: %+v, %v, %v; want stored unclaimed", second, ok, err)
	}
	if plain, ok, err := db.AddInbox(ctx, item("b1", "B"), time.Time{}); err != nil || !ok || plain.Attempts != 0 {
		t.Errorf("an add without a lease: %+v, %v, %v; want stored unclaimed", plain, ok, err)
	}

	// Racing claimed adds of a new person: one claimed at most.
	var wg sync.WaitGroup
	var mu sync.Mutex
	claimed := 0
	for i := range 8 {
		wg.Go(func() {
			it, ok, err := db.AddInbox(ctx, item(fmt.Sprint("r", i), "C"), at.Add(time.Minute))
			if err != nil || !ok {
				t.Errorf("racing add %d: %v, %v", i, ok, err)
				return
			}
			if it.Attempts == 1 {
				mu.Lock()
				claimed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if claimed != 1 {
		t.Errorf("%d of 8 racing adds of one person came claimed, want 1", claimed)
	}
}
