package store

import (
	"context"
	"time"
)

// Turns is what one conversational turn needs, shaped so that PostgreSQL
// answers it in two round trips: one to open the turn, one to save it.
// SQLite may run the same statements one by one.
type Turns interface {
	// OpenTurn records the turn's inbound event (when k.EventID is set) and
	// finds the person behind (k.Channel, k.ExternalID) with their active
	// session. A duplicate event comes back with Fresh false. A person or
	// session that does not exist is reported by PersonFound or
	// SessionFound, not by an error.
	OpenTurn(ctx context.Context, k TurnKey) (TurnStart, error)
	// SaveTurn saves s like UpdateSession and, when a is not nil and the
	// save succeeded, appends a (an answer of s: a.SessionID == s.ID) like
	// AddAnswer, as one statement on PostgreSQL: a stale version is
	// ErrConflict, adds nothing and leaves the transaction usable.
	SaveTurn(ctx context.Context, s Session, a *Answer) (Session, error)
}

// TurnKey identifies a turn: the event that caused it and who sent it.
// (A durable inbox would mark its row here instead of, or beside, the
// event: OpenTurn is the place for whatever a turn records first.)
type TurnKey struct {
	EventID    string // "" when the turn has no inbound event (e.g. a resume)
	At         time.Time
	Channel    string
	ExternalID string
}

// TurnStart is what OpenTurn found.
type TurnStart struct {
	Fresh        bool // the event was recorded now (always true without an EventID)
	Person       Person
	PersonFound  bool
	Session      Session // the person's active session
	SessionFound bool
}
