package store

import (
	"context"
	"errors"
	"time"
)

// ErrLeaseLost is returned when an inbox row is no longer held by the
// caller's claim (its lease ran out and another worker took it, or it is
// already done). The caller must drop its work: the other holder runs it.
var ErrLeaseLost = errors.New("store: inbox lease lost")

// ErrInboxTaken is returned when a turn cannot store its own event's inbox
// row (see Turns.OpenTurn): the dedupe key is taken (a redelivery) or the
// person has a pending row the turn must not overtake. Nothing changed; the
// caller stores the event with AddInbox instead.
var ErrInboxTaken = errors.New("store: inbox row taken or person busy")

// InboxStatus is the state of an inbox row.
type InboxStatus string

const (
	InboxPending InboxStatus = "pending" // waiting, or leased by a worker (LeaseUntil in the future)
	InboxDone    InboxStatus = "done"    // its turn committed
	InboxFailed  InboxStatus = "failed"  // gave up after too many attempts
)

// InboxItem is one acknowledged inbound event, written before the platform
// got its 2xx, run later by a worker.
type InboxItem struct {
	ID         int64
	DedupeKey  string // unique: a redelivery is not stored twice
	Channel    string // slack, line
	PersonKey  string // events with the same key run one at a time, in ID order
	Kind       string // what Payload holds, for the adapter that reads it
	Payload    []byte // the verified event, as the adapter wrote it
	ReceivedAt time.Time
	Status     InboxStatus
	LeaseUntil time.Time // zero when never leased
	Attempts   int
	LastError  string
	DoneAt     time.Time // zero while pending
}

// InboxStats describe the rows still pending.
type InboxStats struct {
	Pending        int64
	OldestReceived time.Time // zero when nothing is pending
}

// InboxTx is what a transaction can do with the inbox.
type InboxTx interface {
	// AddInbox stores it as pending (Status, lease, attempts and DoneAt are
	// ignored) unless its DedupeKey is taken; it reports whether it was
	// inserted and returns the row with its ID when it was. When leaseUntil
	// is not zero and the person has no other pending row, the row is
	// stored already claimed by the caller (Attempts 1, LeaseUntil
	// leaseUntil), so it can run at once without a claim; adds for one
	// person are serialised so that two are never both claimed.
	AddInbox(ctx context.Context, it InboxItem, leaseUntil time.Time) (InboxItem, bool, error)
	// ClaimInbox leases up to limit pending rows whose lease is unset or
	// over (LeaseUntil <= now) and which are the oldest pending row (lowest
	// ID) of their PersonKey: it sets LeaseUntil = now+lease and Attempts+1
	// and returns them by ID. So two rows of one person are never leased at
	// once, nor out of order. Concurrent claimers never get the same row and
	// never wait for each other's rows.
	ClaimInbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]InboxItem, error)
	// FinishInbox marks a claimed row done at at. It applies only while the
	// row is pending with the same Attempts; otherwise ErrLeaseLost and
	// nothing changes. The transaction stays usable after ErrLeaseLost.
	FinishInbox(ctx context.Context, id int64, attempts int, at time.Time) error
	// RetryInbox releases a claimed row for another try not before
	// notBefore, recording lastError. ErrLeaseLost as for FinishInbox.
	RetryInbox(ctx context.Context, id int64, attempts int, notBefore time.Time, lastError string) error
	// FailInbox gives up on a claimed row at at, recording lastError: the
	// next row of the person may run. ErrLeaseLost as for FinishInbox.
	FailInbox(ctx context.Context, id int64, attempts int, at time.Time, lastError string) error
	// InboxItem returns the row by ID.
	InboxItem(ctx context.Context, id int64) (InboxItem, error)
	// SweepInbox deletes done and failed rows finished before cutoff and
	// returns how many it deleted.
	SweepInbox(ctx context.Context, cutoff time.Time) (int64, error)
	// InboxStats counts the pending rows.
	InboxStats(ctx context.Context) (InboxStats, error)
}
