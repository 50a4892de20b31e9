package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// Migrate applies, in order, every migration not yet recorded in
// schema_migrations, each in a transaction of its own. It is idempotent and
// safe to run from two processes at once.
func (db *DB) Migrate(ctx context.Context) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`
	if _, err := db.sql.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	for _, m := range migrations {
		if err := db.apply(ctx, m); err != nil {
			return fmt.Errorf("sqlite: migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// apply runs m unless it was applied already. The IMMEDIATE transaction
// holds the write lock, so checking and applying cannot interleave with
// another process doing the same.
func (db *DB) apply(ctx context.Context, m migration) error {
	sqlTx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = sqlTx.Rollback() }()
	var applied int
	err = sqlTx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&applied)
	if err != nil || applied > 0 {
		return err
	}
	if _, err := sqlTx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	_, err = sqlTx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.version, timeText(time.Now()))
	if err != nil {
		return err
	}
	return sqlTx.Commit()
}

// loadMigrations reads migrations/NNNN_name.sql, ordered by number.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("sqlite: list migrations: %w", err)
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
			return nil, fmt.Errorf("sqlite: migrations %s and %s share a number", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

func readMigration(name string) (migration, error) {
	base := path.Base(name)
	number, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(number)
	if !ok || err != nil || version <= 0 {
		return migration{}, fmt.Errorf("sqlite: migration %s: name must start with a number and _", base)
	}
	body, err := migrationFiles.ReadFile(name)
	if err != nil {
		return migration{}, fmt.Errorf("sqlite: read migration %s: %w", base, err)
	}
	return migration{version: version, name: base, sql: string(body)}, nil
}
