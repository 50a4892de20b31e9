package digest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func migrate(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
}

// The production store gives the same digest, to the character, as the
// embedded one.
func TestPostgresGivesTheSameDigest(t *testing.T) {
	t.Parallel()
	db, err := postgres.Open(t.Context(), pgtest.NewDB(t, migrate))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	seed(t, db, monday)
	got := build(t, db, monday, digest.Thresholds{}).Text("ja")
	want, err := os.ReadFile(filepath.Join("testdata", "digest.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("PostgreSQL digest differs from testdata/digest.golden:\n%s", got)
	}
}
