package bot

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/bansou/bansou/store"
)

// InboxClaim is the inbox row a turn runs for (bot/inbox sets it on the
// context). The turn marks the row done inside its own transaction, so a
// crash between the turn's commit and a separate "done" can never run the
// turn twice.
//
// A claim made by NewRowClaim is for an event that runs straight from
// intake, not yet stored: the turn inserts its row, already done, in its own
// transaction, so the event is stored by the turn's commit.
type InboxClaim struct {
	ID       int64
	Attempts int
	Add      *store.InboxItem // the row the turn inserts (NewRowClaim); nil: mark row ID done

	finished  atomic.Bool   // a turn committed with the row marked done
	committed chan struct{} // closed when it did (NewRowClaim only)
}

// NewRowClaim is the claim of an event whose turn stores it: the turn
// inserts it as a done row in its own transaction.
func NewRowClaim(it store.InboxItem) *InboxClaim {
	return &InboxClaim{Add: &it, committed: make(chan struct{})}
}

// Finished reports whether a turn marked the row done in a transaction that
// committed: then the worker has nothing left to mark.
func (c *InboxClaim) Finished() bool { return c.finished.Load() }

// Committed is closed when a turn's transaction with the row committed (for
// a claim made by NewRowClaim; otherwise it is never closed): the event is
// stored, and the platform may be acknowledged while the replies are sent.
func (c *InboxClaim) Committed() <-chan struct{} { return c.committed }

// finish records that the turn's transaction committed with the row.
func (c *InboxClaim) finish() {
	if c.finished.CompareAndSwap(false, true) && c.committed != nil {
		close(c.committed)
	}
}

type claimKey struct{}

// WithInboxClaim returns ctx carrying c for the turn that runs in it.
func WithInboxClaim(ctx context.Context, c *InboxClaim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

func inboxClaim(ctx context.Context) (*InboxClaim, bool) {
	c, ok := ctx.Value(claimKey{}).(*InboxClaim)
	return c, ok && c != nil
}

// replyTimeout bounds the sending of a committed turn's replies when the
// turn's own context has ended (a replica shutting down mid-turn).
const replyTimeout = 10 * time.Second
