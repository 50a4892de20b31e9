package postgres

import (
	"context"

	"github.com/bansou/bansou/store"
)

// SetLocale sets a person's locale.
func (t *tx) SetLocale(ctx context.Context, personID int64, locale string) error {
	tag, err := t.tx.Exec(ctx, `UPDATE people SET locale = $2 WHERE id = $1`, personID, locale)
	return storeErr("set locale", oneRow(tag, err, store.ErrNotFound))
}
