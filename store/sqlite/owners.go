package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

// CreateInvite stores inv; a zero CreatedAt means now.
func (t *tx) CreateInvite(ctx context.Context, inv store.Invite) (store.Invite, error) {
	inv.CreatedAt = t.orNow(inv.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO invites (code_hash, company_id, created_by, created_at, expires_at, used_at, used_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		inv.CodeHash, inv.CompanyID, sqlval.NullID(inv.CreatedBy), timeText(inv.CreatedAt), timeText(inv.ExpiresAt),
		nullTime(inv.UsedAt), sqlval.NullID(inv.UsedBy),
	).Scan(&inv.ID)
	if err != nil {
		return store.Invite{}, fmt.Errorf("sqlite: create invite: %w", storeErr(err))
	}
	return inv, nil
}

func (t *tx) InviteByHash(ctx context.Context, codeHash string) (store.Invite, error) {
	var inv store.Invite
	err := t.tx.QueryRowContext(ctx, `
		SELECT id, code_hash, company_id, created_by, created_at, expires_at, used_at, used_by
		FROM invites WHERE code_hash = ?`, codeHash,
	).Scan(&inv.ID, &inv.CodeHash, &inv.CompanyID, idCol{&inv.CreatedBy}, timeCol{&inv.CreatedAt},
		timeCol{&inv.ExpiresAt}, timeCol{&inv.UsedAt}, idCol{&inv.UsedBy})
	if err != nil {
		return store.Invite{}, fmt.Errorf("sqlite: invite by hash: %w", storeErr(err))
	}
	return inv, nil
}

// UseInvite marks the invite used unless it was used before
// (store.ErrConflict) or does not exist (store.ErrNotFound).
func (t *tx) UseInvite(ctx context.Context, id, personID int64, at time.Time) error {
	n, err := affected(t.tx.ExecContext(ctx, `
		UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL`,
		timeText(t.orNow(at)), personID, id))
	if err == nil && n == 0 {
		err = t.exists(ctx, `SELECT count(*) FROM invites WHERE id = ?`, id)
		if err == nil {
			err = store.ErrConflict // it exists, so it was used before
		}
	}
	if err != nil {
		return fmt.Errorf("sqlite: use invite %d: %w", id, err)
	}
	return nil
}

// exists is nil when query counts at least one row, else store.ErrNotFound.
func (t *tx) exists(ctx context.Context, query string, args ...any) error {
	var n int
	if err := t.tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// LinkOwner links the owner to the company, replacing any earlier link, and
// marks them reachable.
func (t *tx) LinkOwner(ctx context.Context, personID, companyID int64, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO owner_links (person_id, company_id, linked_at, reachable) VALUES (?, ?, ?, 1)
		ON CONFLICT (person_id) DO UPDATE
		SET company_id = excluded.company_id, linked_at = excluded.linked_at, reachable = 1`,
		personID, companyID, timeText(t.orNow(at)))
	if err != nil {
		return fmt.Errorf("sqlite: link owner %d to company %d: %w", personID, companyID, storeErr(err))
	}
	return nil
}

func (t *tx) OwnerLink(ctx context.Context, personID int64) (store.OwnerLink, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT person_id, company_id, linked_at, reachable FROM owner_links WHERE person_id = ?`, personID)
	l, err := scanOwnerLink(row)
	if err != nil {
		return store.OwnerLink{}, fmt.Errorf("sqlite: owner link of %d: %w", personID, storeErr(err))
	}
	return l, nil
}

func scanOwnerLink(row rowScanner) (store.OwnerLink, error) {
	var l store.OwnerLink
	err := row.Scan(&l.PersonID, &l.CompanyID, timeCol{&l.LinkedAt}, &l.Reachable)
	return l, err
}

// SetReachable records whether the owner may be pushed to; an owner without
// a link is store.ErrNotFound.
func (t *tx) SetReachable(ctx context.Context, personID int64, reachable bool) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE owner_links SET reachable = ? WHERE person_id = ?`, reachable, personID)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: set reachable of %d: %w", personID, err)
	}
	return nil
}

// CompanyOwners lists the company's owner links, oldest first.
func (t *tx) CompanyOwners(ctx context.Context, companyID int64) ([]store.OwnerLink, error) {
	links, err := queryAll(ctx, t, scanOwnerLink, `
		SELECT person_id, company_id, linked_at, reachable FROM owner_links
		WHERE company_id = ? ORDER BY linked_at, person_id`, companyID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: owners of company %d: %w", companyID, err)
	}
	return links, nil
}
