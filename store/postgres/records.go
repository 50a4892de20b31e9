package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

func (t *tx) AddCommitment(ctx context.Context, c store.Commitment) (store.Commitment, error) {
	c.CreatedAt = t.orNow(c.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO commitments (company_id, session_id, text, due, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`,
		c.CompanyID, sqlval.NullID(c.SessionID), c.Text, sqlval.NullText(c.Due), c.Status, c.CreatedAt)
	if err != nil {
		return store.Commitment{}, storeErr("add commitment", err)
	}
	c.ID = id
	return c, nil
}

func scanCommitment(row pgx.CollectableRow) (store.Commitment, error) {
	var c store.Commitment
	err := row.Scan(&c.ID, &c.CompanyID, &c.SessionID, &c.Text, &c.Due, &c.Status, &c.CreatedAt)
	return c, err
}

// LatestCommitment is the company's newest commitment; of two made at the
// same instant, the one added last.
func (t *tx) LatestCommitment(ctx context.Context, companyID int64) (store.Commitment, error) {
	c, err := queryOne(ctx, t, scanCommitment, `
		SELECT id, company_id, COALESCE(session_id, 0), text, COALESCE(to_char(due, 'YYYY-MM-DD'), ''),
			status, created_at
		FROM commitments
		WHERE company_id = $1
		ORDER BY created_at DESC, id DESC
		LIMIT 1`, companyID)
	return c, storeErr("latest commitment", err)
}

func (t *tx) AddFollowup(ctx context.Context, f store.Followup) (store.Followup, error) {
	f.CreatedAt = t.orNow(f.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO followups (company_id, advisor_id, session_id, due, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`,
		f.CompanyID, f.AdvisorID, sqlval.NullID(f.SessionID), f.Due, f.Status, f.CreatedAt)
	if err != nil {
		return store.Followup{}, storeErr("add followup", err)
	}
	f.ID = id
	return f, nil
}

func scanFollowup(row pgx.CollectableRow) (store.Followup, error) {
	var f store.Followup
	err := row.Scan(&f.ID, &f.CompanyID, &f.AdvisorID, &f.SessionID, &f.Due, &f.Status, &f.CreatedAt)
	return f, err
}

func (t *tx) OpenFollowups(ctx context.Context, advisorID int64) ([]store.Followup, error) {
	fs, err := queryAll(ctx, t, scanFollowup, `
		SELECT id, company_id, advisor_id, COALESCE(session_id, 0), to_char(due, 'YYYY-MM-DD'),
			status, created_at
		FROM followups
		WHERE advisor_id = $1 AND status = 'open'
		ORDER BY due, id`, advisorID)
	return fs, storeErr("open followups", err)
}

func (t *tx) AddReferral(ctx context.Context, r store.Referral) (store.Referral, error) {
	r.CreatedAt = t.orNow(r.CreatedAt)
	targets := r.Targets
	if targets == nil {
		targets = []string{} // NOT NULL: no targets is an empty array
	}
	id, err := returningID(ctx, t, `
		INSERT INTO referrals (company_id, session_id, targets, reason, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`,
		r.CompanyID, sqlval.NullID(r.SessionID), targets, r.Reason, r.Status, r.CreatedAt)
	if err != nil {
		return store.Referral{}, storeErr("add referral", err)
	}
	r.ID = id
	return r, nil
}

func (t *tx) AddSmallWin(ctx context.Context, w store.SmallWin) (store.SmallWin, error) {
	w.CreatedAt = t.orNow(w.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO small_wins (company_id, session_id, text, source, created_at)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id`,
		w.CompanyID, sqlval.NullID(w.SessionID), w.Text, w.Source, w.CreatedAt)
	if err != nil {
		return store.SmallWin{}, storeErr("add small win", err)
	}
	w.ID = id
	return w, nil
}

// CompanyRecords reads the company's commitments, follow-ups, referrals and
// small wins, each list oldest first.
func (t *tx) CompanyRecords(ctx context.Context, companyID int64) (store.Records, error) {
	var r store.Records
	var err error
	if r.Commitments, err = queryAll(ctx, t, scanCommitment, `
		SELECT id, company_id, COALESCE(session_id, 0), text, COALESCE(to_char(due, 'YYYY-MM-DD'), ''),
			status, created_at
		FROM commitments WHERE company_id = $1 ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, storeErr("company commitments", err)
	}
	if r.Followups, err = queryAll(ctx, t, scanFollowup, `
		SELECT id, company_id, advisor_id, COALESCE(session_id, 0), to_char(due, 'YYYY-MM-DD'),
			status, created_at
		FROM followups WHERE company_id = $1 ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, storeErr("company followups", err)
	}
	if r.Referrals, err = queryAll(ctx, t, scanReferral, `
		SELECT id, company_id, COALESCE(session_id, 0), targets, reason, status, created_at
		FROM referrals WHERE company_id = $1 ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, storeErr("company referrals", err)
	}
	if r.SmallWins, err = queryAll(ctx, t, scanSmallWin, `
		SELECT id, company_id, COALESCE(session_id, 0), text, source, created_at
		FROM small_wins WHERE company_id = $1 ORDER BY created_at, id`, companyID); err != nil {
		return store.Records{}, storeErr("company small wins", err)
	}
	return r, nil
}

// scanReferral reads a referral; no targets is an empty list, never nil.
func scanReferral(row pgx.CollectableRow) (store.Referral, error) {
	var r store.Referral
	err := row.Scan(&r.ID, &r.CompanyID, &r.SessionID, &r.Targets, &r.Reason, &r.Status, &r.CreatedAt)
	if r.Targets == nil {
		r.Targets = []string{}
	}
	return r, err
}

func scanSmallWin(row pgx.CollectableRow) (store.SmallWin, error) {
	var w store.SmallWin
	err := row.Scan(&w.ID, &w.CompanyID, &w.SessionID, &w.Text, &w.Source, &w.CreatedAt)
	return w, err
}

// SetCommitmentStatus sets the commitment's status; an unknown commitment is
// store.ErrNotFound.
func (t *tx) SetCommitmentStatus(ctx context.Context, id int64, status string) error {
	tag, err := t.tx.Exec(ctx, `UPDATE commitments SET status = $2 WHERE id = $1`, id, status)
	return storeErr("set commitment status", oneRow(tag, err, store.ErrNotFound))
}

func (t *tx) CloseFollowups(ctx context.Context, companyID int64) (int64, error) {
	tag, err := t.tx.Exec(ctx, `
		UPDATE followups SET status = 'done' WHERE company_id = $1 AND status = 'open'`, companyID)
	return tag.RowsAffected(), storeErr("close followups", err)
}
