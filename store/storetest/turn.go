package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testTurns(t *testing.T, open opener) {
	t.Run("OpenTurn marks the event once and finds the person and their active session", func(t *testing.T) {
		testOpenTurn(t, open)
	})
	t.Run("SaveTurn saves the session and the answer, or on a stale version neither", func(t *testing.T) {
		testSaveTurn(t, open)
	})
	t.Run("OpenTurn marks its inbox row done with the turn, only while the claim holds", func(t *testing.T) {
		testOpenTurnInbox(t, open)
	})
	t.Run("OpenTurn stores its own event's inbox row done, unless taken or the person has one pending", func(t *testing.T) {
		testOpenTurnAddsInbox(t, open)
	})
}

func testOpenTurnAddsInbox(t *testing.T, open opener) {
	f := setup(t, open)
	f.person(store.RoleAdvisor, "佐藤") // console identity fixture-1
	key := func(event, dedupe, person string) store.TurnKey {
		it := inboxItem(dedupe, person, at(1))
		return store.TurnKey{EventID: event, At: at(1), Channel: "console", ExternalID: "fixture-1",
			Inbox: &store.InboxMark{At: at(2), Add: &it}}
	}
	pending := func() int64 {
		return must(f, "inbox stats", func(ctx context.Context, tx store.Tx) (store.InboxStats, error) {
			return tx.InboxStats(ctx)
		}).Pending
	}

	// A turn that rolls back stores nothing: its event is stored the
	// ordinary way afterwards.
	rolledBack := errors.New("the turn failed")
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.OpenTurn(ctx, key("ev-a", "row-a", "P")); err != nil {
			return err
		}
		return rolledBack
	})
	wantErr(t, "rolled back turn", err, rolledBack)
	if _, inserted := f.addInbox(inboxItem("row-a", "Q", at(1))); !inserted {
		t.Errorf("the row of a rolled-back turn was kept")
	}

	// A turn that commits stores its row done: a redelivery is not stored
	// again, and nothing is left pending.
	ts := must(f, "open turn", func(ctx context.Context, tx store.Tx) (store.TurnStart, error) {
		return tx.OpenTurn(ctx, key("ev-b", "row-b", "P"))
	})
	if !ts.Fresh || !ts.PersonFound {
		t.Errorf("open with a new row: %+v, want fresh with the person", ts)
	}
	if _, inserted := f.addInbox(inboxItem("row-b", "P", at(3))); inserted {
		t.Errorf("the row a turn stored was stored again")
	}
	if n := pending(); n != 1 { // row-a, stored above for Q
		t.Errorf("%d rows pending, want 1 (the turn's own row is done)", n)
	}

	// The same key again (a redelivery racing the first): taken.
	f.do("open a taken key", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.OpenTurn(ctx, key("ev-c", "row-b", "P"))
		wantErr(t, "open with a taken key", err, store.ErrInboxTaken)
		return nil
	})
	// Q has a pending row: its next event may not overtake it, and the
	// refused open changed nothing (its event is still fresh).
	err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.OpenTurn(ctx, key("ev-d", "row-d", "Q"))
		return err
	})
	wantErr(t, "open behind a pending row", err, store.ErrInboxTaken)
	if !f.mark("ev-d", at(4)) {
		t.Errorf("a refused open recorded its event")
	}
	if _, inserted := f.addInbox(inboxItem("row-d", "Q", at(4))); !inserted {
		t.Errorf("a refused open stored its row")
	}
}

func testOpenTurnInbox(t *testing.T, open opener) {
	f := setup(t, open)
	f.person(store.RoleAdvisor, "佐藤") // console identity fixture-1
	row := f.addClaimed(inboxItem("turn-1", "console:fixture-1", at(0)), at(5))
	key := func(event string, attempts int) store.TurnKey {
		return store.TurnKey{EventID: event, At: at(1), Channel: "console", ExternalID: "fixture-1",
			Inbox: &store.InboxMark{ID: row.ID, Attempts: attempts, At: at(2)}}
	}
	status := func() store.InboxItem {
		return must(f, "inbox item", func(ctx context.Context, tx store.Tx) (store.InboxItem, error) {
			return tx.InboxItem(ctx, row.ID)
		})
	}

	// A turn that rolls back leaves the row pending: it runs again.
	rolledBack := errors.New("the turn failed")
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		ts, err := tx.OpenTurn(ctx, key("ev-a", 1))
		if err != nil {
			return err
		}
		if !ts.Fresh || !ts.PersonFound {
			t.Errorf("first open: %+v, want fresh with the person", ts)
		}
		return rolledBack
	})
	wantErr(t, "rolled back turn", err, rolledBack)
	if it := status(); it.Status != store.InboxPending {
		t.Errorf("after a rolled-back turn the row is %s, want pending", it.Status)
	}

	// An older claim (another worker took the row since) may not finish it.
	f.do("open with a lost claim", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.OpenTurn(ctx, key("ev-b", 0))
		wantErr(t, "open with a lost claim", err, store.ErrLeaseLost)
		return nil
	})
	if it := status(); it.Status != store.InboxPending {
		t.Errorf("after a lost claim the row is %s, want pending", it.Status)
	}

	ts := must(f, "open turn", func(ctx context.Context, tx store.Tx) (store.TurnStart, error) {
		return tx.OpenTurn(ctx, key("ev-c", 1))
	})
	if !ts.Fresh || !ts.PersonFound {
		t.Errorf("open with the claim: %+v, want fresh with the person", ts)
	}
	it := status()
	if it.Status != store.InboxDone || !it.DoneAt.Equal(at(2).UTC().Truncate(time.Microsecond)) {
		t.Errorf("after the turn the row is %s done at %v, want done at(2)", it.Status, it.DoneAt)
	}
	// Replayed (the same claim again): the row is done, so the turn is not
	// run twice.
	f.do("open again", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.OpenTurn(ctx, key("ev-d", 1))
		wantErr(t, "open of a finished row", err, store.ErrLeaseLost)
		return nil
	})
	// A duplicate event is reported as such, before the claim is looked at.
	dup := must(f, "open a duplicate", func(ctx context.Context, tx store.Tx) (store.TurnStart, error) {
		return tx.OpenTurn(ctx, key("ev-c", 1))
	})
	if dup.Fresh {
		t.Errorf("a duplicate event came back fresh")
	}
}

