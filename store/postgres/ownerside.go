package postgres

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/store"
)

// SetPersonName stores a person's display name.
func (t *tx) SetPersonName(ctx context.Context, personID int64, name string) error {
	tag, err := t.tx.Exec(ctx, `UPDATE people SET name = $1 WHERE id = $2`, name, personID)
	if err != nil {
		return storeErr("set person name", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: set name of person %d: %w", personID, store.ErrNotFound)
	}
	return nil
}

// SaveAlertRef records (or replaces) where an alert was posted.
func (t *tx) SaveAlertRef(ctx context.Context, r store.AlertRef) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO alert_refs (request_key, company_id, channel, user_id, ref, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (request_key, channel, user_id) DO UPDATE SET ref = excluded.ref, created_at = excluded.created_at`,
		r.Key, r.CompanyID, r.Channel, r.UserID, r.Ref, t.orNow(r.At))
	return storeErr("save alert ref", err)
}

// AlertRefOf returns where the alert of key was posted to the recipient.
func (t *tx) AlertRefOf(ctx context.Context, key, channel, userID string) (store.AlertRef, error) {
	r := store.AlertRef{Key: key, Channel: channel, UserID: userID}
	err := t.tx.QueryRow(ctx, `
		SELECT company_id, ref, created_at FROM alert_refs
		WHERE request_key = $1 AND channel = $2 AND user_id = $3`, key, channel, userID).
		Scan(&r.CompanyID, &r.Ref, &r.At)
	if err != nil {
		return store.AlertRef{}, storeErr("alert ref", err)
	}
	return r, nil
}
