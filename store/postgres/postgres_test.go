package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// migrate prepares the template database every test database is cloned from.
func migrate(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
}

// open returns a store on a fresh, migrated database.
func open(t *testing.T) store.Store {
	t.Helper()
	return openURL(t, pgtest.NewDB(t, migrate))
}

func openURL(t *testing.T, url string, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		return openURL(t, pgtest.NewDB(t, migrate), postgres.WithClock(now))
	})
}

// TestConcurrentMigrate is two replicas starting at once on an empty
// database: both succeed and every migration is applied once.
func TestConcurrentMigrate(t *testing.T) {
	t.Parallel()
	url := pgtest.EmptyDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			db, err := postgres.Open(t.Context(), url)
			if err == nil {
				err = errors.Join(db.Migrate(t.Context()), db.Close())
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	versions := appliedVersions(t, url)
	if !slices.Equal(versions, allVersions) {
		t.Errorf("schema_migrations holds %v, want %v", versions, allVersions)
	}
}

// allVersions are the numbers of the files in migrations/.
var allVersions = func() []int32 {
	entries, err := os.ReadDir("migrations")
	if err != nil {
		panic(err)
	}
	var out []int32
	for _, e := range entries {
		var n int32
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &n); err == nil {
			out = append(out, n)
		}
	}
	return out
}()

func appliedVersions(t *testing.T, url string) []int32 {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	return versions
}

// TestReopenKeepsData is a restart mid-conversation: what was committed is
// there after the store is closed and opened again.
func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDB(t, migrate)
	first := openURL(t, url)
	var made store.Session
	err := first.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: "山田", Locale: "ja", CreatedAt: time.Now()}, "line", "U1")
		if err != nil {
			return err
		}
		made, err = tx.CreateSession(ctx, store.Session{FlowID: "checkin", FlowVersion: 1, RespondentID: p.ID,
			Channel: "line", Status: store.SessionActive, Step: "C3", State: []byte(`{"step":"C3"}`),
			CreatedAt: time.Now(), UpdatedAt: time.Now()})
		return err
	})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := openURL(t, url)
	err = second.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, "line", "U1")
		if err != nil {
			return err
		}
		s, err := tx.ActiveSession(ctx, p.ID)
		if err == nil && (s.ID != made.ID || s.Step != "C3" || string(s.State) != `{"step":"C3"}`) {
			t.Errorf("after reopening: session %+v, want %+v", s, made)
		}
		return err
	})
	if err != nil {
		t.Fatalf("read after reopening: %v", err)
	}
	if got := appliedVersions(t, url); !slices.Equal(got, allVersions) {
		t.Errorf("schema_migrations after reopening holds %v, want %v", got, allVersions)
	}
}

