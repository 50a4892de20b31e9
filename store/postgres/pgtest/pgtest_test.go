package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// createMarker is a template setup that leaves a table behind.
func createMarker(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE TABLE marker (id int PRIMARY KEY)")
	return err
}

func TestNewDBIsACopyOfTheTemplate(t *testing.T) {
	for range 2 { // the second database must not see the first one's row
		url := pgtest.NewDB(t, createMarker)
		conn, err := pgx.Connect(t.Context(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(t.Context(), "INSERT INTO marker VALUES (1)"); err != nil {
			t.Fatalf("insert into the cloned template: %v", err)
		}
	}
}

func TestDurableServerSettings(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) != "" {
		t.Skipf("%s is set: the server's settings are its own", pgtest.EnvURL)
	}
	srv := pgtest.StartServer(t, pgtest.Durable)
	conn, err := pgx.Connect(t.Context(), srv.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var fsync, sync string
	err = conn.QueryRow(t.Context(), "SELECT current_setting('fsync'), current_setting('synchronous_commit')").Scan(&fsync, &sync)
	if err != nil {
		t.Fatal(err)
	}
	if fsync != "on" || sync != "on" {
		t.Errorf("fsync = %s, synchronous_commit = %s; want on, on", fsync, sync)
	}
}

// A restart ends the sessions of the moment; new connections work again.
func TestRestart(t *testing.T) {
	if os.Getenv(pgtest.EnvURL) != "" {
		t.Skip("restart needs a local cluster, not " + pgtest.EnvURL)
	}
	s := pgtest.StartServer(t, pgtest.Fast)
	url := s.CreateDB(t, "")
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := conn.Ping(ctx); err == nil {
		t.Error("a connection from before the restart still answers")
	}
	again, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	defer again.Close(context.Background())
	if err := again.Ping(ctx); err != nil {
		t.Errorf("a new connection after the restart: %v", err)
	}
}
