package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// LastCancelled returns the respondent's latest cancelled session updated
// at or after since.
func (t *tx) LastCancelled(ctx context.Context, respondentID int64, since time.Time) (store.Session, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions WHERE respondent_id = ? AND status = 'cancelled' AND updated_at >= ?
		ORDER BY updated_at DESC, id DESC LIMIT 1`, respondentID, timeText(since))
	s, err := scanSession(row)
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: last cancelled session of %d: %w", respondentID, storeErr(err))
	}
	return s, nil
}
