// Package migrate is the small migration runner both store backends share:
// numbered SQL files (0001_init.sql, …) embedded in the backend, applied in
// order, each in a transaction of its own, each exactly once. The backend
// supplies the dialect (how to list and apply) and its own locking.
package migrate

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Table creates the schema_migrations table, where a Target records the
// versions it applied, unless it exists. Both dialects accept it as it is:
// SQLite keeps applied_at as the text the backend writes.
const Table = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer     PRIMARY KEY,
	applied_at timestamptz NOT NULL
)`

// Target is a database the runner migrates.
type Target interface {
	// Applied creates the schema_migrations table if needed (Table) and
	// returns the versions recorded in it.
	Applied(ctx context.Context) ([]int, error)
	// Apply runs m and records its version in one transaction. It must do
	// nothing when m was recorded meanwhile by another process.
	Apply(ctx context.Context, m Migration) error
}

// Run applies, in order, every migration that t has not recorded yet.
func Run(ctx context.Context, t Target, ms []Migration) error {
	applied, err := t.Applied(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if slices.Contains(applied, m.Version) {
			continue
		}
		if err := t.Apply(ctx, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}

// Load reads dir/NNNN_name.sql from fsys, ordered by number. Two files with
// the same number, or a name without one, are an error.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, fmt.Errorf("migrate: list: %w", err)
	}
	var out []Migration
	for _, name := range names {
		m, err := read(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrate: %s and %s share a number", out[i-1].Name, out[i].Name)
		}
	}
	return out, nil
}

func read(fsys fs.FS, name string) (Migration, error) {
	base := path.Base(name)
	number, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(number)
	if !ok || err != nil || version <= 0 {
		return Migration{}, fmt.Errorf("migrate: %s: name must start with a number and _", base)
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Migration{}, fmt.Errorf("migrate: read %s: %w", base, err)
	}
	return Migration{Version: version, Name: base, SQL: string(body)}, nil
}
