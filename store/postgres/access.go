package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/rules"
	"github.com/bansou/bansou/store/internal/sqlval"
)

// CompanyByKey returns the oldest company with the normalised name key.
func (t *tx) CompanyByKey(ctx context.Context, key string) (store.Company, error) {
	c, err := queryOne(ctx, t, scanCompany, `
		SELECT `+companyCols+` FROM companies c
		WHERE c.name_key = $1 AND c.name_key <> '' ORDER BY c.id LIMIT 1`, key)
	return c, storeErr("company by key", err)
}

func (t *tx) SetCompanyKey(ctx context.Context, companyID int64, key string) error {
	tag, err := t.tx.Exec(ctx, `UPDATE companies SET name_key = $2 WHERE id = $1`, companyID, key)
	return storeErr("set company key", oneRow(tag, err, store.ErrNotFound))
}

func (t *tx) CompaniesWithoutKey(ctx context.Context) ([]store.Company, error) {
	cs, err := queryAll(ctx, t, scanCompany, `
		SELECT `+companyCols+` FROM companies c WHERE c.name_key = '' ORDER BY c.id`)
	return cs, storeErr("companies without key", err)
}

func (t *tx) IsAssigned(ctx context.Context, companyID, advisorID int64) (bool, error) {
	var ok bool
	err := t.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM assignments WHERE company_id = $1 AND advisor_id = $2)`,
		companyID, advisorID).Scan(&ok)
	return ok, storeErr("is assigned", err)
}

func (t *tx) Unassign(ctx context.Context, companyID, advisorID int64) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM assignments WHERE company_id = $1 AND advisor_id = $2`, companyID, advisorID)
	return storeErr("unassign", oneRow(tag, err, store.ErrNotFound))
}

// CreateAccessRequest inserts a pending request unless one is pending for
// the same requester and company (store.ErrConflict; the transaction stays
// usable).
func (t *tx) CreateAccessRequest(ctx context.Context, r store.AccessRequest) (store.AccessRequest, error) {
	r.CreatedAt, r.Status = t.orNow(r.CreatedAt), store.RequestPending
	id, err := returningID(ctx, t, `
		INSERT INTO access_requests (company_id, requester_id, status, created_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (company_id, requester_id) WHERE status = 'pending' DO NOTHING
		RETURNING id`, r.CompanyID, r.RequesterID, r.Status, r.CreatedAt)
	if err != nil {
		return store.AccessRequest{}, storeErr("create access request", conflictIfNone(err))
	}
	r.ID = id
	return r, nil
}

func (t *tx) AccessRequest(ctx context.Context, id int64) (store.AccessRequest, error) {
	r, err := queryOne(ctx, t, func(row pgx.CollectableRow) (store.AccessRequest, error) {
		var r store.AccessRequest
		var decidedAt *time.Time
		err := row.Scan(&r.ID, &r.CompanyID, &r.RequesterID, &r.Status, &r.CreatedAt, &r.DecidedBy, &decidedAt)
		r.DecidedAt = timeOrZero(decidedAt)
		return r, err
	}, `
		SELECT id, company_id, requester_id, status, created_at, COALESCE(decided_by, 0), decided_at
		FROM access_requests WHERE id = $1`, id)
	return r, storeErr("access request", err)
}

func (t *tx) DecideAccessRequest(ctx context.Context, id int64, status string, by int64, at time.Time) error {
	if err := rules.CheckDecision(ctx, t, id, status); err != nil {
		return err
	}
	tag, err := t.tx.Exec(ctx, `
		UPDATE access_requests SET status = $2, decided_by = $3, decided_at = $4
		WHERE id = $1 AND status = 'pending'`, id, status, sqlval.NullID(by), t.orNow(at))
	return storeErr("decide access request", oneRow(tag, err, store.ErrConflict))
}

