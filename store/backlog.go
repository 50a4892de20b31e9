package store

import (
	"context"
	"time"
)

// ReminderBacklog is the pending reminders of one kind.
type ReminderBacklog struct {
	Kind     string
	Pending  int64     // pending or claimed
	Overdue  int64     // of those, due before now
	OldestAt time.Time // earliest due time among the overdue; zero when none
}

// BacklogTx reads what operators watch.
type BacklogTx interface {
	// ReminderBacklog counts the pending and claimed reminders by kind, as
	// of now, ordered by kind. Kinds with nothing pending are left out.
	ReminderBacklog(ctx context.Context, now time.Time) ([]ReminderBacklog, error)
}
