package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// A turn run for an inbox row marks the row done in its own transaction:
// when the claim is no longer held the whole turn rolls back (no person, no
// reply), and when it is held the row is done exactly when the turn commits.
func TestTurnMarksItsInboxRowDoneInItsTransaction(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	var it store.InboxItem
	err := h.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, _, err := tx.AddInbox(ctx, store.InboxItem{DedupeKey: "slack:msg:D1:1.1", Channel: "slack", PersonKey: "slack:U1",
			Kind: "event", Payload: []byte("{}"), ReceivedAt: time.Now()}, time.Time{}); err != nil {
			return err
		}
		its, err := tx.ClaimInbox(ctx, time.Now(), time.Minute, 1)
		if err == nil && len(its) == 1 {
			it = its[0]
		}
		return err
	})
	if err != nil || it.ID == 0 {
		t.Fatalf("claim: %v", err)
	}
	in := bot.Incoming{EventID: "msg:D1:1.1", Channel: "slack", UserID: "U1", Text: "こんにちは"}

	stale := bot.WithInboxClaim(ctx, &bot.InboxClaim{ID: it.ID, Attempts: it.Attempts + 1})
	if err := h.bot.Handle(stale, in); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("a turn with a lost claim: %v, want ErrLeaseLost", err)
	}
	if h.out.Count() != 0 {
		t.Errorf("a turn with a lost claim replied")
	}
	h.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.PersonByIdentity(ctx, "slack", "U1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the rolled-back turn left the person behind: %v", err)
		}
		return nil
	})

	claim := &bot.InboxClaim{ID: it.ID, Attempts: it.Attempts}
	held := bot.WithInboxClaim(ctx, claim)
	if err := h.bot.Handle(held, in); err != nil {
		t.Fatal(err)
	}
	h.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		got, err := tx.InboxItem(ctx, it.ID)
		if err != nil || got.Status != store.InboxDone {
			t.Errorf("after the turn the row is %+v, %v; want done", got, err)
		}
		return nil
	})
	if !claim.Finished() {
		t.Errorf("the claim does not know its turn marked the row done")
	}
	if h.out.Count() != 1 {
		t.Errorf("%d replies, want 1", h.out.Count())
	}
}
