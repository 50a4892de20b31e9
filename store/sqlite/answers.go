package sqlite

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

// AddAnswer stores the next revision of (a.SessionID, a.StepID). An edit
// (revision > 1) is audited without the answer's text.
func (t *tx) AddAnswer(ctx context.Context, a store.Answer) (store.Answer, error) {
	err := t.tx.QueryRowContext(ctx, `
		SELECT coalesce(max(revision), 0) + 1 FROM answers WHERE session_id = ? AND step_id = ?`,
		a.SessionID, a.StepID).Scan(&a.Revision)
	if err != nil {
		return store.Answer{}, fmt.Errorf("sqlite: add answer: %w", err)
	}
	a.At = t.orNow(a.At)
	_, err = t.tx.ExecContext(ctx, `
		INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.SessionID, a.StepID, a.Revision, a.Value, a.Raw, a.Skipped, a.Tag, a.Sensitive,
		sqlval.NullID(a.ByPersonID), timeText(a.At))
	if err != nil {
		return store.Answer{}, fmt.Errorf("sqlite: add answer: %w", storeErr(err))
	}
	if a.Revision > 1 {
		if err := t.AddAudit(ctx, editEntry(a)); err != nil {
			return store.Answer{}, fmt.Errorf("sqlite: add answer: %w", err)
		}
	}
	return a, nil
}

// editEntry is the audit entry for an edited answer: who, where, which
// revision — never the text.
func editEntry(a store.Answer) store.AuditEntry {
	return store.AuditEntry{
		ActorID: a.ByPersonID,
		Action:  "answer.edit",
		Subject: fmt.Sprintf("session:%d/step:%s", a.SessionID, a.StepID),
		Detail:  fmt.Sprintf("revision %d", a.Revision),
		At:      a.At,
	}
}

// Answers lists every revision of the session's answers by step, then
// revision.
func (t *tx) Answers(ctx context.Context, sessionID int64) ([]store.Answer, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at
		FROM answers WHERE session_id = ?
		ORDER BY step_id, revision`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: answers of session %d: %w", sessionID, err)
	}
	answers, err := collect(rows, scanAnswer)
	if err != nil {
		return nil, fmt.Errorf("sqlite: answers of session %d: %w", sessionID, err)
	}
	return answers, nil
}

// LatestTagged returns the newest answer tagged tag in a completed session
// about the company.
func (t *tx) LatestTagged(ctx context.Context, companyID int64, tag string) (store.Answer, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT a.session_id, a.step_id, a.revision, a.value, a.raw, a.skipped, a.tag, a.sensitive,
		       a.by_person_id, a.at
		FROM answers a JOIN sessions s ON s.id = a.session_id
		WHERE s.company_id = ? AND s.status = 'completed' AND a.tag = ?
		ORDER BY a.at DESC, a.session_id DESC, a.revision DESC
		LIMIT 1`, companyID, tag)
	a, err := scanAnswer(row)
	if err != nil {
		return store.Answer{}, fmt.Errorf("sqlite: latest %s of company %d: %w", tag, companyID, storeErr(err))
	}
	return a, nil
}

func scanAnswer(row rowScanner) (store.Answer, error) {
	var a store.Answer
	err := row.Scan(&a.SessionID, &a.StepID, &a.Revision, &a.Value, &a.Raw, &a.Skipped, &a.Tag,
		&a.Sensitive, idCol{&a.ByPersonID}, timeCol{&a.At})
	return a, err
}
