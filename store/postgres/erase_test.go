package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/storetest"
)

// TestEraseLeavesNoPersonalData erases a company and then reads the
// database directly: no table of the schema holds anything of it any more.
func TestEraseLeavesNoPersonalData(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDB(t, migrate)
	e := storetest.NewErasure(t, openURL(t, url))
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	e.CheckErased(t, schema{conn})
}

// schema reads the database over conn, for storetest.Dump.
type schema struct{ conn *pgx.Conn }

func (s schema) TableNames(t *testing.T) []string {
	return texts(t, s.conn, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
		ORDER BY table_name`)
}

// Rows reads every value cast to text.
func (s schema) Rows(t *testing.T, table string) ([]string, [][]string) {
	t.Helper()
	columns := texts(t, s.conn, `
		SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1
		ORDER BY ordinal_position`, table)
	casts := make([]string, len(columns))
	for i, c := range columns {
		casts[i] = "COALESCE(" + pgx.Identifier{c}.Sanitize() + "::text, '')"
	}
	rows, _ := s.conn.Query(t.Context(), "SELECT "+strings.Join(casts, ", ")+" FROM "+pgx.Identifier{table}.Sanitize())
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
	return columns, out
}

func (s schema) ForeignKeys(t *testing.T, table, target string) []string {
	return texts(t, s.conn, `
		SELECT a.attname::text
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
		WHERE c.contype = 'f' AND c.conrelid = $1::regclass AND c.confrelid = $2::regclass`, table, target)
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
