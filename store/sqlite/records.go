package sqlite

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

func (t *tx) AddCommitment(ctx context.Context, c store.Commitment) (store.Commitment, error) {
	c.CreatedAt = t.orNow(c.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO commitments (company_id, session_id, text, due, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id`,
		c.CompanyID, sqlval.NullID(c.SessionID), c.Text, sqlval.NullText(c.Due), c.Status, timeText(c.CreatedAt),
	).Scan(&c.ID)
	if err != nil {
		return store.Commitment{}, fmt.Errorf("sqlite: add commitment: %w", storeErr(err))
	}
	return c, nil
}

// LatestCommitment returns the company's newest commitment by creation
// time, then id.
func (t *tx) LatestCommitment(ctx context.Context, companyID int64) (store.Commitment, error) {
	c, err := scanCommitment(t.tx.QueryRowContext(ctx, `
		SELECT id, company_id, session_id, text, due, status, created_at
		FROM commitments WHERE company_id = ?
		ORDER BY created_at DESC, id DESC
		LIMIT 1`, companyID))
	if err != nil {
		return store.Commitment{}, fmt.Errorf("sqlite: latest commitment of company %d: %w", companyID, storeErr(err))
	}
	return c, nil
}

func (t *tx) AddFollowup(ctx context.Context, f store.Followup) (store.Followup, error) {
	f.CreatedAt = t.orNow(f.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO followups (company_id, advisor_id, session_id, due, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id`,
		f.CompanyID, f.AdvisorID, sqlval.NullID(f.SessionID), f.Due, f.Status, timeText(f.CreatedAt),
	).Scan(&f.ID)
	if err != nil {
		return store.Followup{}, fmt.Errorf("sqlite: add follow-up: %w", storeErr(err))
	}
	return f, nil
}

// OpenFollowups lists the advisor's open follow-ups, earliest due first.
func (t *tx) OpenFollowups(ctx context.Context, advisorID int64) ([]store.Followup, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT id, company_id, advisor_id, session_id, due, status, created_at
		FROM followups WHERE advisor_id = ? AND status = 'open'
		ORDER BY due, id`, advisorID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open follow-ups of %d: %w", advisorID, err)
	}
	followups, err := collect(rows, scanFollowup)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open follow-ups of %d: %w", advisorID, err)
	}
	return followups, nil
}

func scanFollowup(row rowScanner) (store.Followup, error) {
	var f store.Followup
	err := row.Scan(&f.ID, &f.CompanyID, &f.AdvisorID, idCol{&f.SessionID}, &f.Due, &f.Status, timeCol{&f.CreatedAt})
	return f, err
}

// AddReferral stores r; its targets are a JSON array of option ids.
func (t *tx) AddReferral(ctx context.Context, r store.Referral) (store.Referral, error) {
	if r.Targets == nil {
		r.Targets = []string{}
	}
	targets, err := json.Marshal(r.Targets)
	if err != nil {
		return store.Referral{}, fmt.Errorf("sqlite: add referral: %w", err)
	}
	r.CreatedAt = t.orNow(r.CreatedAt)
	err = t.tx.QueryRowContext(ctx, `
		INSERT INTO referrals (company_id, session_id, targets, reason, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id`,
		r.CompanyID, sqlval.NullID(r.SessionID), string(targets), r.Reason, r.Status, timeText(r.CreatedAt),
	).Scan(&r.ID)
	if err != nil {
		return store.Referral{}, fmt.Errorf("sqlite: add referral: %w", storeErr(err))
	}
	return r, nil
}

func (t *tx) AddSmallWin(ctx context.Context, w store.SmallWin) (store.SmallWin, error) {
	w.CreatedAt = t.orNow(w.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO small_wins (company_id, session_id, text, source, created_at)
		VALUES (?, ?, ?, ?, ?)
		RETURNING id`,
		w.CompanyID, sqlval.NullID(w.SessionID), w.Text, w.Source, timeText(w.CreatedAt),
	).Scan(&w.ID)
	if err != nil {
		return store.SmallWin{}, fmt.Errorf("sqlite: add small win: %w", storeErr(err))
	}
	return w, nil
}

func (t *tx) AddAudit(ctx context.Context, e store.AuditEntry) error {
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO audit_log (actor_id, action, subject, detail, at) VALUES (?, ?, ?, ?, ?)`,
		sqlval.NullID(e.ActorID), e.Action, e.Subject, e.Detail, timeText(t.orNow(e.At)))
	if err != nil {
		return fmt.Errorf("sqlite: add audit: %w", storeErr(err))
	}
	return nil
}

// Audit lists the entries about subject, oldest first.
func (t *tx) Audit(ctx context.Context, subject string) ([]store.AuditEntry, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT id, actor_id, action, subject, detail, at
		FROM audit_log WHERE subject = ?
		ORDER BY at, id`, subject)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit of %s: %w", subject, err)
	}
	entries, err := collect(rows, scanAudit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit of %s: %w", subject, err)
	}
	return entries, nil
}

