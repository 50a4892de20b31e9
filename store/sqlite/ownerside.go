package sqlite

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/store"
)

// SetPersonName stores a person's display name.
func (t *tx) SetPersonName(ctx context.Context, personID int64, name string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE people SET name = ? WHERE id = ?`, name, personID)
	if err != nil {
		return fmt.Errorf("sqlite: set name of person %d: %w", personID, storeErr(err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("sqlite: set name of person %d: %w", personID, notFoundOr(err))
	}
	return nil
}

// SaveAlertRef records (or replaces) where an alert was posted.
func (t *tx) SaveAlertRef(ctx context.Context, r store.AlertRef) error {
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO alert_refs (request_key, company_id, channel, user_id, ref, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (request_key, channel, user_id) DO UPDATE SET ref = excluded.ref, created_at = excluded.created_at`,
		r.Key, r.CompanyID, r.Channel, r.UserID, r.Ref, timeText(t.orNow(r.At)))
	if err != nil {
		return fmt.Errorf("sqlite: save alert ref %s: %w", r.Key, storeErr(err))
	}
	return nil
}

// AlertRefOf returns where the alert of key was posted to the recipient.
func (t *tx) AlertRefOf(ctx context.Context, key, channel, userID string) (store.AlertRef, error) {
	r := store.AlertRef{Key: key, Channel: channel, UserID: userID}
	err := t.tx.QueryRowContext(ctx, `
		SELECT company_id, ref, created_at FROM alert_refs
		WHERE request_key = ? AND channel = ? AND user_id = ?`, key, channel, userID).
		Scan(&r.CompanyID, &r.Ref, timeCol{&r.At})
	if err != nil {
		return store.AlertRef{}, fmt.Errorf("sqlite: alert ref %s: %w", key, storeErr(err))
	}
	return r, nil
}

func notFoundOr(err error) error {
	if err != nil {
		return err
	}
	return store.ErrNotFound
}
