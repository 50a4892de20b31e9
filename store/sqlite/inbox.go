package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/bansou/bansou/store"
)

const inboxCols = `id, dedupe_key, channel, person_key, kind, payload, received_at, status, lease_until,
	attempts, last_error, done_at`

func scanInbox(row rowScanner) (store.InboxItem, error) {
	var it store.InboxItem
	err := row.Scan(&it.ID, &it.DedupeKey, &it.Channel, &it.PersonKey, &it.Kind, &it.Payload, timeCol{&it.ReceivedAt},
		&it.Status, timeCol{&it.LeaseUntil}, &it.Attempts, &it.LastError, timeCol{&it.DoneAt})
	return it, err
}

// AddInbox inserts it as pending unless its dedupe key is taken, claimed
// by the caller when asked and the person has nothing else pending (one
// write transaction at a time makes the check safe).
func (t *tx) AddInbox(ctx context.Context, it store.InboxItem, leaseUntil time.Time) (store.InboxItem, bool, error) {
	if it.Payload == nil {
		it.Payload = []byte{}
	}
	out, err := scanInbox(t.tx.QueryRowContext(ctx, `
		WITH free AS (
			SELECT :lease IS NOT NULL
			   AND NOT EXISTS (SELECT 1 FROM inbox WHERE person_key = :person AND status = 'pending') AS claim
		)
		INSERT INTO inbox (dedupe_key, channel, person_key, kind, payload, received_at, status, lease_until, attempts)
		SELECT :key, :channel, :person, :kind, :payload, :received, 'pending',
		       CASE WHEN claim THEN :lease END, CASE WHEN claim THEN 1 ELSE 0 END
		FROM free WHERE true
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING `+inboxCols,
		sql.Named("key", it.DedupeKey), sql.Named("channel", it.Channel), sql.Named("person", it.PersonKey),
		sql.Named("kind", it.Kind), sql.Named("payload", it.Payload), sql.Named("received", timeText(it.ReceivedAt)),
		sql.Named("lease", nullTime(leaseUntil))))
	if errors.Is(err, sql.ErrNoRows) {
		return store.InboxItem{}, false, nil
	}
	if err != nil {
		return store.InboxItem{}, false, fmt.Errorf("sqlite: add inbox %s: %w", it.DedupeKey, err)
	}
	return out, true, nil
}

// addDone inserts the row of an event whose turn runs now, already done at
// at and never claimed (attempts 0), unless the person has a pending row (it must run first) or the dedupe
// key is taken: then store.ErrInboxTaken. One write transaction at a time
// makes the check safe.
func (t *tx) addDone(ctx context.Context, it store.InboxItem, at time.Time) error {
	if it.Payload == nil {
		it.Payload = []byte{}
	}
	res, err := t.tx.ExecContext(ctx, `
		INSERT INTO inbox (dedupe_key, channel, person_key, kind, payload, received_at, status, attempts, done_at)
		SELECT :key, :channel, :person, :kind, :payload, :received, 'done', 0, :at
		WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE person_key = :person AND status = 'pending')
		ON CONFLICT (dedupe_key) DO NOTHING`,
		sql.Named("key", it.DedupeKey), sql.Named("channel", it.Channel), sql.Named("person", it.PersonKey),
		sql.Named("kind", it.Kind), sql.Named("payload", it.Payload), sql.Named("received", timeText(it.ReceivedAt)),
		sql.Named("at", timeText(at)))
	if err != nil {
		return fmt.Errorf("sqlite: add inbox %s: %w", it.DedupeKey, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("sqlite: add inbox %s: %w", it.DedupeKey, errors.Join(err, store.ErrInboxTaken))
	}
	return nil
}

// ClaimInbox leases the head row of each person in one statement; the store
// runs one write transaction at a time.
func (t *tx) ClaimInbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.InboxItem, error) {
	if limit <= 0 {
		return []store.InboxItem{}, nil
	}
	its, err := queryAll(ctx, t, scanInbox, `
		UPDATE inbox SET lease_until = :lease_until, attempts = attempts + 1
		WHERE id IN (
			SELECT i.id FROM inbox i
			WHERE i.status = 'pending' AND (i.lease_until IS NULL OR i.lease_until <= :now)
			  AND NOT EXISTS (SELECT 1 FROM inbox e
			                  WHERE e.person_key = i.person_key AND e.status = 'pending' AND e.id < i.id)
			ORDER BY i.id
			LIMIT :limit)
		RETURNING `+inboxCols,
		sql.Named("now", timeText(now)), sql.Named("lease_until", timeText(now.Add(lease))), sql.Named("limit", limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim inbox: %w", err)
	}
	slices.SortFunc(its, func(a, b store.InboxItem) int { return int(a.ID - b.ID) })
	return its, nil
}

// FinishInbox marks a row done while the claim still holds.
func (t *tx) FinishInbox(ctx context.Context, id int64, attempts int, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `
		UPDATE inbox SET status = 'done', done_at = ?, lease_until = NULL
		WHERE id = ? AND attempts = ? AND status = 'pending'`, timeText(at), id, attempts)
	if err := oneRow(res, err, store.ErrLeaseLost); err != nil {
		return fmt.Errorf("sqlite: finish inbox %d: %w", id, err)
	}
	return nil
}

// RetryInbox releases a row for a later try.
func (t *tx) RetryInbox(ctx context.Context, id int64, attempts int, notBefore time.Time, lastError string) error {
	res, err := t.tx.ExecContext(ctx, `
		UPDATE inbox SET lease_until = ?, last_error = ?
		WHERE id = ? AND attempts = ? AND status = 'pending'`, timeText(notBefore), lastError, id, attempts)
	if err := oneRow(res, err, store.ErrLeaseLost); err != nil {
		return fmt.Errorf("sqlite: retry inbox %d: %w", id, err)
	}
	return nil
}

// FailInbox gives up on a row.
func (t *tx) FailInbox(ctx context.Context, id int64, attempts int, at time.Time, lastError string) error {
	res, err := t.tx.ExecContext(ctx, `
		UPDATE inbox SET status = 'failed', done_at = ?, lease_until = NULL, last_error = ?
		WHERE id = ? AND attempts = ? AND status = 'pending'`, timeText(at), lastError, id, attempts)
	if err := oneRow(res, err, store.ErrLeaseLost); err != nil {
		return fmt.Errorf("sqlite: fail inbox %d: %w", id, err)
	}
	return nil
}

func (t *tx) InboxItem(ctx context.Context, id int64) (store.InboxItem, error) {
	it, err := scanInbox(t.tx.QueryRowContext(ctx, `SELECT `+inboxCols+` FROM inbox WHERE id = ?`, id))
	if err != nil {
		return it, fmt.Errorf("sqlite: inbox item %d: %w", id, storeErr(err))
	}
	return it, nil
}

// SweepInbox deletes finished rows.
func (t *tx) SweepInbox(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `DELETE FROM inbox WHERE status <> 'pending' AND done_at < ?`, timeText(cutoff)))
	if err != nil {
		return 0, fmt.Errorf("sqlite: sweep inbox: %w", err)
	}
	return n, nil
}

// InboxStats counts the pending rows.
func (t *tx) InboxStats(ctx context.Context) (store.InboxStats, error) {
	var s store.InboxStats
	err := t.tx.QueryRowContext(ctx, `SELECT count(*), min(received_at) FROM inbox WHERE status = 'pending'`).
		Scan(&s.Pending, timeCol{&s.OldestReceived})
	if err != nil {
		return s, fmt.Errorf("sqlite: inbox stats: %w", err)
	}
	return s, nil
}
