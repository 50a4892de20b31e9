package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/bansou/bansou/store"
)

func testTurns(t *testing.T, open opener) {
	t.Run("OpenTurn marks the event once and finds the person and their active session", func(t *testing.T) {
		testOpenTurn(t, open)
	})
	t.Run("SaveTurn saves the session and the answer, or on a stale version neither", func(t *testing.T) {
		testSaveTurn(t, open)
	})
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
