package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testInbox(t *testing.T, open opener) {
	t.Run("an event is stored once per dedupe key and reads back exactly", func(t *testing.T) {
		testInboxAdd(t, open)
	})
	t.Run("a claim takes the oldest row of each person only, never two of one person", func(t *testing.T) {
		testInboxOrder(t, open)
	})
	t.Run("an expired lease is claimed again; the old holder can no longer finish", func(t *testing.T) {
		testInboxLease(t, open)
	})
	t.Run("a retry waits until its time; a failure lets the person's next row run", func(t *testing.T) {
		testInboxRetryFail(t, open)
	})
	t.Run("an add may come claimed, only when the person has nothing else pending", func(t *testing.T) {
		testInboxAddClaimed(t, open)
	})
	t.Run("racing claimed adds of one person claim one row at most", func(t *testing.T) {
		testInboxAddClaimedRace(t, open)
	})
	t.Run("racing claimers never share a row", func(t *testing.T) {
		testInboxRace(t, open)
	})
	t.Run("stats count pending rows; the sweep removes only old finished rows", func(t *testing.T) {
		testInboxSweep(t, open)
	})
}

func inboxItem(key, person string, received time.Time) store.InboxItem {
	return store.InboxItem{DedupeKey: key, Channel: "slack", PersonKey: person, Kind: "events",
		Payload: []byte(`{"text":"こんにちは"}`), ReceivedAt: received}
}

func (f *fixture) addInbox(it store.InboxItem) (store.InboxItem, bool) {
	f.t.Helper()
	var inserted bool
	out := must(f, "add inbox "+it.DedupeKey, func(ctx context.Context, tx store.Tx) (store.InboxItem, error) {
		out, ok, err := tx.AddInbox(ctx, it, time.Time{})
		inserted = ok
		return out, err
	})
	return out, inserted
}

func (f *fixture) claimInbox(now time.Time, limit int) []store.InboxItem {
	f.t.Helper()
	return must(f, "claim inbox", func(ctx context.Context, tx store.Tx) ([]store.InboxItem, error) {
		return tx.ClaimInbox(ctx, now, lease, limit)
	})
}

func keysOf(its []store.InboxItem) []string {
	out := []string{}
	for _, it := range its {
		out = append(out, it.DedupeKey)
	}
	return out
}

func testInboxAdd(t *testing.T, open opener) {
	f := setup(t, open)
	in := inboxItem("slack:msg:D1:1.0", "slack:U1", at(0))
	got, ok := f.addInbox(in)
	if !ok || got.ID == 0 {
		t.Fatalf("first add: inserted %v, id %d", ok, got.ID)
	}
	if _, ok := f.addInbox(in); ok {
		t.Errorf("a second add of the same dedupe key was inserted")
	}
	back := must(f, "read", func(ctx context.Context, tx store.Tx) (store.InboxItem, error) { return tx.InboxItem(ctx, got.ID) })
	want := in
	want.ID, want.Status, want.ReceivedAt = got.ID, store.InboxPending, at(0).UTC().Truncate(time.Microsecond)
	if back.DedupeKey != want.DedupeKey || back.Channel != want.Channel || back.PersonKey != want.PersonKey ||
		back.Kind != want.Kind || string(back.Payload) != string(want.Payload) || !back.ReceivedAt.Equal(want.ReceivedAt) ||
		back.ReceivedAt.Location() != time.UTC || back.Status != store.InboxPending || back.Attempts != 0 ||
		!back.LeaseUntil.IsZero() || !back.DoneAt.IsZero() {
		t.Errorf("read back %+v, want %+v", back, want)
	}
}

