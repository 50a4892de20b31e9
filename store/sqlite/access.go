package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/rules"
	"github.com/bansou/bansou/store/internal/sqlval"
)

// CompanyByKey returns the oldest company with the normalised name key.
func (t *tx) CompanyByKey(ctx context.Context, key string) (store.Company, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, name, industry, stage, municipality, created_at
		FROM companies WHERE name_key = ? AND name_key <> '' ORDER BY id LIMIT 1`, key)
	c, err := scanCompany(row)
	if err != nil {
		return store.Company{}, fmt.Errorf("sqlite: company by key: %w", storeErr(err))
	}
	return c, nil
}

func (t *tx) SetCompanyKey(ctx context.Context, companyID int64, key string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE companies SET name_key = ? WHERE id = ?`, key, companyID)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: set company key of %d: %w", companyID, err)
	}
	return nil
}

func (t *tx) CompaniesWithoutKey(ctx context.Context) ([]store.Company, error) {
	cs, err := queryAll(ctx, t, scanCompany, `
		SELECT id, name, industry, stage, municipality, created_at
		FROM companies WHERE name_key = '' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: companies without key: %w", err)
	}
	return cs, nil
}

func (t *tx) IsAssigned(ctx context.Context, companyID, advisorID int64) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `
		SELECT count(*) FROM assignments WHERE company_id = ? AND advisor_id = ?`,
		companyID, advisorID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlite: is assigned: %w", err)
	}
	return n > 0, nil
}

func (t *tx) Unassign(ctx context.Context, companyID, advisorID int64) error {
	res, err := t.tx.ExecContext(ctx, `
		DELETE FROM assignments WHERE company_id = ? AND advisor_id = ?`, companyID, advisorID)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: unassign: %w", err)
	}
	return nil
}

func (t *tx) CreateAccessRequest(ctx context.Context, r store.AccessRequest) (store.AccessRequest, error) {
	r.CreatedAt, r.Status = t.orNow(r.CreatedAt), store.RequestPending
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO access_requests (company_id, requester_id, status, created_at)
		VALUES (?, ?, ?, ?)
		RETURNING id`,
		r.CompanyID, r.RequesterID, r.Status, timeText(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		return store.AccessRequest{}, fmt.Errorf("sqlite: create access request: %w", storeErr(err))
	}
	return r, nil
}

func (t *tx) AccessRequest(ctx context.Context, id int64) (store.AccessRequest, error) {
	var r store.AccessRequest
	err := t.tx.QueryRowContext(ctx, `
		SELECT id, company_id, requester_id, status, created_at, decided_by, decided_at
		FROM access_requests WHERE id = ?`, id).
		Scan(&r.ID, &r.CompanyID, &r.RequesterID, &r.Status, timeCol{&r.CreatedAt}, idCol{&r.DecidedBy}, timeCol{&r.DecidedAt})
	if err != nil {
		return store.AccessRequest{}, fmt.Errorf("sqlite: access request %d: %w", id, storeErr(err))
	}
	return r, nil
}

func (t *tx) DecideAccessRequest(ctx context.Context, id int64, status string, by int64, at time.Time) error {
	if err := rules.CheckDecision(ctx, t, id, status); err != nil {
		return err
	}
	res, err := t.tx.ExecContext(ctx, `
		UPDATE access_requests SET status = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND status = 'pending'`, status, sqlval.NullID(by), timeText(t.orNow(at)), id)
	if err := oneRow(res, err, store.ErrConflict); err != nil {
		return fmt.Errorf("sqlite: decide access request %d: %w", id, err)
	}
	return nil
}

func (t *tx) AddHandover(ctx context.Context, h store.Handover) (store.Handover, error) {
	h.At = t.orNow(h.At)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO handovers (company_id, from_id, to_id, by_id, at, memo_session_id)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id`,
		h.CompanyID, sqlval.NullID(h.FromID), h.ToID, sqlval.NullID(h.ByID), timeText(h.At), sqlval.NullID(h.MemoSessionID)).Scan(&h.ID)
	if err != nil {
		return store.Handover{}, fmt.Errorf("sqlite: add handover: %w", storeErr(err))
	}
	return h, nil
}

const handoverCols = `id, company_id, from_id, to_id, by_id, at, memo_session_id, memo_shown_at, owner_told_at`

func scanHandover(row rowScanner) (store.Handover, error) {
	var h store.Handover
	err := row.Scan(&h.ID, &h.CompanyID, idCol{&h.FromID}, &h.ToID, idCol{&h.ByID}, timeCol{&h.At},
		idCol{&h.MemoSessionID}, timeCol{&h.MemoShownAt}, timeCol{&h.OwnerToldAt})
	return h, err
}

func (t *tx) Handovers(ctx context.Context, companyID int64) ([]store.Handover, error) {
	hs, err := queryAll(ctx, t, scanHandover, `
		SELECT `+handoverCols+` FROM handovers WHERE company_id = ? ORDER BY at, id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: handovers of %d: %w", companyID, err)
	}
	return hs, nil
}

func (t *tx) HandoversBetween(ctx context.Context, from, to time.Time) ([]store.Handover, error) {
	hs, err := queryAll(ctx, t, scanHandover, `
		SELECT `+handoverCols+` FROM handovers WHERE at >= ? AND at < ? ORDER BY at, id`,
		timeText(from), timeText(to))
	if err != nil {
		return nil, fmt.Errorf("sqlite: handovers between: %w", err)
	}
	return hs, nil
}

func (t *tx) SetHandoverMemo(ctx context.Context, id, sessionID int64) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE handovers SET memo_session_id = ? WHERE id = ?`, sqlval.NullID(sessionID), id)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: set handover memo %d: %w", id, err)
	}
	return nil
}

func (t *tx) MarkHandoverMemoShown(ctx context.Context, id int64, at time.Time) error {
	return t.markHandover(ctx, id, "memo_shown_at", at)
}

func (t *tx) MarkHandoverOwnerTold(ctx context.Context, id int64, at time.Time) error {
	return t.markHandover(ctx, id, "owner_told_at", at)
}

// markHandover sets a handover's once-only time column (a constant name).
func (t *tx) markHandover(ctx context.Context, id int64, column string, at time.Time) error {
	if err := t.exists(ctx, `SELECT count(*) FROM handovers WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: mark handover %d: %w", id, err)
	}
	res, err := t.tx.ExecContext(ctx, `
		UPDATE handovers SET `+column+` = ? WHERE id = ? AND `+column+` IS NULL`, timeText(t.orNow(at)), id)
	if err := oneRow(res, err, store.ErrConflict); err != nil {
		return fmt.Errorf("sqlite: mark handover %d: %w", id, err)
	}
	return nil
}

func (t *tx) ReassignFollowups(ctx context.Context, companyID, from, to int64) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `
		UPDATE followups SET advisor_id = ? WHERE company_id = ? AND advisor_id = ? AND status = 'open'`,
		to, companyID, from))
	if err != nil {
		return 0, fmt.Errorf("sqlite: reassign follow-ups: %w", err)
	}
	return n, nil
}

func (t *tx) ReassignReminders(ctx context.Context, companyID, from, to int64) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `
		UPDATE reminders SET recipient_id = ? WHERE company_id = ? AND recipient_id = ? AND status = 'pending'`,
		to, companyID, from))
	if err != nil {
		return 0, fmt.Errorf("sqlite: reassign reminders: %w", err)
	}
	return n, nil
}
