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
	// SessionFound, not by an error. When k.Inbox is set and the event is
	// fresh, it also marks that inbox row done like FinishInbox, in the
	// same round trip on PostgreSQL: a row no longer held by the claim is
	// ErrLeaseLost (the caller drops the turn). When k.Inbox.Add is set, it
	// inserts that row already done instead, so the event is stored by the
	// turn's own commit: unless the row's dedupe key is taken or its person
	// has a pending row, which is ErrInboxTaken (the caller stores the event
	// the ordinary way, behind the pending row). The row's dedupe key then
	// stands for the event: EventID is not recorded beside it.
	OpenTurn(ctx context.Context, k TurnKey) (TurnStart, error)
	// SaveTurn saves s like UpdateSession and, when a is not nil and the
	// save succeeded, appends a (an answer of s: a.SessionID == s.ID) like
	// AddAnswer, as one statement on PostgreSQL: a stale version is
	// ErrConflict, adds nothing and leaves the transaction usable.
	SaveTurn(ctx context.Context, s Session, a *Answer) (Session, error)
}

// TurnKey identifies a turn: the event that caused it, who sent it and,
// when it runs from the durable inbox, the claimed row it finishes.
type TurnKey struct {
	EventID    string // "" when the turn has no inbound event (e.g. a resume)
	At         time.Time
	Channel    string
	ExternalID string
	Inbox      *InboxMark // nil when the turn runs outside the inbox
}

// InboxMark is the claimed inbox row a turn marks done, and when; or the
// row of an event that runs straight from intake, which the turn inserts.
type InboxMark struct {
	ID       int64
	Attempts int
	At       time.Time
	Add      *InboxItem // the row to insert done, never claimed (ID ignored, Attempts 0); nil: mark row ID done
}

// TurnStart is what OpenTurn found.
type TurnStart struct {
	Fresh        bool // the event was recorded now (always true without an EventID)
	Person       Person
	PersonFound  bool
	Session      Session // the person's active session
	SessionFound bool
}
