package store

import (
	"context"
	"time"
)

// Resumer finds a conversation a person stopped, so it can be taken up
// again (再開).
type Resumer interface {
	// LastCancelled returns the respondent's most recently updated session
	// with status cancelled and UpdatedAt at or after since; ErrNotFound
	// when there is none.
	LastCancelled(ctx context.Context, respondentID int64, since time.Time) (Session, error)
}
