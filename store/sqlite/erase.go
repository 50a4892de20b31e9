package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// eraseSteps delete everything about one company, children before their
// parents. :company is the company, :owners and :sessions JSON arrays of the
// ids of its owners and of the sessions to delete (about the company, or
// answered by one of its owners).
var eraseSteps = []struct{ table, sql string }{
	{"reminders", `DELETE FROM reminders WHERE company_id = :company
		OR recipient_id IN (SELECT value FROM json_each(:owners))
		OR session_id IN (SELECT value FROM json_each(:sessions))`},
	{"answers", `DELETE FROM answers WHERE session_id IN (SELECT value FROM json_each(:sessions))
		OR by_person_id IN (SELECT value FROM json_each(:owners))`},
	{"commitments", `DELETE FROM commitments WHERE company_id = :company`},
	{"followups", `DELETE FROM followups WHERE company_id = :company`},
	{"referrals", `DELETE FROM referrals WHERE company_id = :company`},
	{"small_wins", `DELETE FROM small_wins WHERE company_id = :company`},
	{"invites", `DELETE FROM invites WHERE company_id = :company`},
	{"owner_links", `DELETE FROM owner_links WHERE company_id = :company`},
	{"sessions", `DELETE FROM sessions WHERE id IN (SELECT value FROM json_each(:sessions))`},
	{"identities", `DELETE FROM identities WHERE person_id IN (SELECT value FROM json_each(:owners))`},
	{"people", `DELETE FROM people WHERE id IN (SELECT value FROM json_each(:owners))`},
	{"assignments", `DELETE FROM assignments WHERE company_id = :company`},
	{"companies", `DELETE FROM companies WHERE id = :company`},
}

// EraseCompany deletes the company, its records and its owners, and returns
// the rows deleted per table (every table of eraseSteps, zero included).
func (t *tx) EraseCompany(ctx context.Context, companyID int64) (map[string]int64, error) {
	if err := t.exists(ctx, `SELECT count(*) FROM companies WHERE id = ?`, companyID); err != nil {
		return nil, fmt.Errorf("sqlite: erase company %d: %w", companyID, err)
	}
	owners, err := t.idList(ctx, `SELECT person_id FROM owner_links WHERE company_id = ?`, companyID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: erase company %d: owners: %w", companyID, err)
	}
	sessions, err := t.idList(ctx, `
		SELECT id FROM sessions
		WHERE company_id = ? OR respondent_id IN (SELECT value FROM json_each(?))`, companyID, owners)
	if err != nil {
		return nil, fmt.Errorf("sqlite: erase company %d: sessions: %w", companyID, err)
	}
	args := []any{sql.Named("company", companyID), sql.Named("owners", owners), sql.Named("sessions", sessions)}
	deleted := make(map[string]int64, len(eraseSteps))
	for _, step := range eraseSteps {
		n, err := affected(t.tx.ExecContext(ctx, step.sql, args...))
		if err != nil {
			return nil, fmt.Errorf("sqlite: erase company %d: %s: %w", companyID, step.table, err)
		}
		deleted[step.table] = n
	}
	return deleted, nil
}

// idList runs a query for ids and returns them as a JSON array, for
// json_each.
func (t *tx) idList(ctx context.Context, query string, args ...any) (string, error) {
	ids, err := queryAll(ctx, t, func(row rowScanner) (int64, error) {
		var id int64
		err := row.Scan(&id)
		return id, err
	}, query, args...)
	if err != nil {
		return "", err
	}
	list, err := json.Marshal(ids)
	return string(list), err
}
