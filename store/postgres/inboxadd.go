package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

// AddInbox is tx.AddInbox in a transaction of its own, in one round trip:
// the person's lock and the insert go out as one batch, which PostgreSQL
// runs as one implicit transaction and commits (the WAL flushed, as any
// commit here) before it answers. So an event is durable, and may be
// acknowledged, after a single round trip. bot/inbox uses it when the store
// offers it.
func (db *DB) AddInbox(ctx context.Context, it store.InboxItem, leaseUntil time.Time) (store.InboxItem, bool, error) {
	if it.Payload == nil {
		it.Payload = []byte{}
	}
	b := &pgx.Batch{}
	if !leaseUntil.IsZero() {
		b.Queue(lockInboxPerson, it.PersonKey)
	}
	b.Queue(addInbox, it.DedupeKey, it.Channel, it.PersonKey, it.Kind, it.Payload, it.ReceivedAt, nullTime(leaseUntil))
	br := db.pool.SendBatch(ctx, b)
	defer br.Close()
	if !leaseUntil.IsZero() {
		if _, err := br.Exec(); err != nil {
			return store.InboxItem{}, false, storeErr("add inbox", err)
		}
	}
	rows, _ := br.Query()
	out, err := pgx.CollectOneRow(rows, scanInbox)
	inserted := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return store.InboxItem{}, false, storeErr("add inbox", err)
	}
	// Close reads the end of the implicit transaction: only now is the
	// row committed.
	if err := br.Close(); err != nil {
		return store.InboxItem{}, false, storeErr("add inbox", err)
	}
	if !inserted {
		return store.InboxItem{}, false, nil
	}
	return out, true, nil
}
