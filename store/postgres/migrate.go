package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLock is the advisory lock key Migrate holds: "bansou" in ASCII.
const migrateLock int64 = 0x62616e736f75

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// Migrate applies, in order, every migration not yet recorded in
// schema_migrations, each in a transaction of its own. It holds a session
// advisory lock throughout, so processes migrating at once take turns and
// each migration is applied exactly once.
func (db *DB) Migrate(ctx context.Context) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	err = applyAll(ctx, conn.Conn(), migrations)
	return errors.Join(err, unlock(ctx, conn))
}

// unlock releases the migration lock. A connection that may still hold it
// is closed rather than returned to the pool.
func unlock(ctx context.Context, conn *pgxpool.Conn) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrateLock); err != nil {
		_ = conn.Hijack().Close(ctx)
		return fmt.Errorf("postgres: migrate: unlock: %w", err)
	}
	return nil
}

// applyAll applies the migrations that are not recorded yet; the caller
// holds the lock.
func applyAll(ctx context.Context, conn *pgx.Conn, migrations []migration) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL
	)`
	if _, err := conn.Exec(ctx, create); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	rows, _ := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	applied, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, m := range migrations {
		if slices.Contains(applied, int32(m.version)) {
			continue
		}
		if err := apply(ctx, conn, m); err != nil {
			return fmt.Errorf("postgres: migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// apply runs m and records it in one transaction.
func apply(ctx context.Context, conn *pgx.Conn, m migration) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, m.sql); err != nil { // no arguments: simple protocol, several statements
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())`, m.version)
		return err
	})
}

// loadMigrations reads migrations/NNNN_name.sql, ordered by number.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("postgres: list migrations: %w", err)
	}
	var out []migration
	for _, name := range names {
		m, err := readMigration(name)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("postgres: migrations %s and %s share a number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

func readMigration(name string) (migration, error) {
	base := path.Base(name)
	number, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(number)
	if !ok || err != nil || version <= 0 {
		return migration{}, fmt.Errorf("postgres: migration %s: name must start with a number and _", base)
	}
	body, err := migrationFiles.ReadFile(name)
	if err != nil {
		return migration{}, fmt.Errorf("postgres: read migration %s: %w", base, err)
	}
	return migration{version: version, name: base, sql: string(body)}, nil
}
