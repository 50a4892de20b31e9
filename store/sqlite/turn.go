package sqlite

import (
	"context"
	"errors"

	"github.com/bansou/bansou/store"
)

// OpenTurn runs the inbox row's insert (addDone), MarkEvent, FinishInbox,
// PersonByIdentity and ActiveSession one after the other: SQLite answers
// in-process, so there is no round trip to save.
func (t *tx) OpenTurn(ctx context.Context, k store.TurnKey) (store.TurnStart, error) {
	ts := store.TurnStart{Fresh: true}
	var err error
	added := k.Inbox != nil && k.Inbox.Add != nil
	if added { // the row's dedupe key is the event's record: no MarkEvent
		if err := t.addDone(ctx, *k.Inbox.Add, k.Inbox.At); err != nil {
			return ts, err
		}
	}
	if k.EventID != "" && !added {
		if ts.Fresh, err = t.MarkEvent(ctx, k.EventID, k.At); err != nil || !ts.Fresh {
			return ts, err
		}
	}
	if m := k.Inbox; m != nil && m.Add == nil {
		if err := t.FinishInbox(ctx, m.ID, m.Attempts, m.At); err != nil {
			return ts, err
		}
	}
	ts.Person, err = t.PersonByIdentity(ctx, k.Channel, k.ExternalID)
	if errors.Is(err, store.ErrNotFound) {
		return ts, nil
	}
	if err != nil {
		return ts, err
	}
	ts.PersonFound = true
	ts.Session, err = t.ActiveSession(ctx, ts.Person.ID)
	if errors.Is(err, store.ErrNotFound) {
		return ts, nil
	}
	ts.SessionFound = err == nil
	return ts, err
}

// SaveTurn runs UpdateSession, then AddAnswer when the update succeeded.
func (t *tx) SaveTurn(ctx context.Context, s store.Session, a *store.Answer) (store.Session, error) {
	saved, err := t.UpdateSession(ctx, s)
	if err != nil || a == nil {
		return saved, err
	}
	_, err = t.AddAnswer(ctx, *a)
	return saved, err
}
