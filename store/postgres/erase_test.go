package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/storetest"
)

// TestEraseLeavesNoPersonalData erases a company and then reads the
// database directly: no table of the schema holds anything of it any more.
func TestEraseLeavesNoPersonalData(t *testing.T) {
	url := pgtest.NewDB(t, migrate)
	e := storetest.NewErasure(t, openURL(t, url))
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	e.CheckTables(t, dump(t, conn), false)
	e.Erase()
	e.CheckTables(t, dump(t, conn), true)
}

// dump reads every table of the schema but schema_migrations, every value
// cast to text.
func dump(t *testing.T, conn *pgx.Conn) []storetest.Table {
	t.Helper()
	names := texts(t, conn, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
		ORDER BY table_name`)
	if !slices.Contains(names, "owner_links") || !slices.Contains(names, "reminders") {
		t.Fatalf("tables %v: the schema is not there", names)
	}
	var tables []storetest.Table
	for _, name := range names {
		tb := storetest.Table{Name: name}
		tb.Columns = texts(t, conn, `
			SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1
			ORDER BY ordinal_position`, name)
		tb.Rows = dumpRows(t, conn, name, tb.Columns)
		tb.CompanyRefs = refs(t, conn, name, "companies")
		tb.PersonRefs = refs(t, conn, name, "people")
		if slices.Contains(tb.Columns, "company_id") && !slices.Contains(tb.CompanyRefs, "company_id") {
			tb.CompanyRefs = append(tb.CompanyRefs, "company_id")
		}
		tables = append(tables, tb)
	}
	return tables
}

func dumpRows(t *testing.T, conn *pgx.Conn, table string, columns []string) [][]string {
	t.Helper()
	casts := make([]string, len(columns))
	for i, c := range columns {
		casts[i] = "COALESCE(" + pgx.Identifier{c}.Sanitize() + "::text, '')"
	}
	rows, _ := conn.Query(t.Context(), "SELECT "+strings.Join(casts, ", ")+" FROM "+pgx.Identifier{table}.Sanitize())
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([]string, error) {
		values := make([]string, len(columns))
		ptrs := make([]any, len(values))
		for i := range values {
			ptrs[i] = &values[i]
		}
		return values, row.Scan(ptrs...)
	})
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	return out
}

// refs lists the columns of table that hold ids of target: its key, when
// table is target, and every foreign key to it.
func refs(t *testing.T, conn *pgx.Conn, table, target string) []string {
	t.Helper()
	cols := texts(t, conn, `
		SELECT a.attname::text
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
		WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND c.confrelid = $2::regclass`, table, target)
	if table == target {
		cols = append(cols, "id")
	}
	return cols
}

func texts(t *testing.T, conn *pgx.Conn, query string, args ...any) []string {
	t.Helper()
	rows, _ := conn.Query(t.Context(), query, args...)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}
