package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testBacklog(t *testing.T, open opener) {
	t.Parallel()
	t.Run("the backlog counts pending and claimed reminders by kind, with the oldest overdue", func(t *testing.T) {
		f := setup(t, open)
		owner := f.person(store.RoleOwner, "山田")
		f.enqueue(reminder("c1", owner, at(0)))
		f.enqueue(reminder("c2", owner, at(30)))
		f.enqueue(reminder("c3", owner, at(-10)))
		d := reminder("d1", owner, at(-5))
		d.Kind = "digest"
		f.enqueue(d)
		sent := reminder("c4", owner, at(-60))
		sent.Status = store.ReminderSent
		f.enqueue(sent)
		f.do("claim", func(ctx context.Context, tx store.Tx) error {
			_, err := tx.ClaimReminders(ctx, at(-7), lease, 1) // claims c3: still in the backlog
			return err
		})
		got := must(f, "backlog", func(ctx context.Context, tx store.Tx) ([]store.ReminderBacklog, error) {
			return tx.ReminderBacklog(ctx, at(1))
		})
		want := fmt.Sprint([]store.ReminderBacklog{
			{Kind: "checkin", Pending: 3, Overdue: 2, OldestAt: at(-10).UTC().Truncate(time.Microsecond)},
			{Kind: "digest", Pending: 1, Overdue: 1, OldestAt: at(-5).UTC().Truncate(time.Microsecond)},
		})
		if fmt.Sprint(got) != want {
			t.Errorf("backlog\n got %v\nwant %v", got, want)
		}
	})
}