func testOpenTurn(t *testing.T, open opener) {
	f := setup(t, open)
	openTurn := func(k store.TurnKey) store.TurnStart {
		t.Helper()
		return must(f, "open turn", func(ctx context.Context, tx store.Tx) (store.TurnStart, error) {
			return tx.OpenTurn(ctx, k)
		})
	}
	stranger := openTurn(store.TurnKey{EventID: "ev-1", At: at(1), Channel: "slack", ExternalID: "U-nobody"})
	if !stranger.Fresh || stranger.PersonFound || stranger.SessionFound {
		t.Errorf("unknown person: %+v, want fresh and nothing found", stranger)
	}
	if again := openTurn(store.TurnKey{EventID: "ev-1", At: at(2), Channel: "slack", ExternalID: "U-nobody"}); again.Fresh {
		t.Errorf("the same event twice was fresh both times")
	}

	advisor := f.person(store.RoleAdvisor, "佐藤") // console identity fixture-1
	idle := openTurn(store.TurnKey{EventID: "ev-2", At: at(3), Channel: "console", ExternalID: "fixture-1"})
	if !idle.Fresh || !idle.PersonFound || idle.SessionFound {
		t.Fatalf("person without a session: %+v", idle)
	}
	sameRecord(t, "person", idle.Person, advisor)

	yamada := f.company("山田製作所")
	done := f.end(f.startSession(advisor.ID, yamada.ID), store.SessionCompleted, at(4))
	active := f.startSession(advisor.ID, yamada.ID)
	busy := openTurn(store.TurnKey{Channel: "console", ExternalID: "fixture-1"}) // no event: a resume
	if !busy.Fresh || !busy.PersonFound || !busy.SessionFound {
		t.Fatalf("person with a session: %+v", busy)
	}
	if busy.Session.ID == done.ID {
		t.Errorf("OpenTurn found the completed session")
	}
	sameRecord(t, "active session", busy.Session, f.session(active.ID))
}

func testSaveTurn(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	s := f.startSession(advisor.ID, 0)
	s.Step, s.State, s.UpdatedAt = "D5", []byte(`{"cursor":"D5"}`), at(5)
	a := store.Answer{SessionID: s.ID, StepID: "D1", Value: "山田製作所", Raw: "山田製作所", Tag: "company",
		ByPersonID: advisor.ID, At: at(5)}
	saved := must(f, "save turn", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.SaveTurn(ctx, s, &a)
	})
	if saved.Version != 2 {
		t.Errorf("version after a save = %d, want 2", saved.Version)
	}
	want := s
	want.Version = 2
	sameRecord(t, "saved session", f.session(s.ID), want)
	a.Revision = 1
	sameList(t, "answers", f.answers(s.ID), []store.Answer{a})

	// The same version again is stale: nothing changes, and the
	// transaction stays usable.
	stale := s
	stale.Step = "D7"
	f.do("stale save turn", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.SaveTurn(ctx, stale, &store.Answer{SessionID: s.ID, StepID: "D5", Value: "x", Raw: "x", At: at(6)})
		wantErr(t, "stale SaveTurn", err, store.ErrConflict)
		_, err = tx.Session(ctx, s.ID)
		return err
	})
	sameRecord(t, "session after a stale save", f.session(s.ID), want)
	sameList(t, "answers after a stale save", f.answers(s.ID), []store.Answer{a})

	// Without an answer, SaveTurn is UpdateSession; an edit appends a
	// revision.
	saved.Step = "D7"
	saved = must(f, "save turn without answer", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.SaveTurn(ctx, saved, nil)
	})
	edit := a
	edit.Value, edit.Raw, edit.At = "山田製作所（本社）", "山田製作所（本社）", at(7)
	saved = must(f, "save turn with an edit", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.SaveTurn(ctx, saved, &edit)
	})
	if saved.Version != 4 {
		t.Errorf("version after three saves = %d, want 4", saved.Version)
	}
	edit.Revision = 2
	sameList(t, "answers after an edit", f.answers(s.ID), []store.Answer{a, edit})
	audit := must(f, "audit", func(ctx context.Context, tx store.Tx) ([]store.AuditEntry, error) {
		return tx.Audit(ctx, fmt.Sprintf("session:%d/step:D1", s.ID))
	})
	if len(audit) != 1 || audit[0].Action != "answer.edit" {
		t.Errorf("audit of the edit = %+v", audit)
	}
}