func scanAudit(row rowScanner) (store.AuditEntry, error) {
	var e store.AuditEntry
	err := row.Scan(&e.ID, idCol{&e.ActorID}, &e.Action, &e.Subject, &e.Detail, timeCol{&e.At})
	return e, err
}

// CompanyRecords reads the company's commitments, follow-ups, referrals and
// small wins, each list oldest first.
func (t *tx) CompanyRecords(ctx context.Context, companyID int64) (store.Records, error) {
	var r store.Records
	var err error
	if r.Commitments, err = queryAll(ctx, t, scanCommitment, `
		SELECT id, company_id, session_id, text, due, status, created_at
		FROM commitments WHERE company_id = ? ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, fmt.Errorf("sqlite: commitments of company %d: %w", companyID, err)
	}
	if r.Followups, err = queryAll(ctx, t, scanFollowup, `
		SELECT id, company_id, advisor_id, session_id, due, status, created_at
		FROM followups WHERE company_id = ? ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, fmt.Errorf("sqlite: follow-ups of company %d: %w", companyID, err)
	}
	if r.Referrals, err = queryAll(ctx, t, scanReferral, `
		SELECT id, company_id, session_id, targets, reason, status, created_at
		FROM referrals WHERE company_id = ? ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, fmt.Errorf("sqlite: referrals of company %d: %w", companyID, err)
	}
	if r.SmallWins, err = queryAll(ctx, t, scanSmallWin, `
		SELECT id, company_id, session_id, text, source, created_at
		FROM small_wins WHERE company_id = ? ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, fmt.Errorf("sqlite: small wins of company %d: %w", companyID, err)
	}
	return r, nil
}

func scanCommitment(row rowScanner) (store.Commitment, error) {
	var c store.Commitment
	err := row.Scan(&c.ID, &c.CompanyID, idCol{&c.SessionID}, &c.Text, textCol{&c.Due}, &c.Status, timeCol{&c.CreatedAt})
	return c, err
}

// scanReferral reads a referral; its targets are a JSON array.
func scanReferral(row rowScanner) (store.Referral, error) {
	var r store.Referral
	var targets string
	err := row.Scan(&r.ID, &r.CompanyID, idCol{&r.SessionID}, &targets, &r.Reason, &r.Status, timeCol{&r.CreatedAt})
	if err != nil {
		return r, err
	}
	r.Targets = []string{}
	if err := json.Unmarshal([]byte(targets), &r.Targets); err != nil {
		return r, fmt.Errorf("referral %d targets: %w", r.ID, err)
	}
	return r, nil
}

func scanSmallWin(row rowScanner) (store.SmallWin, error) {
	var w store.SmallWin
	err := row.Scan(&w.ID, &w.CompanyID, idCol{&w.SessionID}, &w.Text, &w.Source, timeCol{&w.CreatedAt})
	return w, err
}

// SetCommitmentStatus sets the commitment's status; an unknown commitment is
// store.ErrNotFound.
func (t *tx) SetCommitmentStatus(ctx context.Context, id int64, status string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE commitments SET status = ? WHERE id = ?`, status, id)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: set status of commitment %d: %w", id, err)
	}
	return nil
}

// CloseFollowups marks the company's open follow-ups done.
func (t *tx) CloseFollowups(ctx context.Context, companyID int64) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `
		UPDATE followups SET status = 'done' WHERE company_id = ? AND status = 'open'`, companyID))
	if err != nil {
		return 0, fmt.Errorf("sqlite: close follow-ups of company %d: %w", companyID, err)
	}
	return n, nil
}
