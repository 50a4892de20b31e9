package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testStore(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a fresh store answers Ping", func(t *testing.T) {
		f := setup(t, open)
		if err := f.s.Ping(f.ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
	t.Run("after Close the store no longer answers", func(t *testing.T) {
		f := setup(t, open)
		if err := f.s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := f.s.Ping(f.ctx); err == nil {
			t.Errorf("Ping after Close: err = nil, want an error")
		}
	})
}

func testInTx(t *testing.T, open opener) {
	t.Parallel()
	t.Run("committed work is seen by the next transaction", func(t *testing.T) {
		f := setup(t, open)
		p := store.Person{Role: store.RoleAdvisor, Name: "佐藤", Locale: "ja", CreatedAt: at(0)}
		made := must(f, "create", func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.CreatePerson(ctx, p, "slack", "U1")
		})
		got := must(f, "read", func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.PersonByIdentity(ctx, "slack", "U1")
		})
		if got.ID != made.ID {
			t.Errorf("read person %d, want %d", got.ID, made.ID)
		}
	})
	t.Run("a transaction sees its own writes", func(t *testing.T) {
		f := setup(t, open)
		f.do("create then read", func(ctx context.Context, tx store.Tx) error {
			c, err := tx.CreateCompany(ctx, store.Company{Name: "丸一商店", CreatedAt: at(0)})
			if err != nil {
				return err
			}
			got, err := tx.Company(ctx, c.ID)
			if err == nil && got.Name != c.Name {
				err = fmt.Errorf("read company %q, want %q", got.Name, c.Name)
			}
			return err
		})
	})
	t.Run("an error rolls everything back and comes back as is", func(t *testing.T) {
		testRollback(t, open)
	})
	t.Run("a wrapped ErrConflict keeps its identity", func(t *testing.T) {
		f := setup(t, open)
		err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
			return fmt.Errorf("engine: %w", store.ErrConflict)
		})
		wantErr(t, "InTx", err, store.ErrConflict)
	})
}

func testRollback(t *testing.T, open opener) {
	f := setup(t, open)
	boom := errors.New("boom")
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		p := store.Person{Role: store.RoleOwner, Name: "鈴木", Locale: "ja", CreatedAt: at(0)}
		if _, err := tx.CreatePerson(ctx, p, "line", "L1"); err != nil {
			return err
		}
		if _, err := tx.CreateCompany(ctx, store.Company{Name: "鈴木工務店", CreatedAt: at(0)}); err != nil {
			return err
		}
		if _, err := tx.MarkEvent(ctx, "ev-rollback", at(0)); err != nil {
			return err
		}
		return fmt.Errorf("after the writes: %w", boom)
	})
	wantErr(t, "InTx", err, boom)
	_, err = get(f, func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.PersonByIdentity(ctx, "line", "L1")
	})
	wantErr(t, "person created in the rolled-back transaction", err, store.ErrNotFound)
	_, err = get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CompanyByName(ctx, "鈴木工務店")
	})
	wantErr(t, "company created in the rolled-back transaction", err, store.ErrNotFound)
	fresh := must(f, "mark again", func(ctx context.Context, tx store.Tx) (bool, error) {
		return tx.MarkEvent(ctx, "ev-rollback", at(1))
	})
	if !fresh {
		t.Errorf("event marked in the rolled-back transaction: fresh = false, want true")
	}
}

func testEvents(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a first delivery is fresh, a duplicate is not", func(t *testing.T) {
		f := setup(t, open)
		if !f.mark("ev-1", at(0)) {
			t.Errorf("first MarkEvent: fresh = false, want true")
		}
		if f.mark("ev-1", at(1)) {
			t.Errorf("duplicate MarkEvent: fresh = true, want false")
		}
		if !f.mark("ev-2", at(1)) {
			t.Errorf("another event: fresh = false, want true")
		}
	})
	t.Run("a sweep deletes only events received before the cutoff", func(t *testing.T) {
		testSweep(t, open)
	})
}

func testSweep(t *testing.T, open opener) {
	f := setup(t, open)
	cutoff := at(0)
	f.mark("old", at(-48*60))
	f.mark("at-cutoff", cutoff)
	f.mark("recent", cutoff.Add(time.Second))
	n, err := f.s.SweepEvents(f.ctx, cutoff)
	if err != nil || n != 1 {
		t.Fatalf("SweepEvents = %d, %v; want 1, nil", n, err)
	}
	if n, err := f.s.SweepEvents(f.ctx, cutoff); err != nil || n != 0 {
		t.Errorf("second SweepEvents = %d, %v; want 0, nil", n, err)
	}
	if !f.mark("old", at(1)) {
		t.Errorf("swept event marked again: fresh = false, want true")
	}
	for _, id := range []string{"at-cutoff", "recent"} {
		if f.mark(id, at(1)) {
			t.Errorf("kept event %q marked again: fresh = true, want false", id)
		}
	}
}

func (f *fixture) mark(id string, when time.Time) bool {
	f.t.Helper()
	return must(f, "mark "+id, func(ctx context.Context, tx store.Tx) (bool, error) {
		return tx.MarkEvent(ctx, id, when)
	})
}
