package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

const promptCols = `session_id, step_id, channel_id, ts, body, closed, answer, at`

func scanPrompt(row pgx.CollectableRow) (store.PromptMessage, error) {
	var m store.PromptMessage
	err := row.Scan(&m.SessionID, &m.StepID, &m.ChannelID, &m.TS, &m.Body, &m.Closed, &m.Answer, &m.At)
	return m, err
}

// lockPromptSession serialises SavePrompt and ClosePrompts of one session
// until the transaction ends, so a post being recorded and an answer
// closing its session never miss each other.
const lockPromptSession = `SELECT pg_advisory_xact_lock(hashtextextended('bansou.prompt_messages', $1))`

// asyncCommit lets a prompt message's transaction commit without waiting
// for the WAL flush (set_config, not SET LOCAL: it applies to an implicit
// transaction too). A record lost in a database crash costs at most a
// question whose buttons stay live after it was answered (a tap on them is
// then told the conversation moved on); nothing acknowledged depends on it.
const asyncCommit = `SELECT set_config('synchronous_commit', 'off', true)`

// lockedBatch reads the results of a batch sent — asyncCommit, the
// session's lock, then one query returning prompt messages — and returns
// the query's rows.
func lockedBatch(_ context.Context, br pgx.BatchResults) ([]store.PromptMessage, error) {
	defer br.Close()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return nil, err
		}
	}
	rows, _ := br.Query()
	ms, err := pgx.CollectRows(rows, scanPrompt)
	if err != nil {
		return nil, err
	}
	return ms, br.Close()
}

// SavePrompt records a posted prompt, or consumes the mark its answer left.
func (t *tx) SavePrompt(ctx context.Context, m store.PromptMessage, since time.Time) (store.PromptMessage, error) {
	if m.Body == nil {
		m.Body = []byte{}
	}
	b := &pgx.Batch{}
	b.Queue(asyncCommit)
	b.Queue(lockPromptSession, m.SessionID)
	b.Queue(`
		UPDATE prompt_messages SET channel_id = $3, ts = $4, body = $5
		WHERE id = (SELECT id FROM prompt_messages
		            WHERE session_id = $1 AND step_id = $2 AND channel_id = '' AND at >= $6
		            ORDER BY id DESC LIMIT 1)
		RETURNING `+promptCols, m.SessionID, m.StepID, m.ChannelID, m.TS, m.Body, since)
	marked, err := lockedBatch(ctx, t.tx.SendBatch(ctx, b))
	if err != nil {
		return m, storeErr("save prompt", err)
	}
	if len(marked) > 0 {
		return marked[0], nil
	}
	m.Closed, m.Answer = false, ""
	_, err = t.tx.Exec(ctx, `
		INSERT INTO prompt_messages (session_id, step_id, channel_id, ts, body, closed, answer, at)
		VALUES ($1, $2, $3, $4, $5, false, '', $6)`, m.SessionID, m.StepID, m.ChannelID, m.TS, m.Body, m.At)
	return m, storeErr("save prompt", err)
}

// closePromptsBatch closes the session's open prompts and leaves the
// mark for an answered step none of them carries (rules.MarkAnswered, in
// SQL), under the session's lock: one round trip, asynchronous commit.
func closePromptsBatch(sessionID int64, answeredStep, answer string, at time.Time) *pgx.Batch {
	b := &pgx.Batch{}
	b.Queue(asyncCommit)
	b.Queue(lockPromptSession, sessionID)
	b.Queue(`
		WITH closed AS (
			UPDATE prompt_messages SET closed = true
			WHERE session_id = $1 AND NOT closed
			RETURNING id, `+promptCols+`
		), mark AS (
			INSERT INTO prompt_messages (session_id, step_id, channel_id, ts, body, closed, answer, at)
			SELECT $1, $2, '', '', ''::bytea, true, $3, $4
			WHERE $2 <> '' AND NOT EXISTS (SELECT 1 FROM closed WHERE step_id = $2)
		)
		SELECT `+promptCols+` FROM closed ORDER BY id`, sessionID, answeredStep, answer, at)
	return b
}

// ClosePrompts closes the session's open prompts, leaving a mark for an
// answered step whose message is not recorded yet, in one round trip
// (with BEGIN).
func (t *tx) ClosePrompts(ctx context.Context, sessionID int64, answeredStep, answer string, at time.Time) ([]store.PromptMessage, error) {
	ms, err := lockedBatch(ctx, t.tx.SendBatch(ctx, closePromptsBatch(sessionID, answeredStep, answer, at)))
	return ms, storeErr("close prompts", err)
}

// ClosePrompts is tx.ClosePrompts in a transaction of its own: the batch
// runs as one implicit transaction, so it costs a single round trip, no
// BEGIN and no COMMIT. The Slack sender uses it when the store offers it.
func (db *DB) ClosePrompts(ctx context.Context, sessionID int64, answeredStep, answer string, at time.Time) ([]store.PromptMessage, error) {
	ms, err := lockedBatch(ctx, db.pool.SendBatch(ctx, closePromptsBatch(sessionID, answeredStep, answer, at)))
	return ms, storeErr("close prompts", err)
}

// SweepPrompts deletes closed prompt messages recorded before cutoff.
func (t *tx) SweepPrompts(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := t.tx.Exec(ctx, `DELETE FROM prompt_messages WHERE closed AND at < $1`, cutoff)
	if err != nil {
		return 0, storeErr("sweep prompts", err)
	}
	return tag.RowsAffected(), nil
}
