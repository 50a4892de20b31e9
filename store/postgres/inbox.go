package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

const inboxCols = `id, dedupe_key, channel, person_key, kind, payload, received_at, status, lease_until,
	attempts, last_error, done_at`

func scanInbox(row pgx.CollectableRow) (store.InboxItem, error) {
	var it store.InboxItem
	var leaseUntil, doneAt *time.Time
	err := row.Scan(&it.ID, &it.DedupeKey, &it.Channel, &it.PersonKey, &it.Kind, &it.Payload, &it.ReceivedAt,
		&it.Status, &leaseUntil, &it.Attempts, &it.LastError, &doneAt)
	it.LeaseUntil, it.DoneAt = timeOrZero(leaseUntil), timeOrZero(doneAt)
	return it, err
}

// bytesOrEmpty is p, or an empty payload for the NOT NULL column.
func bytesOrEmpty(p []byte) []byte {
	if p == nil {
		return []byte{}
	}
	return p
}

// lockInboxPerson serialises the adds of one person ($1: the person key)
// until the transaction ends.
const lockInboxPerson = `SELECT pg_advisory_xact_lock(hashtextextended('bansou.inbox:' || $1, 0))`

// addInbox inserts a row ($1–$6: dedupe key, channel, person key, kind,
// payload, received at), claimed when $7 (the lease's end) is set and the
// person has no pending row.
const addInbox = `
		WITH free AS (
			SELECT $7::timestamptz IS NOT NULL
			   AND NOT EXISTS (SELECT 1 FROM inbox WHERE person_key = $3 AND status = 'pending') AS claim
		)
		INSERT INTO inbox (dedupe_key, channel, person_key, kind, payload, received_at, status, lease_until, attempts)
		SELECT $1, $2, $3, $4, $5, $6, 'pending', CASE WHEN claim THEN $7 END, CASE WHEN claim THEN 1 ELSE 0 END
		FROM free
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING ` + inboxCols

// addInboxDone inserts the row of an event whose turn runs now, already
// done and never claimed (attempts 0; $1–$6 as for addInbox, $7: done
// at), unless the person has a
// pending row (it must run first) or the dedupe key is taken. Run it under
// lockInboxPerson.
const addInboxDone = `
		INSERT INTO inbox (dedupe_key, channel, person_key, kind, payload, received_at, status, attempts, done_at)
		SELECT $1, $2, $3, $4, $5, $6, 'done', 0, $7
		WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE person_key = $3 AND status = 'pending')
		ON CONFLICT (dedupe_key) DO NOTHING`

// AddInbox inserts it as pending unless its dedupe key is taken, claimed
// by the caller when asked and the person has nothing else pending. The
// transaction-scoped advisory lock on the person serialises the adds of one
// person, so the NOT EXISTS of the second sees the first.
func (t *tx) AddInbox(ctx context.Context, it store.InboxItem, leaseUntil time.Time) (store.InboxItem, bool, error) {
	if it.Payload == nil {
		it.Payload = []byte{}
	}
	if !leaseUntil.IsZero() {
		if _, err := t.tx.Exec(ctx, lockInboxPerson, it.PersonKey); err != nil {
			return store.InboxItem{}, false, storeErr("add inbox", err)
		}
	}
	out, err := queryOne(ctx, t, scanInbox, addInbox,
		it.DedupeKey, it.Channel, it.PersonKey, it.Kind, it.Payload, it.ReceivedAt, nullTime(leaseUntil))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.InboxItem{}, false, nil
	}
	if err != nil {
		return store.InboxItem{}, false, storeErr("add inbox", err)
	}
	return out, true, nil
}

// ClaimInbox leases the head row of each person in one statement. The
// inner SELECT skips rows another claimer has locked; a row behind a leased
// head is never a head itself (the leased head is still pending), so one
// person's rows run one at a time. The pick is MATERIALIZED: as an IN
// subquery PostgreSQL may run it again per row and lease more than limit.
func (t *tx) ClaimInbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.InboxItem, error) {
	if limit <= 0 {
		return []store.InboxItem{}, nil
	}
	// A lease lost in a crash only makes the row claimable again, so the
	// claim need not wait for its commit to reach the disk.
	if _, err := t.tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return nil, storeErr("claim inbox", err)
	}
	its, err := queryAll(ctx, t, scanInbox, `
		WITH picked AS MATERIALIZED (
			SELECT i.id FROM inbox i
			WHERE i.status = 'pending' AND (i.lease_until IS NULL OR i.lease_until <= $1)
			  AND NOT EXISTS (SELECT 1 FROM inbox e
			                  WHERE e.person_key = i.person_key AND e.status = 'pending' AND e.id < i.id)
			ORDER BY i.id
			LIMIT $3
			FOR UPDATE SKIP LOCKED
		), claimed AS (
			UPDATE inbox SET lease_until = $2, attempts = inbox.attempts + 1
			FROM picked
			WHERE inbox.id = picked.id
			RETURNING inbox.*
		)
		SELECT `+inboxCols+` FROM claimed ORDER BY id`,
		now, now.Add(lease), limit)
	return its, storeErr("claim inbox", err)
}

// FinishInbox marks a row done while the claim still holds.
func (t *tx) FinishInbox(ctx context.Context, id int64, attempts int, at time.Time) error {
	if _, err := t.tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return storeErr("finish inbox", err)
	}
	tag, err := t.tx.Exec(ctx, `
		UPDATE inbox SET status = 'done', done_at = $3, lease_until = NULL
		WHERE id = $1 AND attempts = $2 AND status = 'pending'`, id, attempts, at)
	return storeErr("finish inbox", oneRow(tag, err, store.ErrLeaseLost))
}

// RetryInbox releases a row for a later try.
func (t *tx) RetryInbox(ctx context.Context, id int64, attempts int, notBefore time.Time, lastError string) error {
	tag, err := t.tx.Exec(ctx, `
		UPDATE inbox SET lease_until = $3, last_error = $4
		WHERE id = $1 AND attempts = $2 AND status = 'pending'`, id, attempts, notBefore, lastError)
	return storeErr("retry inbox", oneRow(tag, err, store.ErrLeaseLost))
}

// FailInbox gives up on a row.
func (t *tx) FailInbox(ctx context.Context, id int64, attempts int, at time.Time, lastError string) error {
	tag, err := t.tx.Exec(ctx, `
		UPDATE inbox SET status = 'failed', done_at = $3, lease_until = NULL, last_error = $4
		WHERE id = $1 AND attempts = $2 AND status = 'pending'`, id, attempts, at, lastError)
	return storeErr("fail inbox", oneRow(tag, err, store.ErrLeaseLost))
}

func (t *tx) InboxItem(ctx context.Context, id int64) (store.InboxItem, error) {
	it, err := queryOne(ctx, t, scanInbox, `SELECT `+inboxCols+` FROM inbox WHERE id = $1`, id)
	return it, storeErr("inbox item", err)
}

// SweepInbox deletes finished rows.
func (t *tx) SweepInbox(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM inbox WHERE status <> 'pending' AND done_at < $1`, cutoff)
	if err != nil {
		return 0, storeErr("sweep inbox", err)
	}
	return tag.RowsAffected(), nil
}

// InboxStats counts the pending rows.
func (t *tx) InboxStats(ctx context.Context) (store.InboxStats, error) {
	var s store.InboxStats
	var oldest *time.Time
	err := t.tx.QueryRow(ctx, `SELECT count(*), min(received_at) FROM inbox WHERE status = 'pending'`).Scan(&s.Pending, &oldest)
	s.OldestReceived = timeOrZero(oldest)
	return s, storeErr("inbox stats", err)
}
