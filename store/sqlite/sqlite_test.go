package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
	"github.com/bansou/bansou/store/storetest"
)

func open(t *testing.T, path string, opts ...sqlite.Option) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, now func() time.Time) store.Store {
		return open(t, filepath.Join(t.TempDir(), "bansou.db"), sqlite.WithClock(now))
	})
}

// TestMigrateIsIdempotent migrates an up-to-date file twice more: the
// schema and the record of applied migrations stay as they were, and every
// migration file is recorded once.
func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bansou.db")
	db := open(t, path) // migrates
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	schema, applied := schemaDump(t, raw), texts(t, raw, `SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version`)
	if len(applied) != len(migrationFiles(t)) {
		t.Fatalf("after the first migration schema_migrations holds %v; there are %d files", applied, len(migrationFiles(t)))
	}
	for range 2 {
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	if again := schemaDump(t, raw); !slices.Equal(again, schema) {
		t.Errorf("migrating again changed the schema:\n%s\nwas\n%s", strings.Join(again, "\n"), strings.Join(schema, "\n"))
	}
	if again := texts(t, raw, `SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version`); !slices.Equal(again, applied) {
		t.Errorf("migrating again changed schema_migrations: %v, was %v", again, applied)
	}
}

// TestMigrationsAreStampedByTheStoreClock opens a new file on a fixed
// clock: every migration is recorded as applied at the clock's time.
func TestMigrationsAreStampedByTheStoreClock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bansou.db")
	instant := time.Date(2026, 3, 14, 18, 26, 53, 0, time.FixedZone("JST", 9*60*60))
	open(t, path, sqlite.WithClock(func() time.Time { return instant }))
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	stamps := texts(t, raw, `SELECT DISTINCT applied_at FROM schema_migrations`)
	if want := []string{"2026-03-14T09:26:53.000000Z"}; !slices.Equal(stamps, want) {
		t.Errorf("migrations applied at %v, want %v (the store's clock, in UTC)", stamps, want)
	}
}

// schemaDump is every object of the schema with its SQL, in order.
func schemaDump(t *testing.T, db *sql.DB) []string {
	t.Helper()
	out := texts(t, db, `SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if len(out) == 0 {
		t.Fatal("the schema is empty")
	}
	return out
}

// migrationFiles are the files in migrations/.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(names) == 0 {
		t.Fatalf("migrations/: %v, %v", names, err)
	}
	return names
}

func TestReopenKeepsData(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a dir with spaces?", "bansou.db")
	if err := mkdirFor(path); err != nil {
		t.Fatal(err)
	}
	first, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	created := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	err = first.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateCompany(ctx, store.Company{Name: "株式会社やまと製菓", CreatedAt: created})
		return err
	})
	if err != nil {
		t.Fatalf("CreateCompany: %v", err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := open(t, path)
	var got store.Company
	err = second.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		got, err = tx.CompanyByName(ctx, "株式会社やまと製菓")
		return err
	})
	if err != nil || !got.CreatedAt.Equal(created) {
		t.Errorf("after reopening: %+v, %v; want the company created before", got, err)
	}
}

func mkdirFor(path string) error {
	return os.MkdirAll(filepath.Dir(path), 0o755)
}
