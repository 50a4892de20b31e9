package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

const reminderCols = `id, kind, recipient_id, COALESCE(company_id, 0), COALESCE(session_id, 0), due_at,
	dedupe_key, status, attempts, lease_until, last_error, payload, sent_at, created_at`

func scanReminder(row pgx.CollectableRow) (store.Reminder, error) {
	var r store.Reminder
	var leaseUntil, sentAt *time.Time
	err := row.Scan(&r.ID, &r.Kind, &r.RecipientID, &r.CompanyID, &r.SessionID, &r.DueAt,
		&r.DedupeKey, &r.Status, &r.Attempts, &leaseUntil, &r.LastError, &r.Payload, &sentAt, &r.CreatedAt)
	r.LeaseUntil, r.SentAt = timeOrZero(leaseUntil), timeOrZero(sentAt)
	return r, err
}

// EnqueueReminder inserts r unless its dedupe key is taken. An empty status
// is pending; every other field, CreatedAt included, is stored as given.
func (t *tx) EnqueueReminder(ctx context.Context, r store.Reminder) (bool, error) {
	if r.Status == "" {
		r.Status = store.ReminderPending
	}
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO reminders (kind, recipient_id, company_id, session_id, due_at, dedupe_key, status, attempts,
			lease_until, last_error, payload, sent_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		r.Kind, r.RecipientID, sqlval.NullID(r.CompanyID), sqlval.NullID(r.SessionID), r.DueAt, r.DedupeKey,
		r.Status, r.Attempts, nullTime(r.LeaseUntil), r.LastError, r.Payload, nullTime(r.SentAt), r.CreatedAt)
	if err != nil {
		return false, storeErr("enqueue reminder", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ClaimReminders leases the due reminders in one statement. The inner
// SELECT locks the rows it picks and skips rows another claimer has locked,
// so concurrent claimers never get the same reminder and never wait for
// each other.
func (t *tx) ClaimReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Reminder, error) {
	if limit <= 0 {
		return []store.Reminder{}, nil
	}
	rs, err := queryAll(ctx, t, scanReminder, `
		WITH claimed AS (
			UPDATE reminders SET status = 'claimed', lease_until = $2, attempts = attempts + 1
			WHERE id IN (
				SELECT id FROM reminders
				WHERE (status = 'pending' AND due_at <= $1) OR (status = 'claimed' AND lease_until <= $1)
				ORDER BY due_at, id
				LIMIT $3
				FOR UPDATE SKIP LOCKED)
			RETURNING *
		)
		SELECT `+reminderCols+` FROM claimed ORDER BY due_at, id`,
		now, now.Add(lease), limit)
	return rs, storeErr("claim reminders", err)
}

// FinishReminder stores the outcome of a claim still held with r.Attempts.
func (t *tx) FinishReminder(ctx context.Context, r store.Reminder) error {
	if err := checkFinish(r.Status); err != nil {
		return storeErr("finish reminder", err)
	}
	tag, err := t.tx.Exec(ctx, `
		UPDATE reminders
		SET status = $3, due_at = COALESCE($4, due_at), lease_until = NULL, last_error = $5, sent_at = $6
		WHERE id = $1 AND status = 'claimed' AND attempts = $2`,
		r.ID, r.Attempts, r.Status, nullTime(r.DueAt), r.LastError, nullTime(r.SentAt))
	return storeErr("finish reminder", oneRow(tag, err, store.ErrConflict))
}

// checkFinish refuses outcomes that are not one: a reminder is finished as
// sent, failed, expired, cancelled, or back to pending for a retry.
func checkFinish(status store.ReminderStatus) error {
	switch status {
	case store.ReminderSent, store.ReminderFailed, store.ReminderExpired, store.ReminderCancelled, store.ReminderPending:
		return nil
	}
	return fmt.Errorf("status %q is not an outcome", status)
}

// reminderFilter is the WHERE clause of a store.ReminderFilter, whose
// fields are passed as @kind, @status, @recipient, @company and @session: a
// zero field matches anything.
const reminderFilter = `(@kind::text = '' OR kind = @kind)
	AND (@status::text = '' OR status = @status)
	AND (@recipient::bigint = 0 OR recipient_id = @recipient)
	AND (@company::bigint = 0 OR company_id = @company)
	AND (@session::bigint = 0 OR session_id = @session)`

func filterArgs(f store.ReminderFilter) pgx.NamedArgs {
	return pgx.NamedArgs{"kind": f.Kind, "status": string(f.Status), "recipient": f.RecipientID,
		"company": f.CompanyID, "session": f.SessionID}
}

func (t *tx) Reminders(ctx context.Context, f store.ReminderFilter) ([]store.Reminder, error) {
	rs, err := queryAll(ctx, t, scanReminder, `
		SELECT `+reminderCols+` FROM reminders
		WHERE `+reminderFilter+`
		ORDER BY due_at, id`, filterArgs(f))
	return rs, storeErr("reminders", err)
}

// CancelReminders cancels the pending reminders that match f.
func (t *tx) CancelReminders(ctx context.Context, f store.ReminderFilter) (int64, error) {
	tag, err := t.tx.Exec(ctx, `
		UPDATE reminders SET status = 'cancelled'
		WHERE status = 'pending' AND `+reminderFilter, filterArgs(f))
	return tag.RowsAffected(), storeErr("cancel reminders", err)
}
