package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// eraseSteps delete everything about one company, children before their
// parents. @company is the company, @owners and @sessions the ids of its
// owners and of the sessions to delete (about the company, or answered by
// one of its owners).
var eraseSteps = []struct{ table, sql string }{
	{"reminders", `DELETE FROM reminders WHERE company_id = @company
		OR recipient_id = ANY (@owners::bigint[]) OR session_id = ANY (@sessions::bigint[])`},
	{"answers", `DELETE FROM answers WHERE session_id = ANY (@sessions::bigint[])
		OR by_person_id = ANY (@owners::bigint[])`},
	{"commitments", `DELETE FROM commitments WHERE company_id = @company`},
	{"followups", `DELETE FROM followups WHERE company_id = @company`},
	{"referrals", `DELETE FROM referrals WHERE company_id = @company`},
	{"small_wins", `DELETE FROM small_wins WHERE company_id = @company`},
	{"invites", `DELETE FROM invites WHERE company_id = @company`},
	{"owner_links", `DELETE FROM owner_links WHERE company_id = @company`},
	{"sessions", `DELETE FROM sessions WHERE id = ANY (@sessions::bigint[])`},
	{"identities", `DELETE FROM identities WHERE person_id = ANY (@owners::bigint[])`},
	{"people", `DELETE FROM people WHERE id = ANY (@owners::bigint[])`},
	{"assignments", `DELETE FROM assignments WHERE company_id = @company`},
	{"companies", `DELETE FROM companies WHERE id = @company`},
}

// EraseCompany deletes the company, its records and its owners, and returns
// the rows deleted per table (every table of eraseSteps, zero included). It
// locks the company row first, so two erasures of one company take turns
// and the second finds nothing.
func (t *tx) EraseCompany(ctx context.Context, companyID int64) (map[string]int64, error) {
	op := fmt.Sprintf("erase company %d", companyID)
	var locked int64
	err := t.tx.QueryRow(ctx, `SELECT id FROM companies WHERE id = $1 FOR UPDATE`, companyID).Scan(&locked)
	if err != nil {
		return nil, storeErr(op, err)
	}
	var owners, sessions []int64
	err = t.tx.QueryRow(ctx, `
		WITH owners AS (SELECT person_id AS id FROM owner_links WHERE company_id = $1)
		SELECT ARRAY(SELECT id FROM owners ORDER BY id),
			ARRAY(SELECT id FROM sessions
				WHERE company_id = $1 OR respondent_id IN (SELECT id FROM owners) ORDER BY id)`,
		companyID).Scan(&owners, &sessions)
	if err != nil {
		return nil, storeErr(op, err)
	}
	args := pgx.NamedArgs{"company": companyID, "owners": owners, "sessions": sessions}
	deleted := make(map[string]int64, len(eraseSteps))
	for _, step := range eraseSteps {
		tag, err := t.tx.Exec(ctx, step.sql, args)
		if err != nil {
			return nil, storeErr(op+": "+step.table, err)
		}
		deleted[step.table] = tag.RowsAffected()
	}
	return deleted, nil
}
