package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testSessions(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a new session starts at version 1 and reads back exactly", func(t *testing.T) {
		testCreateSession(t, open)
	})
	t.Run("a respondent has at most one active session", func(t *testing.T) {
		testOneActive(t, open)
	})
	t.Run("ActiveSession ignores finished sessions", func(t *testing.T) {
		testActiveSession(t, open)
	})
	t.Run("an update bumps the version and saves every field", func(t *testing.T) {
		testUpdateSession(t, open)
	})
	t.Run("a stale version is a conflict and changes nothing", func(t *testing.T) {
		testStaleUpdate(t, open)
	})
	t.Run("reactivating a session beside an active one is a conflict", func(t *testing.T) {
		testReactivate(t, open)
	})
	t.Run("unknown sessions are not found", func(t *testing.T) {
		testUnknownSession(t, open)
	})
	t.Run("a company's sessions come newest first, and only its own", func(t *testing.T) {
		testCompanySessions(t, open)
	})
	t.Run("sessions between two instants: from included, to excluded, oldest first", func(t *testing.T) {
		testSessionsBetween(t, open)
	})
}

func testCompanySessions(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	owner := f.person(store.RoleOwner, "山田")
	yamada, sakura := f.company("山田製作所"), f.company("さくら食堂")
	first := f.end(f.startSession(advisor.ID, yamada.ID), store.SessionCompleted, at(10))
	other := f.end(f.startSession(advisor.ID, sakura.ID), store.SessionCompleted, at(20))
	later := newSession(owner.ID, yamada.ID)
	later.CreatedAt, later.UpdatedAt = at(30), at(30)
	later = must(f, "create later session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.CreateSession(ctx, later)
	})
	list := func(companyID int64) []store.Session {
		return must(f, "company sessions", func(ctx context.Context, tx store.Tx) ([]store.Session, error) {
			return tx.CompanySessions(ctx, companyID)
		})
	}
	sameList(t, "山田製作所", list(yamada.ID), []store.Session{later, first})
	sameList(t, "さくら食堂", list(sakura.ID), []store.Session{other})
	if got := list(unknownID); len(got) != 0 {
		t.Errorf("an unknown company has %d sessions", len(got))
	}
}

func testCreateSession(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	want := newSession(owner.ID, 0)
	want.Version = 7 // ignored: a new session is version 1
	made := must(f, "create", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.CreateSession(ctx, want)
	})
	if made.ID == 0 || made.Version != 1 {
		t.Fatalf("CreateSession returned ID %d, Version %d; want an ID and Version 1", made.ID, made.Version)
	}
	want.ID, want.Version = made.ID, 1
	sameEcho(t, "created", made, want)
	sameRecord(t, "read back", f.session(made.ID), want)
}

func testOneActive(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	advisor := f.person(store.RoleAdvisor, "佐藤")
	first := f.startSession(owner.ID, 0)
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.CreateSession(ctx, newSession(owner.ID, 0))
	})
	wantErr(t, "second active session", err, store.ErrConflict)
	f.startSession(advisor.ID, 0) // someone else may start one

	f.end(first, store.SessionCompleted, at(10))
	second := f.startSession(owner.ID, 0)
	if second.ID == first.ID {
		t.Errorf("new session reuses id %d", first.ID)
	}
}

func testActiveSession(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	_, err := f.activeSession(owner.ID)
	wantErr(t, "ActiveSession with no sessions", err, store.ErrNotFound)

	for i, status := range []store.SessionStatus{store.SessionCompleted, store.SessionCancelled, store.SessionExpired} {
		f.end(f.startSession(owner.ID, 0), status, at(i+1))
	}
	_, err = f.activeSession(owner.ID)
	wantErr(t, "ActiveSession with only finished sessions", err, store.ErrNotFound)

	active := f.startSession(owner.ID, 0)
	got, err := f.activeSession(owner.ID)
	if err != nil {
		t.Fatalf("ActiveSession: %v", err)
	}
	sameRecord(t, "active", got, active)
	other := f.person(store.RoleOwner, "小林")
	_, err = f.activeSession(other.ID)
	wantErr(t, "ActiveSession of another respondent", err, store.ErrNotFound)
}

func (f *fixture) activeSession(respondentID int64) (store.Session, error) {
	return get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.ActiveSession(ctx, respondentID)
	})
}

