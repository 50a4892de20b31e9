package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

// ReminderBacklog counts the pending and claimed reminders by kind.
func (t *tx) ReminderBacklog(ctx context.Context, now time.Time) ([]store.ReminderBacklog, error) {
	bs, err := queryAll(ctx, t, func(row pgx.CollectableRow) (store.ReminderBacklog, error) {
		var b store.ReminderBacklog
		var oldest *time.Time
		err := row.Scan(&b.Kind, &b.Pending, &b.Overdue, &oldest)
		b.OldestAt = timeOrZero(oldest)
		return b, err
	}, `
		SELECT kind, count(*), count(*) FILTER (WHERE due_at < $1), min(due_at) FILTER (WHERE due_at < $1)
		FROM reminders WHERE status IN ('pending', 'claimed')
		GROUP BY kind ORDER BY kind`, now)
	return bs, storeErr("reminder backlog", err)
}
