package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

func (t *tx) CreateWebLink(ctx context.Context, l store.WebLink) (store.WebLink, error) {
	l.CreatedAt = t.orNow(l.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO web_links (token_hash, person_id, created_at, expires_at, used_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (token_hash) DO NOTHING
		RETURNING id`,
		l.TokenHash, l.PersonID, l.CreatedAt, l.ExpiresAt, nullTime(l.UsedAt))
	if err != nil {
		return store.WebLink{}, storeErr("create web link", conflictIfNone(err))
	}
	l.ID = id
	return l, nil
}

// UseWebLink marks the link used in one guarded UPDATE: of two uses at
// once, the second waits for the first's row lock, re-checks used_at and
// updates nothing.
func (t *tx) UseWebLink(ctx context.Context, tokenHash string, at time.Time) (store.WebLink, error) {
	l, err := queryOne(ctx, t, func(row pgx.CollectableRow) (store.WebLink, error) {
		var l store.WebLink
		err := row.Scan(&l.ID, &l.TokenHash, &l.PersonID, &l.CreatedAt, &l.ExpiresAt)
		return l, err
	}, `
		UPDATE web_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL
		RETURNING id, token_hash, person_id, created_at, expires_at`, tokenHash, t.orNow(at))
	if err == nil {
		return l, nil
	}
	if err == pgx.ErrNoRows {
		var exists bool
		err = t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM web_links WHERE token_hash = $1)`, tokenHash).Scan(&exists)
		switch {
		case err == nil && exists:
			err = store.ErrConflict
		case err == nil:
			err = store.ErrNotFound
		}
	}
	return store.WebLink{}, storeErr("use web link", err)
}

func (t *tx) CreateWebSession(ctx context.Context, s store.WebSession) (store.WebSession, error) {
	s.CreatedAt = t.orNow(s.CreatedAt)
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	id, err := returningID(ctx, t, `
		INSERT INTO web_sessions (token_hash, person_id, created_at, last_seen_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (token_hash) DO NOTHING
		RETURNING id`,
		s.TokenHash, s.PersonID, s.CreatedAt, s.LastSeenAt)
	if err != nil {
		return store.WebSession{}, storeErr("create web session", conflictIfNone(err))
	}
	s.ID = id
	return s, nil
}

func (t *tx) WebSessionByHash(ctx context.Context, tokenHash string) (store.WebSession, error) {
	s, err := queryOne(ctx, t, func(row pgx.CollectableRow) (store.WebSession, error) {
		var s store.WebSession
		err := row.Scan(&s.ID, &s.TokenHash, &s.PersonID, &s.CreatedAt, &s.LastSeenAt)
		return s, err
	}, `
		SELECT id, token_hash, person_id, created_at, last_seen_at
		FROM web_sessions WHERE token_hash = $1`, tokenHash)
	return s, storeErr("web session", err)
}

func (t *tx) TouchWebSession(ctx context.Context, id int64, at time.Time) error {
	tag, err := t.tx.Exec(ctx, `UPDATE web_sessions SET last_seen_at = $2 WHERE id = $1`, id, t.orNow(at))
	if err == nil && tag.RowsAffected() == 0 {
		err = store.ErrNotFound
	}
	return storeErr("touch web session", err)
}

func (t *tx) EndWebSession(ctx context.Context, id int64) error {
	_, err := t.tx.Exec(ctx, `DELETE FROM web_sessions WHERE id = $1`, id)
	return storeErr("end web session", err)
}

func (t *tx) EndWebSessions(ctx context.Context, personID int64) (int64, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM web_sessions WHERE person_id = $1`, personID)
	if err != nil {
		return 0, storeErr("end web sessions", err)
	}
	return tag.RowsAffected(), nil
}