func testUpdateSession(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	company := f.company("株式会社やまと製菓")
	s := f.startSession(owner.ID, 0)

	s.FlowVersion = 4
	s.Mode = "followup"
	s.CompanyID = company.ID
	s.Channel = "line"
	s.Status = store.SessionCompleted
	s.Step = "done"
	s.State = []byte(`{"z": 1,  "a": [ "課題", "売上\n改善" ], "emoji": "🙂"}`)
	s.UpdatedAt = at(30)
	s.CompletedAt = at(31)
	saved := must(f, "update", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, s)
	})
	want := s
	want.Version = 2
	sameEcho(t, "returned", saved, want)
	sameRecord(t, "read back", f.session(s.ID), want)

	saved.Step = "after"
	again := must(f, "update again", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, saved)
	})
	if again.Version != 3 {
		t.Errorf("second update: Version %d, want 3", again.Version)
	}
}

func testStaleUpdate(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	loaded := f.startSession(owner.ID, 0)

	first := loaded
	first.Step = "D2"
	first.UpdatedAt = at(5)
	stored := must(f, "first update", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, first)
	})

	stale := loaded // still at version 1
	stale.Step = "D9"
	stale.State = []byte(`{"lost": true}`)
	stale.UpdatedAt = at(6)
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, stale)
	})
	wantErr(t, "stale update", err, store.ErrConflict)
	want := first
	want.Version = 2
	sameRecord(t, "stored after the stale update", f.session(loaded.ID), want)
	if stored.Version != 2 {
		t.Errorf("first update returned Version %d, want 2", stored.Version)
	}
}

func testReactivate(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	done := f.end(f.startSession(owner.ID, 0), store.SessionCompleted, at(1))
	f.startSession(owner.ID, 0)
	done.Status, done.CompletedAt = store.SessionActive, time.Time{}
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, done)
	})
	wantErr(t, "reactivate", err, store.ErrConflict)
	if got := f.session(done.ID); got.Status != store.SessionCompleted || got.Version != done.Version {
		t.Errorf("after the failed reactivation: status %q version %d, want %q version %d",
			got.Status, got.Version, store.SessionCompleted, done.Version)
	}
}

func testUnknownSession(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	f.startSession(owner.ID, 0)
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.Session(ctx, unknownID)
	})
	wantErr(t, "Session", err, store.ErrNotFound)
	ghost := newSession(owner.ID, 0)
	ghost.ID, ghost.Version = unknownID, 1
	_, err = get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, ghost)
	})
	if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateSession of an unknown session: err = %v, want ErrConflict or ErrNotFound", err)
	}
}

func testSessionsBetween(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	company := f.company("山田製作所")
	create := func(minutes int) store.Session {
		s := newSession(advisor.ID, company.ID)
		s.Status, s.CreatedAt, s.UpdatedAt, s.CompletedAt = store.SessionCompleted, at(minutes), at(minutes), at(minutes+1)
		return must(f, "create session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
			return tx.CreateSession(ctx, s)
		})
	}
	s30, s10, s20, s20b, s40 := create(30), create(10), create(20), create(20), create(40)
	between := func(from, to time.Time) []store.Session {
		return must(f, "sessions between", func(ctx context.Context, tx store.Tx) ([]store.Session, error) {
			return tx.SessionsBetween(ctx, from, to)
		})
	}
	sameList(t, "[10, 40)", between(at(10), at(40)), []store.Session{s10, s20, s20b, s30})
	sameList(t, "[10+1µs, 40+1µs)", between(at(10).Add(time.Microsecond), at(40).Add(time.Microsecond)),
		[]store.Session{s20, s20b, s30, s40})
	sameList(t, "[20, 20+1µs)", between(at(20), at(20).Add(time.Microsecond)), []store.Session{s20, s20b})
	sameList(t, "[20 in UTC, 30 in UTC)", between(at(20).UTC(), at(30).UTC()), []store.Session{s20, s20b})
	if got := between(at(41), at(100)); len(got) != 0 {
		t.Errorf("sessions after the last one = %+v, want none", got)
	}
	if got := between(at(30), at(30)); len(got) != 0 {
		t.Errorf("an empty interval holds %+v, want none", got)
	}
}
