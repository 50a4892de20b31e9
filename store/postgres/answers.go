package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

const answerCols = `a.session_id, a.step_id, a.revision, a.value, a.raw, a.skipped, a.tag, a.sensitive,
	COALESCE(a.by_person_id, 0), a.at`

func scanAnswer(row pgx.CollectableRow) (store.Answer, error) {
	var a store.Answer
	err := row.Scan(&a.SessionID, &a.StepID, &a.Revision, &a.Value, &a.Raw, &a.Skipped, &a.Tag, &a.Sensitive,
		&a.ByPersonID, &a.At)
	return a, err
}

// AddAnswer inserts the next revision of (SessionID, StepID) and, for an
// edit, its audit entry, in one statement. Two transactions adding the same
// revision at once: the second fails with store.ErrConflict.
func (t *tx) AddAnswer(ctx context.Context, a store.Answer) (store.Answer, error) {
	a.At = t.orNow(a.At)
	var revision int
	err := t.tx.QueryRow(ctx, `
		WITH answer AS (
			INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at)
			SELECT $1, $2, COALESCE(max(revision), 0) + 1, $3, $4, $5, $6, $7, $8, $9
			FROM answers WHERE session_id = $1 AND step_id = $2
			RETURNING session_id, step_id, revision, by_person_id, at
		), edit AS (
			INSERT INTO audit_log (actor_id, action, subject, detail, at)
			SELECT by_person_id, 'answer.edit', 'session:' || session_id || '/step:' || step_id,
				'revision ' || revision, at
			FROM answer WHERE revision > 1
		)
		SELECT revision FROM answer`,
		a.SessionID, a.StepID, a.Value, a.Raw, a.Skipped, a.Tag, a.Sensitive, sqlval.NullID(a.ByPersonID), a.At,
	).Scan(&revision)
	if err != nil {
		return store.Answer{}, storeErr("add answer", err)
	}
	a.Revision = revision
	return a, nil
}

func (t *tx) Answers(ctx context.Context, sessionID int64) ([]store.Answer, error) {
	as, err := queryAll(ctx, t, scanAnswer, `
		SELECT `+answerCols+` FROM answers a
		WHERE a.session_id = $1
		ORDER BY a.step_id, a.revision`, sessionID)
	return as, storeErr("answers", err)
}

// LatestTagged starts from the company's completed sessions and takes the
// newest tagged answer of each (answers_session_tag), so its cost follows
// the company's own history, not the whole table's.
func (t *tx) LatestTagged(ctx context.Context, companyID int64, tag string) (store.Answer, error) {
	a, err := queryOne(ctx, t, scanAnswer, `
		SELECT `+answerCols+`
		FROM sessions s CROSS JOIN LATERAL (
			SELECT * FROM answers
			WHERE session_id = s.id AND tag = $2
			ORDER BY at DESC, revision DESC
			LIMIT 1
		) a
		WHERE s.company_id = $1 AND s.status = 'completed'
		ORDER BY a.at DESC, a.session_id DESC, a.revision DESC
		LIMIT 1`, companyID, tag)
	return a, storeErr("latest tagged", err)
}

func (t *tx) AddAudit(ctx context.Context, e store.AuditEntry) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO audit_log (actor_id, action, subject, detail, at) VALUES ($1, $2, $3, $4, $5)`,
		sqlval.NullID(e.ActorID), e.Action, e.Subject, e.Detail, t.orNow(e.At))
	return storeErr("add audit", err)
}

func scanAudit(row pgx.CollectableRow) (store.AuditEntry, error) {
	var e store.AuditEntry
	err := row.Scan(&e.ID, &e.ActorID, &e.Action, &e.Subject, &e.Detail, &e.At)
	return e, err
}

func (t *tx) Audit(ctx context.Context, subject string) ([]store.AuditEntry, error) {
	es, err := queryAll(ctx, t, scanAudit, `
		SELECT id, COALESCE(actor_id, 0), action, subject, detail, at FROM audit_log
		WHERE subject = $1
		ORDER BY at, id`, subject)
	return es, storeErr("audit", err)
}
