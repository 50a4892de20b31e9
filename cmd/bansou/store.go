package main

import (
	"context"
	"strings"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/sqlite"
)

// defaultDB is the embedded store used when nothing is configured.
const defaultDB = "./bansou.db"

// openStore selects the backend: a postgres:// or postgresql:// URL selects
// PostgreSQL (opened with pgOpts), anything else is a SQLite file path. Both
// migrate on open, and stamp with now what comes without a time.
func openStore(ctx context.Context, url string, now func() time.Time, pgOpts ...postgres.Option) (store.Store, error) {
	if url == "" {
		url = defaultDB
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return postgres.Open(ctx, url, append([]postgres.Option{postgres.WithClock(now)}, pgOpts...)...)
	}
	return sqlite.Open(ctx, url, sqlite.WithClock(now))
}

// dbURL picks the flag, then BANSOU_DATABASE_URL, then the default.
func dbURL(flag string, getenv func(string) string) string {
	for _, v := range []string{flag, getenv("BANSOU_DATABASE_URL")} {
		if v != "" {
			return v
		}
	}
	return defaultDB
}
