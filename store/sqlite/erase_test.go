package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bansou/bansou/store/storetest"
)

// TestEraseLeavesNoPersonalData erases a company and then reads the file
// directly: no table of the schema holds anything of it any more.
func TestEraseLeavesNoPersonalData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bansou.db")
	e := storetest.NewErasure(t, open(t, path))
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })

	e.CheckTables(t, dump(t, raw), false)
	e.Erase()
	e.CheckTables(t, dump(t, raw), true)
}

// dump reads every table but schema_migrations, every value as text.
func dump(t *testing.T, db *sql.DB) []storetest.Table {
	t.Helper()
	names := texts(t, db, `
		SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name`)
	if !slices.Contains(names, "owner_links") || !slices.Contains(names, "reminders") {
		t.Fatalf("tables %v: the schema is not there", names)
	}
	var tables []storetest.Table
	for _, name := range names {
		tb := storetest.Table{Name: name}
		dumpRows(t, db, &tb)
		tb.CompanyRefs = refs(t, db, name, "companies")
		tb.PersonRefs = refs(t, db, name, "people")
		if slices.Contains(tb.Columns, "company_id") && !slices.Contains(tb.CompanyRefs, "company_id") {
			tb.CompanyRefs = append(tb.CompanyRefs, "company_id")
		}
		tables = append(tables, tb)
	}
	return tables
}

func dumpRows(t *testing.T, db *sql.DB, tb *storetest.Table) {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), fmt.Sprintf(`SELECT * FROM %q`, tb.Name))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if tb.Columns, err = rows.Columns(); err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		values := make([]any, len(tb.Columns))
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
		tb.Rows = append(tb.Rows, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// refs lists the columns of table that hold ids of target: its key, when
// table is target, and every foreign key to it.
func refs(t *testing.T, db *sql.DB, table, target string) []string {
	t.Helper()
	cols := texts(t, db, `SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" = ?`, table, target)
	if table == target {
		cols = append(cols, "id")
	}
	return cols
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
