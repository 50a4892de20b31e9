package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// fixture is one story's fresh store and the helpers that fill it.
type fixture struct {
	t   *testing.T
	s   store.Store
	ctx context.Context
	seq int // makes fixture identities unique
}

func setup(t *testing.T, open opener) *fixture {
	t.Helper()
	return &fixture{t: t, s: open(t, time.Now), ctx: t.Context()}
}

// at is the suite's clock: minutes after a fixed instant given in JST with
// nanoseconds, so a backend must normalise both zone and precision.
func at(minutes int) time.Time {
	jst := time.FixedZone("JST", 9*60*60)
	start := time.Date(2026, 3, 14, 9, 26, 53, 123456789, jst)
	return start.Add(time.Duration(minutes) * time.Minute)
}

// txFunc is one piece of work done inside a transaction.
type txFunc[T any] func(ctx context.Context, tx store.Tx) (T, error)

// get runs fn in a transaction of its own and returns what it returned.
func get[T any](f *fixture, fn txFunc[T]) (T, error) {
	var out T
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		v, err := fn(ctx, tx)
		out = v
		return err
	})
	return out, err
}

// must is get for work that has to succeed.
func must[T any](f *fixture, what string, fn txFunc[T]) T {
	f.t.Helper()
	v, err := get(f, fn)
	if err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// do runs fn in a transaction of its own; it has to succeed.
func (f *fixture) do(what string, fn func(ctx context.Context, tx store.Tx) error) {
	f.t.Helper()
	if err := f.s.InTx(f.ctx, fn); err != nil {
		f.t.Fatalf("%s: %v", what, err)
	}
}

// wantErr fails the story unless errors.Is(err, target).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", what, err, target)
	}
}

// person creates a person linked to a fresh console identity.
func (f *fixture) person(role store.Role, name string) store.Person {
	f.t.Helper()
	f.seq++
	ext := fmt.Sprintf("fixture-%d", f.seq)
	p := store.Person{Role: role, Name: name, Locale: "ja", CreatedAt: at(0)}
	return must(f, "create person "+name, func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.CreatePerson(ctx, p, "console", ext)
	})
}

func (f *fixture) company(name string) store.Company {
	f.t.Helper()
	c := store.Company{Name: name, Industry: "製造業", Stage: "growth", Municipality: "富山市", CreatedAt: at(0)}
	return must(f, "create company "+name, func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CreateCompany(ctx, c)
	})
}

// newSession is an active debrief session as the engine would start it.
func newSession(respondentID, companyID int64) store.Session {
	return store.Session{
		FlowID:       "visit",
		FlowVersion:  3,
		Mode:         "debrief",
		CompanyID:    companyID,
		RespondentID: respondentID,
		Channel:      "slack",
		Status:       store.SessionActive,
		Step:         "D1",
		State:        []byte(`{"cursor": "D1", "メモ": "次回は金曜に訪問"}`),
		CreatedAt:    at(0),
		UpdatedAt:    at(0),
	}
}

func (f *fixture) startSession(respondentID, companyID int64) store.Session {
	f.t.Helper()
	s := newSession(respondentID, companyID)
	return must(f, "create session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.CreateSession(ctx, s)
	})
}

// end moves s to status (completed, cancelled or expired) at when.
func (f *fixture) end(s store.Session, status store.SessionStatus, when time.Time) store.Session {
	f.t.Helper()
	s.Status, s.UpdatedAt, s.CompletedAt = status, when, when
	return must(f, "end session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, s)
	})
}

// answer adds a revision of step in s.
func (f *fixture) answer(s store.Session, by int64, step, value, tag string, when time.Time) store.Answer {
	f.t.Helper()
	a := store.Answer{SessionID: s.ID, StepID: step, Value: value, Raw: value, Tag: tag, ByPersonID: by, At: when}
	return must(f, "add answer", func(ctx context.Context, tx store.Tx) (store.Answer, error) {
		return tx.AddAnswer(ctx, a)
	})
}

func (f *fixture) session(id int64) store.Session {
	f.t.Helper()
	return must(f, "read session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.Session(ctx, id)
	})
}

func (f *fixture) answers(sessionID int64) []store.Answer {
	f.t.Helper()
	return must(f, "read answers", func(ctx context.Context, tx store.Tx) ([]store.Answer, error) {
		return tx.Answers(ctx, sessionID)
	})
}

// unknownID is an id no story creates.
const unknownID int64 = 987654321
