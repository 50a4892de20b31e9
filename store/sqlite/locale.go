package sqlite

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/store"
)

// SetLocale sets a person's locale.
func (t *tx) SetLocale(ctx context.Context, personID int64, locale string) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE people SET locale = ? WHERE id = ?`, locale, personID)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: set locale of %d: %w", personID, err)
	}
	return nil
}