func testInboxOrder(t *testing.T, open opener) {
	f := setup(t, open)
	a1, _ := f.addInbox(inboxItem("a1", "A", at(0)))
	f.addInbox(inboxItem("b1", "B", at(0)))
	f.addInbox(inboxItem("a2", "A", at(1)))
	f.addInbox(inboxItem("b2", "B", at(1)))
	got := f.claimInbox(at(2), 10)
	if k := fmt.Sprint(keysOf(got)); k != "[a1 b1]" {
		t.Fatalf("first claim %s, want [a1 b1]: the oldest row of each person", k)
	}
	if got[0].Attempts != 1 || !got[0].LeaseUntil.Equal(at(2).Add(lease).UTC().Truncate(time.Microsecond)) {
		t.Errorf("claimed row: attempts %d, lease %v", got[0].Attempts, got[0].LeaseUntil)
	}
	if k := keysOf(f.claimInbox(at(2), 10)); len(k) != 0 {
		t.Errorf("while a1 and b1 are leased a claim took %v, want nothing", k)
	}
	f.do("finish a1", func(ctx context.Context, tx store.Tx) error { return tx.FinishInbox(ctx, a1.ID, 1, at(3)) })
	if k := fmt.Sprint(keysOf(f.claimInbox(at(3), 10))); k != "[a2]" {
		t.Errorf("after a1 is done the claim took %s, want [a2]", k)
	}
	done := must(f, "read", func(ctx context.Context, tx store.Tx) (store.InboxItem, error) { return tx.InboxItem(ctx, a1.ID) })
	if done.Status != store.InboxDone || !done.DoneAt.Equal(at(3).UTC().Truncate(time.Microsecond)) {
		t.Errorf("a1 after finish: status %s done at %v", done.Status, done.DoneAt)
	}
}

func testInboxLease(t *testing.T, open opener) {
	f := setup(t, open)
	a, _ := f.addInbox(inboxItem("a", "A", at(0)))
	first := f.claimInbox(at(0), 1)
	again := f.claimInbox(at(0).Add(lease), 1)
	if len(first) != 1 || len(again) != 1 || again[0].Attempts != 2 {
		t.Fatalf("claims %v then %v, want the row twice, attempts 2 the second time", first, again)
	}
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.FinishInbox(ctx, a.ID, 1, at(9)) })
	wantErr(t, "finish by the first holder", err, store.ErrLeaseLost)
	f.do("finish by the second holder", func(ctx context.Context, tx store.Tx) error { return tx.FinishInbox(ctx, a.ID, 2, at(9)) })
	err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.FinishInbox(ctx, a.ID, 2, at(9)) })
	wantErr(t, "finishing twice", err, store.ErrLeaseLost)
}

func testInboxRetryFail(t *testing.T, open opener) {
	f := setup(t, open)
	a1, _ := f.addInbox(inboxItem("a1", "A", at(0)))
	f.addInbox(inboxItem("a2", "A", at(0)))
	f.claimInbox(at(0), 10)
	f.do("retry", func(ctx context.Context, tx store.Tx) error { return tx.RetryInbox(ctx, a1.ID, 1, at(5), "boom") })
	if k := keysOf(f.claimInbox(at(4), 10)); len(k) != 0 {
		t.Errorf("before the retry time a claim took %v, want nothing (a2 waits behind a1)", k)
	}
	got := f.claimInbox(at(5), 10)
	if len(got) != 1 || got[0].ID != a1.ID || got[0].LastError != "boom" || got[0].Attempts != 2 {
		t.Fatalf("at the retry time the claim took %+v, want a1 at attempt 2 with its error", got)
	}
	f.do("fail", func(ctx context.Context, tx store.Tx) error { return tx.FailInbox(ctx, a1.ID, 2, at(6), "gave up") })
	if k := fmt.Sprint(keysOf(f.claimInbox(at(6), 10))); k != "[a2]" {
		t.Errorf("after a1 failed the claim took %s, want [a2]", k)
	}
}