func (t *tx) AddHandover(ctx context.Context, h store.Handover) (store.Handover, error) {
	h.At = t.orNow(h.At)
	id, err := returningID(ctx, t, `
		INSERT INTO handovers (company_id, from_id, to_id, by_id, at, memo_session_id)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`,
		h.CompanyID, sqlval.NullID(h.FromID), h.ToID, sqlval.NullID(h.ByID), h.At, sqlval.NullID(h.MemoSessionID))
	if err != nil {
		return store.Handover{}, storeErr("add handover", err)
	}
	h.ID = id
	return h, nil
}

const handoverCols = `id, company_id, COALESCE(from_id, 0), to_id, COALESCE(by_id, 0), at,
	COALESCE(memo_session_id, 0), memo_shown_at, owner_told_at`

func scanHandover(row pgx.CollectableRow) (store.Handover, error) {
	var h store.Handover
	var shown, told *time.Time
	err := row.Scan(&h.ID, &h.CompanyID, &h.FromID, &h.ToID, &h.ByID, &h.At, &h.MemoSessionID, &shown, &told)
	h.MemoShownAt, h.OwnerToldAt = timeOrZero(shown), timeOrZero(told)
	return h, err
}

func (t *tx) Handovers(ctx context.Context, companyID int64) ([]store.Handover, error) {
	hs, err := queryAll(ctx, t, scanHandover, `
		SELECT `+handoverCols+` FROM handovers WHERE company_id = $1 ORDER BY at, id`, companyID)
	return hs, storeErr("handovers", err)
}

func (t *tx) HandoversBetween(ctx context.Context, from, to time.Time) ([]store.Handover, error) {
	hs, err := queryAll(ctx, t, scanHandover, `
		SELECT `+handoverCols+` FROM handovers WHERE at >= $1 AND at < $2 ORDER BY at, id`, from, to)
	return hs, storeErr("handovers between", err)
}

func (t *tx) SetHandoverMemo(ctx context.Context, id, sessionID int64) error {
	tag, err := t.tx.Exec(ctx, `UPDATE handovers SET memo_session_id = $2 WHERE id = $1`, id, sqlval.NullID(sessionID))
	return storeErr("set handover memo", oneRow(tag, err, store.ErrNotFound))
}

func (t *tx) MarkHandoverMemoShown(ctx context.Context, id int64, at time.Time) error {
	return t.markHandover(ctx, id, "memo_shown_at", at)
}

func (t *tx) MarkHandoverOwnerTold(ctx context.Context, id int64, at time.Time) error {
	return t.markHandover(ctx, id, "owner_told_at", at)
}

// markHandover sets a handover's once-only time column (a constant name):
// ErrNotFound when there is no such handover, ErrConflict when it was set.
func (t *tx) markHandover(ctx context.Context, id int64, column string, at time.Time) error {
	var was *time.Time
	err := t.tx.QueryRow(ctx, `
		UPDATE handovers h SET `+column+` = COALESCE(h.`+column+`, $2)
		FROM handovers old WHERE h.id = $1 AND old.id = h.id
		RETURNING old.`+column, id, t.orNow(at)).Scan(&was)
	if err != nil {
		return storeErr("mark handover", err)
	}
	if was != nil {
		return fmt.Errorf("postgres: mark handover %d: %w", id, store.ErrConflict)
	}
	return nil
}

func (t *tx) ReassignFollowups(ctx context.Context, companyID, from, to int64) (int64, error) {
	tag, err := t.tx.Exec(ctx, `
		UPDATE followups SET advisor_id = $3 WHERE company_id = $1 AND advisor_id = $2 AND status = 'open'`,
		companyID, from, to)
	if err != nil {
		return 0, storeErr("reassign follow-ups", err)
	}
	return tag.RowsAffected(), nil
}

func (t *tx) ReassignReminders(ctx context.Context, companyID, from, to int64) (int64, error) {
	tag, err := t.tx.Exec(ctx, `
		UPDATE reminders SET recipient_id = $3 WHERE company_id = $1 AND recipient_id = $2 AND status = 'pending'`,
		companyID, from, to)
	if err != nil {
		return 0, storeErr("reassign reminders", err)
	}
	return tag.RowsAffected(), nil
}
