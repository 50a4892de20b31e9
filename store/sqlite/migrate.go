package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"time"

	"github.com/bansou/bansou/store/internal/migrate"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrate applies, in order, every migration not yet recorded in
// schema_migrations, each in a transaction of its own. It is idempotent and
// safe to run from two processes at once: each migration's IMMEDIATE
// transaction holds the write lock while it checks and applies.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrationFiles, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if err := migrate.Run(ctx, migrationTarget{db: db.sql, now: db.clock}, ms); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return nil
}

// migrationTarget is the SQLite dialect of the shared runner; now stamps
// applied_at.
type migrationTarget struct {
	db  *sql.DB
	now func() time.Time
}

func (t migrationTarget) Applied(ctx context.Context) ([]int, error) {
	if _, err := t.db.ExecContext(ctx, migrate.Table); err != nil {
		return nil, err
	}
	rows, err := t.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var versions []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	return versions, rows.Err()
}

// Apply re-checks inside its transaction, since another process may have
// applied m between Applied and now.
func (t migrationTarget) Apply(ctx context.Context, m migrate.Migration) error {
	tx, err := t.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	var applied int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&applied)
	if err != nil || applied > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.Version, timeText(t.now()))
	if err != nil {
		return err
	}
	return tx.Commit()
}
