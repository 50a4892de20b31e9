package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
	"github.com/bansou/bansou/store/storetest"
)

func open(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
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
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "bansou.db"))
	})
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "bansou.db"))
	for range 2 {
		if err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
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
