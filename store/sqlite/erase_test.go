package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/bansou/bansou/store/storetest"
)

// TestEraseLeavesNoPersonalData erases a company and then reads the file
// directly: no table of the schema holds anything of it any more.
func TestEraseLeavesNoPersonalData(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bansou.db")
	e := storetest.NewErasure(t, open(t, path))
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })

	e.CheckErased(t, schema{raw})
}

// schema reads the file over db, for storetest.Dump.
type schema struct{ db *sql.DB }

func (s schema) TableNames(t *testing.T) []string {
	return texts(t, s.db, `
		SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name`)
}

// Rows reads every value as text.
func (s schema) Rows(t *testing.T, table string) ([]string, [][]string) {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), fmt.Sprintf(`SELECT * FROM %q`, table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		values := make([]any, len(columns))
		ptrs := make([]any, len(values))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(values))
		for i, v := range values {
			switch v := v.(type) {
			case nil:
			case []byte:
				row[i] = string(v)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return columns, out
}

func (s schema) ForeignKeys(t *testing.T, table, target string) []string {
	return texts(t, s.db, `SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = ?`, table, target)
}

func texts(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
