package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bansou/bansou/store/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLock is the advisory lock key Migrate holds: "bansou" in ASCII.
const migrateLock int64 = 0x62616e736f75

// Migrate applies, in order, every migration not yet recorded in
// schema_migrations, each in a transaction of its own. It holds a session
// advisory lock throughout, so processes migrating at once take turns and
// each migration is applied exactly once.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
		return fmt.Errorf("postgres: migrate: lock: %w", err)
	}
	err = migrate.Run(ctx, migrationTarget{conn.Conn()}, ms)
	if err != nil {
		err = fmt.Errorf("postgres: %w", err)
	}
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

// migrationTarget is the PostgreSQL dialect of the shared runner; the
// caller holds the advisory lock.
type migrationTarget struct{ conn *pgx.Conn }

func (t migrationTarget) Applied(ctx context.Context) ([]int, error) {
	if _, err := t.conn.Exec(ctx, migrate.Table); err != nil {
		return nil, err
	}
	rows, _ := t.conn.Query(ctx, `SELECT version FROM schema_migrations`)
	return pgx.CollectRows(rows, pgx.RowTo[int])
}

// Apply runs m and records it in one transaction.
func (t migrationTarget) Apply(ctx context.Context, m migrate.Migration) error {
	return pgx.BeginFunc(ctx, t.conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, m.SQL); err != nil { // no arguments: simple protocol, several statements
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())`, m.Version)
		return err
	})
}