func testInboxRace(t *testing.T, open opener) {
	f := setup(t, open)
	const n = 40
	for i := range n {
		f.addInbox(inboxItem(fmt.Sprint("k", i), fmt.Sprint("P", i%10), at(0)))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
				got, err := tx.ClaimInbox(ctx, at(1), lease, 3)
				mu.Lock()
				for _, it := range got {
					seen[it.PersonKey]++
				}
				mu.Unlock()
				return err
			})
			if err != nil {
				t.Errorf("claim: %v", err)
			}
		})
	}
	wg.Wait()
	for p, c := range seen {
		if c != 1 {
			t.Errorf("person %s: %d rows leased at once, want 1", p, c)
		}
	}
	if len(seen) != 10 {
		t.Errorf("%d people got a row leased, want all 10", len(seen))
	}
}

func testInboxSweep(t *testing.T, open opener) {
	f := setup(t, open)
	old, _ := f.addInbox(inboxItem("old", "A", at(0)))
	f.addInbox(inboxItem("waiting", "B", at(1)))
	f.claimInbox(at(0), 1)
	f.do("finish", func(ctx context.Context, tx store.Tx) error { return tx.FinishInbox(ctx, old.ID, 1, at(2)) })
	stats := must(f, "stats", func(ctx context.Context, tx store.Tx) (store.InboxStats, error) { return tx.InboxStats(ctx) })
	if stats.Pending != 1 || !stats.OldestReceived.Equal(at(1).UTC().Truncate(time.Microsecond)) {
		t.Errorf("stats %+v, want 1 pending received at %v", stats, at(1))
	}
	n := must(f, "sweep", func(ctx context.Context, tx store.Tx) (int64, error) { return tx.SweepInbox(ctx, at(3)) })
	if n != 1 {
		t.Errorf("swept %d rows, want 1 (the done one; pending rows stay)", n)
	}
	if k := keysOf(f.claimInbox(at(3), 10)); fmt.Sprint(k) != "[waiting]" {
		t.Errorf("after the sweep the claim took %v, want the pending row", k)
	}
}

func (f *fixture) addClaimed(it store.InboxItem, leaseUntil time.Time) store.InboxItem {
	f.t.Helper()
	return must(f, "add claimed "+it.DedupeKey, func(ctx context.Context, tx store.Tx) (store.InboxItem, error) {
		out, _, err := tx.AddInbox(ctx, it, leaseUntil)
		return out, err
	})
}

func testInboxAddClaimed(t *testing.T, open opener) {
	f := setup(t, open)
	a1 := f.addClaimed(inboxItem("a1", "A", at(0)), at(5))
	if a1.Attempts != 1 || !a1.LeaseUntil.Equal(at(5).UTC().Truncate(time.Microsecond)) {
		t.Fatalf("first add of A: %+v, want claimed (attempt 1, lease at(5))", a1)
	}
	a2 := f.addClaimed(inboxItem("a2", "A", at(1)), at(5))
	if a2.Attempts != 0 || !a2.LeaseUntil.IsZero() {
		t.Errorf("second add of A while a1 is pending: %+v, want unclaimed", a2)
	}
	if k := keysOf(f.claimInbox(at(2), 10)); len(k) != 0 {
		t.Errorf("a claim took %v while a1 is held", k)
	}
	f.do("finish a1", func(ctx context.Context, tx store.Tx) error { return tx.FinishInbox(ctx, a1.ID, 1, at(2)) })
	if k := fmt.Sprint(keysOf(f.claimInbox(at(2), 10))); k != "[a2]" {
		t.Errorf("after a1 the claim took %s, want [a2]", k)
	}
	if b := f.addClaimed(inboxItem("b1", "B", at(1)), time.Time{}); b.Attempts != 0 {
		t.Errorf("an add without a lease came claimed: %+v", b)
	}
}

func testInboxAddClaimedRace(t *testing.T, open opener) {
	f := setup(t, open)
	var mu sync.Mutex
	claimed := 0
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
				out, _, err := tx.AddInbox(ctx, inboxItem(fmt.Sprint("r", i), "A", at(0)), at(5))
				if out.Attempts == 1 {
					mu.Lock()
					claimed++
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Errorf("add: %v", err)
			}
		})
	}
	wg.Wait()
	if claimed != 1 {
		t.Errorf("%d racing adds of one person came claimed, want exactly 1", claimed)
	}
}
