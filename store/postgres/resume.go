package postgres

import (
	"context"
	"time"

	"github.com/bansou/bansou/store"
)

// LastCancelled returns the respondent's latest cancelled session updated
// at or after since.
func (t *tx) LastCancelled(ctx context.Context, respondentID int64, since time.Time) (store.Session, error) {
	s, err := queryOne(ctx, t, scanSession, `
		SELECT `+sessionCols+` FROM sessions
		WHERE respondent_id = $1 AND status = 'cancelled' AND updated_at >= $2
		ORDER BY updated_at DESC, id DESC LIMIT 1`, respondentID, since)
	return s, storeErr("last cancelled session", err)
}
