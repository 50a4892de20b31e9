package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

// CreateInvite stores inv unless its hash is taken (store.ErrConflict, and
// the transaction stays usable). A zero CreatedAt means now.
func (t *tx) CreateInvite(ctx context.Context, inv store.Invite) (store.Invite, error) {
	inv.CreatedAt = t.orNow(inv.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO invites (code_hash, company_id, created_by, created_at, expires_at, used_at, used_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (code_hash) DO NOTHING
		RETURNING id`,
		inv.CodeHash, inv.CompanyID, sqlval.NullID(inv.CreatedBy), inv.CreatedAt, inv.ExpiresAt,
		nullTime(inv.UsedAt), sqlval.NullID(inv.UsedBy))
	if err != nil {
		return store.Invite{}, storeErr("create invite", conflictIfNone(err))
	}
	inv.ID = id
	return inv, nil
}

func scanInvite(row pgx.CollectableRow) (store.Invite, error) {
	var inv store.Invite
	var usedAt *time.Time
	err := row.Scan(&inv.ID, &inv.CodeHash, &inv.CompanyID, &inv.CreatedBy, &inv.CreatedAt, &inv.ExpiresAt,
		&usedAt, &inv.UsedBy)
	inv.UsedAt = timeOrZero(usedAt)
	return inv, err
}

func (t *tx) InviteByHash(ctx context.Context, codeHash string) (store.Invite, error) {
	inv, err := queryOne(ctx, t, scanInvite, `
		SELECT id, code_hash, company_id, COALESCE(created_by, 0), created_at, expires_at,
			used_at, COALESCE(used_by, 0)
		FROM invites WHERE code_hash = $1`, codeHash)
	return inv, storeErr("invite by hash", err)
}

// UseInvite marks the invite used unless it was used before
// (store.ErrConflict) or does not exist (store.ErrNotFound). Of two
// transactions using it at once, the second waits for the first's row lock,
// re-checks used_at after its commit and updates nothing.
func (t *tx) UseInvite(ctx context.Context, id, personID int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `
		UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1 AND used_at IS NULL`,
		id, t.orNow(at), personID)
	if err == nil && tag.RowsAffected() == 0 {
		var exists bool
		err = t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM invites WHERE id = $1)`, id).Scan(&exists)
		switch {
		case err == nil && exists:
			err = store.ErrConflict
		case err == nil:
			err = store.ErrNotFound
		}
	}
	return storeErr("use invite", err)
}

// LinkOwner links the owner to the company, replacing any earlier link, and
// marks them reachable.
func (t *tx) LinkOwner(ctx context.Context, personID, companyID int64, at time.Time) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO owner_links (person_id, company_id, linked_at, reachable) VALUES ($1, $2, $3, true)
		ON CONFLICT (person_id) DO UPDATE
		SET company_id = excluded.company_id, linked_at = excluded.linked_at, reachable = true`,
		personID, companyID, t.orNow(at))
	return storeErr("link owner", err)
}

func scanOwnerLink(row pgx.CollectableRow) (store.OwnerLink, error) {
	var l store.OwnerLink
	err := row.Scan(&l.PersonID, &l.CompanyID, &l.LinkedAt, &l.Reachable)
	return l, err
}

func (t *tx) OwnerLink(ctx context.Context, personID int64) (store.OwnerLink, error) {
	l, err := queryOne(ctx, t, scanOwnerLink, `
		SELECT person_id, company_id, linked_at, reachable FROM owner_links WHERE person_id = $1`, personID)
	return l, storeErr("owner link", err)
}

// SetReachable records whether the owner may be pushed to; an owner without
// a link is store.ErrNotFound.
func (t *tx) SetReachable(ctx context.Context, personID int64, reachable bool) error {
	tag, err := t.tx.Exec(ctx, `UPDATE owner_links SET reachable = $2 WHERE person_id = $1`, personID, reachable)
	return storeErr("set reachable", oneRow(tag, err, store.ErrNotFound))
}

func (t *tx) CompanyOwners(ctx context.Context, companyID int64) ([]store.OwnerLink, error) {
	ls, err := queryAll(ctx, t, scanOwnerLink, `
		SELECT person_id, company_id, linked_at, reachable FROM owner_links
		WHERE company_id = $1 ORDER BY linked_at, person_id`, companyID)
	return ls, storeErr("company owners", err)
}
