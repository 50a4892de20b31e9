package bot

import (
	"context"
	"sync/atomic"
	"time"
)

// InboxClaim is the inbox row a turn runs for (bot/inbox sets it on the
// context). The turn marks the row done inside its own transaction, so a
// crash between the turn's commit and a separate "done" can never run the
// turn twice.
type InboxClaim struct {
	ID       int64
	Attempts int

	finished atomic.Bool // a turn committed with the row marked done
}

// Finished reports whether a turn marked the row done in a transaction that
// committed: then the worker has nothing left to mark.
func (c *InboxClaim) Finished() bool { return c.finished.Load() }

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
