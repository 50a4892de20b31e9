package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// ReminderBacklog counts the pending and claimed reminders by kind.
func (t *tx) ReminderBacklog(ctx context.Context, now time.Time) ([]store.ReminderBacklog, error) {
	bs, err := queryAll(ctx, t, func(row rowScanner) (store.ReminderBacklog, error) {
		var b store.ReminderBacklog
		err := row.Scan(&b.Kind, &b.Pending, &b.Overdue, timeCol{&b.OldestAt})
		return b, err
	}, `
		SELECT kind, count(*), count(*) FILTER (WHERE due_at < :now), min(due_at) FILTER (WHERE due_at < :now)
		FROM reminders WHERE status IN ('pending', 'claimed')
		GROUP BY kind ORDER BY kind`, sql.Named("now", timeText(now)))
	if err != nil {
		return nil, fmt.Errorf("sqlite: reminder backlog: %w", err)
	}
	return bs, nil
}
