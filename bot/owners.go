package bot

import (
	"context"
	"errors"
	"time"

	"github.com/bansou/bansou/store"
)

// ErrUnreachable means the owner blocked the bot (or was never linked):
// nothing may be pushed to them.
var ErrUnreachable = errors.New("bot: owner is unreachable")

// Scheduler turns what a turn created into reminders, inside the turn's
// transaction (so a reason and its reminder commit together). bot/remind
// implements it; a nil Scheduler schedules nothing.
type Scheduler interface {
	// FollowupAdded schedules the advisor's reminder for a follow-up date.
	FollowupAdded(ctx context.Context, tx store.Tx, f store.Followup) error
	// CommitmentAdded schedules the owner check-ins for a new commitment.
	CommitmentAdded(ctx context.Context, tx store.Tx, c store.Commitment) error
	// CheckinSnoozed schedules the check-in again for the next day, at the
	// same local time, after the owner answered 「あとで」.
	CheckinSnoozed(ctx context.Context, tx store.Tx, sess store.Session, ownerID int64, at time.Time) error
}

// CheckInRequest asks the bot to push a check-in to an owner.
type CheckInRequest struct {
	OwnerID   int64
	CompanyID int64
	PushKey   string // stable per scheduled delivery (the reminder's dedupe key)
	Nudge     bool   // a gentle reminder of an unanswered check-in
}

// CheckIn pushes a check-in to an owner: it starts the check-in flow about
// the company, or re-sends the current question when one is open. It is
// idempotent for a PushKey: a retry after a crash pushes the same question
// with the same key. ErrUnreachable when the owner blocked the bot.
func (b *Bot) CheckIn(ctx context.Context, req CheckInRequest) error {
	return errors.New("bot: CheckIn not implemented yet")
}

// Invite is a fresh invite code for an owner.
type Invite struct {
	Code      string // as the owner types it, e.g. "K7QM-X3PA"
	Company   store.Company
	ExpiresAt time.Time
}

// CreateInvite makes a single-use invite code for the named company (created
// when new, and assigned to advisorID when not 0). Only its hash is stored.
func (b *Bot) CreateInvite(ctx context.Context, companyName string, advisorID int64) (Invite, error) {
	return Invite{}, errors.New("bot: CreateInvite not implemented yet")
}
