package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

const reminderCols = `id, kind, recipient_id, company_id, session_id, due_at, dedupe_key, status, attempts,
	lease_until, last_error, payload, sent_at, created_at`

func scanReminder(row rowScanner) (store.Reminder, error) {
	var r store.Reminder
	err := row.Scan(&r.ID, &r.Kind, &r.RecipientID, idCol{&r.CompanyID}, idCol{&r.SessionID}, timeCol{&r.DueAt},
		&r.DedupeKey, &r.Status, &r.Attempts, timeCol{&r.LeaseUntil}, &r.LastError, &r.Payload,
		timeCol{&r.SentAt}, timeCol{&r.CreatedAt})
	return r, err
}

// EnqueueReminder inserts r unless its dedupe key is taken. An empty status
// is pending; every other field, CreatedAt included, is stored as given.
func (t *tx) EnqueueReminder(ctx context.Context, r store.Reminder) (bool, error) {
	if r.Status == "" {
		r.Status = store.ReminderPending
	}
	n, err := affected(t.tx.ExecContext(ctx, `
		INSERT INTO reminders (kind, recipient_id, company_id, session_id, due_at, dedupe_key, status, attempts,
		                       lease_until, last_error, payload, sent_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		r.Kind, r.RecipientID, sqlval.NullID(r.CompanyID), sqlval.NullID(r.SessionID), timeText(r.DueAt), r.DedupeKey,
		r.Status, r.Attempts, nullTime(r.LeaseUntil), r.LastError, r.Payload, nullTime(r.SentAt),
		timeText(r.CreatedAt)))
	if err != nil {
		return false, fmt.Errorf("sqlite: enqueue reminder %s: %w", r.DedupeKey, err)
	}
	return n == 1, nil
}

// ClaimReminders leases the due reminders in one statement. The store runs
// one write transaction at a time, so no other claimer can see the rows
// between the inner SELECT and the UPDATE.
func (t *tx) ClaimReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Reminder, error) {
	if limit <= 0 {
		return []store.Reminder{}, nil
	}
	rs, err := queryAll(ctx, t, scanReminder, `
		UPDATE reminders SET status = 'claimed', lease_until = :lease_until, attempts = attempts + 1
		WHERE id IN (
			SELECT id FROM reminders
			WHERE (status = 'pending' AND due_at <= :now) OR (status = 'claimed' AND lease_until <= :now)
			ORDER BY due_at, id
			LIMIT :limit)
		RETURNING `+reminderCols,
		sql.Named("now", timeText(now)), sql.Named("lease_until", timeText(now.Add(lease))), sql.Named("limit", limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim reminders: %w", err)
	}
	slices.SortFunc(rs, byDue) // RETURNING comes in no particular order
	return rs, nil
}

func byDue(a, b store.Reminder) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// FinishReminder stores the outcome of a claim still held with r.Attempts.
func (t *tx) FinishReminder(ctx context.Context, r store.Reminder) error {
	if err := checkFinish(r.Status); err != nil {
		return fmt.Errorf("sqlite: finish reminder %d: %w", r.ID, err)
	}
	res, err := t.tx.ExecContext(ctx, `
		UPDATE reminders
		SET status = ?, due_at = coalesce(?, due_at), lease_until = NULL, last_error = ?, sent_at = ?
		WHERE id = ? AND status = 'claimed' AND attempts = ?`,
		r.Status, nullTime(r.DueAt), r.LastError, nullTime(r.SentAt), r.ID, r.Attempts)
	if err := oneRow(res, err, store.ErrConflict); err != nil {
		return fmt.Errorf("sqlite: finish reminder %d at attempt %d: %w", r.ID, r.Attempts, err)
	}
	return nil
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

// reminderFilter is the WHERE clause of ReminderFilter: a zero field
// matches anything. Its arguments come from filterArgs.
const reminderFilter = `(:kind = '' OR kind = :kind)
	AND (:status = '' OR status = :status)
	AND (:recipient = 0 OR recipient_id = :recipient)
	AND (:company = 0 OR company_id = :company)
	AND (:session = 0 OR session_id = :session)`

func filterArgs(f store.ReminderFilter) []any {
	return []any{sql.Named("kind", f.Kind), sql.Named("status", string(f.Status)), sql.Named("recipient", f.RecipientID),
		sql.Named("company", f.CompanyID), sql.Named("session", f.SessionID)}
}

func (t *tx) Reminders(ctx context.Context, f store.ReminderFilter) ([]store.Reminder, error) {
	rs, err := queryAll(ctx, t, scanReminder, `
		SELECT `+reminderCols+` FROM reminders
		WHERE `+reminderFilter+`
		ORDER BY due_at, id`, filterArgs(f)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: reminders: %w", err)
	}
	return rs, nil
}

// CancelReminders cancels the pending reminders that match f.
func (t *tx) CancelReminders(ctx context.Context, f store.ReminderFilter) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `
		UPDATE reminders SET status = 'cancelled'
		WHERE status = 'pending' AND `+reminderFilter, filterArgs(f)...))
	if err != nil {
		return 0, fmt.Errorf("sqlite: cancel reminders: %w", err)
	}
	return n, nil
}
