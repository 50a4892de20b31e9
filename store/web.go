package store

import (
	"context"
	"time"
)

// WebSignIn is what the web desk's sign-in needs: single-use links and the
// sessions they open. Only hashes of the tokens are stored; expiry is the
// caller's to check.
type WebSignIn interface {
	// CreateWebLink stores l and returns it with its ID. ErrConflict when
	// the hash is taken.
	CreateWebLink(ctx context.Context, l WebLink) (WebLink, error)
	// UseWebLink marks the link with tokenHash used at at and returns it as
	// it was before (UsedAt zero). ErrConflict when it was used already (a
	// link works once, even under a race), ErrNotFound when there is none.
	UseWebLink(ctx context.Context, tokenHash string, at time.Time) (WebLink, error)
	// CreateWebSession stores s and returns it with its ID. ErrConflict when
	// the hash is taken.
	CreateWebSession(ctx context.Context, s WebSession) (WebSession, error)
	// WebSessionByHash returns the session with tokenHash.
	WebSessionByHash(ctx context.Context, tokenHash string) (WebSession, error)
	// TouchWebSession sets the session's LastSeenAt. ErrNotFound when it is
	// gone (ended meanwhile).
	TouchWebSession(ctx context.Context, id int64, at time.Time) error
	// EndWebSession deletes one session; ending a missing one is no error.
	EndWebSession(ctx context.Context, id int64) error
	// EndWebSessions deletes every session of personID and returns how many
	// it deleted.
	EndWebSessions(ctx context.Context, personID int64) (int64, error)
}

// WebLink is a single-use sign-in link for the web desk.
type WebLink struct {
	ID        int64
	TokenHash string
	PersonID  int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
}

// WebSession is a signed-in browser.
type WebSession struct {
	ID         int64
	TokenHash  string
	PersonID   int64
	CreatedAt  time.Time
	LastSeenAt time.Time
}
