package main

import (
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
)

// TestTryKeepsOneClock runs a debrief in the terminal with the clock at
// tuesday: the bot and its store read the same clock, so every time the
// file holds — the migrations, the people, the company, the session and its
// answers, the inbound events — is tuesday, not the wall clock's.
func TestTryKeepsOneClock(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "bansou.db")
	if _, errOut, code := bansouAt(t, tuesday, quickDebrief, "try", "--db", db); code != 0 {
		t.Fatalf("try: exit %d: %s", code, errOut)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.QueryContext(t.Context(), `
		SELECT 'schema_migrations', applied_at FROM schema_migrations
		UNION SELECT 'people', created_at FROM people
		UNION SELECT 'companies', created_at FROM companies
		UNION SELECT 'sessions', created_at FROM sessions
		UNION SELECT 'sessions', updated_at FROM sessions
		UNION SELECT 'answers', at FROM answers
		UNION SELECT 'inbound_events', received_at FROM inbound_events
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var table, at string
		if err := rows.Scan(&table, &at); err != nil {
			t.Fatal(err)
		}
		if at != "2026-11-24T01:00:00.000000Z" {
			t.Errorf("%s holds the time %s, want tuesday (2026-11-24T01:00:00Z) from the one clock", table, at)
		}
		tables = append(tables, table)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"schema_migrations", "people", "companies", "sessions", "answers"} {
		if !slices.Contains(tables, want) {
			t.Errorf("no time in %s; the debrief should have written there (found %v)", want, tables)
		}
	}
}
