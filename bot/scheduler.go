package bot

import (
	"context"
	"time"

	"github.com/bansou/bansou/store"
)

// Scheduler turns what a turn created into reminders, inside the turn's
// transaction (so a reason and its reminder commit together). bot/remind
// implements it; a nil Scheduler schedules nothing.
type Scheduler interface {
	// FollowupAdded schedules the advisor's reminder for a follow-up date.
	FollowupAdded(ctx context.Context, tx store.Tx, f store.Followup) error
	// CommitmentAdded schedules the owner check-ins for a new commitment.
	CommitmentAdded(ctx context.Context, tx store.Tx, c store.Commitment) error
	// CheckinSnoozed schedules the check-in again after the owner answered
	// 「あとで」 at at — on the next working day, outside the quiet hours —
	// and returns when.
	CheckinSnoozed(ctx context.Context, tx store.Tx, sess store.Session, ownerID int64, at time.Time) (time.Time, error)
	// OwnerReturned re-plans the check-ins of an owner who unblocked the
	// bot at at: from then on, on working days, without a burst.
	OwnerReturned(ctx context.Context, tx store.Tx, link store.OwnerLink, at time.Time) error
}
