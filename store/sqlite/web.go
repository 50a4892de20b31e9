package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

func (t *tx) CreateWebLink(ctx context.Context, l store.WebLink) (store.WebLink, error) {
	l.CreatedAt = t.orNow(l.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO web_links (token_hash, person_id, created_at, expires_at, used_at)
		VALUES (?, ?, ?, ?, ?)
		RETURNING id`,
		l.TokenHash, l.PersonID, timeText(l.CreatedAt), timeText(l.ExpiresAt), nullTime(l.UsedAt),
	).Scan(&l.ID)
	if err != nil {
		return store.WebLink{}, fmt.Errorf("sqlite: create web link: %w", storeErr(err))
	}
	return l, nil
}

// UseWebLink marks the link used in one guarded UPDATE, so of two uses
// only one finds used_at still NULL.
func (t *tx) UseWebLink(ctx context.Context, tokenHash string, at time.Time) (store.WebLink, error) {
	var l store.WebLink
	err := t.tx.QueryRowContext(ctx, `
		UPDATE web_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL
		RETURNING id, token_hash, person_id, created_at, expires_at`,
		timeText(t.orNow(at)), tokenHash,
	).Scan(&l.ID, &l.TokenHash, &l.PersonID, timeCol{&l.CreatedAt}, timeCol{&l.ExpiresAt})
	if err == nil {
		return l, nil
	}
	err = storeErr(err)
	if err == store.ErrNotFound {
		if err = t.exists(ctx, `SELECT count(*) FROM web_links WHERE token_hash = ?`, tokenHash); err == nil {
			err = store.ErrConflict // it exists, so it was used before
		}
	}
	return store.WebLink{}, fmt.Errorf("sqlite: use web link: %w", err)
}

func (t *tx) CreateWebSession(ctx context.Context, s store.WebSession) (store.WebSession, error) {
	s.CreatedAt = t.orNow(s.CreatedAt)
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO web_sessions (token_hash, person_id, created_at, last_seen_at)
		VALUES (?, ?, ?, ?)
		RETURNING id`,
		s.TokenHash, s.PersonID, timeText(s.CreatedAt), timeText(s.LastSeenAt),
	).Scan(&s.ID)
	if err != nil {
		return store.WebSession{}, fmt.Errorf("sqlite: create web session: %w", storeErr(err))
	}
	return s, nil
}

func (t *tx) WebSessionByHash(ctx context.Context, tokenHash string) (store.WebSession, error) {
	var s store.WebSession
	err := t.tx.QueryRowContext(ctx, `
		SELECT id, token_hash, person_id, created_at, last_seen_at
		FROM web_sessions WHERE token_hash = ?`, tokenHash,
	).Scan(&s.ID, &s.TokenHash, &s.PersonID, timeCol{&s.CreatedAt}, timeCol{&s.LastSeenAt})
	if err != nil {
		return store.WebSession{}, fmt.Errorf("sqlite: web session: %w", storeErr(err))
	}
	return s, nil
}

func (t *tx) TouchWebSession(ctx context.Context, id int64, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE web_sessions SET last_seen_at = ? WHERE id = ?`, timeText(t.orNow(at)), id)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: touch web session %d: %w", id, err)
	}
	return nil
}

func (t *tx) EndWebSession(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: end web session %d: %w", id, storeErr(err))
	}
	return nil
}

func (t *tx) EndWebSessions(ctx context.Context, personID int64) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE person_id = ?`, personID))
	if err != nil {
		return 0, fmt.Errorf("sqlite: end web sessions of %d: %w", personID, err)
	}
	return n, nil
}