// TestConflictKeepsTxUsable checks the package's promise that the expected
// misses and conflicts do not abort the PostgreSQL transaction: the caller
// may go on, e.g. look up what is already there.
func TestConflictKeepsTxUsable(t *testing.T) {
	t.Parallel()
	db := open(t)
	now := time.Now()
	err := db.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		owner := store.Person{Role: store.RoleOwner, Name: "山田", Locale: "ja", CreatedAt: now}
		p, err := tx.CreatePerson(ctx, owner, "line", "U1")
		if err != nil {
			return err
		}
		_, err = tx.CreatePerson(ctx, owner, "line", "U1")
		wantConflict(t, "CreatePerson", err)
		_, err = tx.CreateCompany(ctx, store.Company{Name: "丸一商店", CreatedAt: now})
		if err != nil {
			return err
		}
		_, err = tx.CreateCompany(ctx, store.Company{Name: "丸一商店", CreatedAt: now})
		wantConflict(t, "CreateCompany", err)
		s := store.Session{FlowID: "checkin", RespondentID: p.ID, Status: store.SessionActive, State: []byte(`{}`), CreatedAt: now, UpdatedAt: now}
		made, err := tx.CreateSession(ctx, s)
		if err != nil {
			return err
		}
		_, err = tx.CreateSession(ctx, s)
		wantConflict(t, "CreateSession", err)
		if _, err := tx.UpdateSession(ctx, made); err != nil {
			return err
		}
		_, err = tx.UpdateSession(ctx, made) // still version 1: stale
		wantConflict(t, "UpdateSession", err)
		if _, err := tx.MarkEvent(ctx, "ev", now); err != nil {
			return err
		}
		if fresh, err := tx.MarkEvent(ctx, "ev", now); err != nil || fresh {
			t.Errorf("duplicate MarkEvent = %v, %v; want false, nil", fresh, err)
		}
		_, err = tx.Person(ctx, 987654321)
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Person of an unknown id: err = %v, want ErrNotFound", err)
		}
		if _, err := tx.ActiveSession(ctx, p.ID); err != nil {
			return err
		}
		c, err := tx.CompanyByName(ctx, "丸一商店")
		if err != nil {
			return err
		}
		return keepsTxUsable(ctx, t, tx, p, c, now)
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// keepsTxUsable goes on with the expected conflicts of invites and
// reminders in a transaction that has already seen others.
func keepsTxUsable(ctx context.Context, t *testing.T, tx store.Tx, owner store.Person, c store.Company, now time.Time) error {
	inv, err := tx.CreateInvite(ctx, store.Invite{CodeHash: "h", CompanyID: c.ID, ExpiresAt: now})
	if err != nil {
		return err
	}
	_, err = tx.CreateInvite(ctx, store.Invite{CodeHash: "h", CompanyID: c.ID, ExpiresAt: now})
	wantConflict(t, "CreateInvite", err)
	if err := tx.UseInvite(ctx, inv.ID, owner.ID, now); err != nil {
		return err
	}
	wantConflict(t, "UseInvite", tx.UseInvite(ctx, inv.ID, owner.ID, now))
	r := store.Reminder{Kind: "checkin", RecipientID: owner.ID, DueAt: now, DedupeKey: "k", CreatedAt: now}
	for i, want := range []bool{true, false} {
		if fresh, err := tx.EnqueueReminder(ctx, r); err != nil || fresh != want {
			t.Errorf("EnqueueReminder #%d = %v, %v; want %v, nil", i+1, fresh, err, want)
		}
	}
	claimed, err := tx.ClaimReminders(ctx, now, time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		return fmt.Errorf("claimed %d reminders, %w", len(claimed), err)
	}
	stale := claimed[0]
	stale.Status, stale.Attempts = store.ReminderSent, 0
	wantConflict(t, "FinishReminder", tx.FinishReminder(ctx, stale))
	claimed[0].Status = store.ReminderSent
	return tx.FinishReminder(ctx, claimed[0])
}

func wantConflict(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("%s: err = %v, want ErrConflict", what, err)
	}
}

// TestLoserWaitsThenConflicts pins down the READ COMMITTED behaviour
// UpdateSession relies on: a transaction updating a session another one has
// just updated waits for that one's row lock, re-checks the version after
// the commit and reports ErrConflict.
func TestLoserWaitsThenConflicts(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDB(t, migrate)
	db := openURL(t, url)
	loaded := startSession(t, db)
	updated, release := make(chan struct{}), make(chan struct{})
	winner := make(chan error, 1)
	go func() {
		winner <- db.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
			s := loaded
			s.Step = "winner"
			_, err := tx.UpdateSession(ctx, s)
			close(updated)
			<-release
			return err
		})
	}()
	<-updated
	loser := make(chan error, 1)
	go func() {
		loser <- db.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
			s, err := tx.Session(ctx, loaded.ID) // the winner has not committed: still version 1
			if err != nil || s.Version != 1 {
				return fmt.Errorf("loser loaded version %d, %w", s.Version, err)
			}
			s.Step = "loser"
			_, err = tx.UpdateSession(ctx, s)
			return err
		})
	}()
	waitForLockWait(t, url)
	close(release)
	if err := <-winner; err != nil {
		t.Fatalf("winner: %v", err)
	}
	wantConflict(t, "loser", <-loser)
	var final store.Session
	err := db.InTx(t.Context(), func(ctx context.Context, tx store.Tx) (err error) {
		final, err = tx.Session(ctx, loaded.ID)
		return err
	})
	if err != nil || final.Version != 2 || final.Step != "winner" {
		t.Errorf("final session: version %d step %q (%v), want 2 and winner", final.Version, final.Step, err)
	}
}

func startSession(t *testing.T, db *postgres.DB) store.Session {
	t.Helper()
	var s store.Session
	err := db.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: "山田", Locale: "ja"}, "line", "U1")
		if err == nil {
			s, err = tx.CreateSession(ctx, store.Session{FlowID: "checkin", RespondentID: p.ID, Step: "C1"})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitForLockWait returns once a backend of the database at url waits for a
// lock.
func waitForLockWait(t *testing.T, url string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var waiting int
		err := conn.QueryRow(t.Context(), `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the loser never waited for the winner's row lock")
}
