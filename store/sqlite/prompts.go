package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/rules"
)

const promptCols = `session_id, step_id, channel_id, ts, body, closed, answer, at`

func scanPrompt(row rowScanner) (store.PromptMessage, error) {
	var m store.PromptMessage
	err := row.Scan(&m.SessionID, &m.StepID, &m.ChannelID, &m.TS, &m.Body, &m.Closed, &m.Answer, timeCol{&m.At})
	return m, err
}

// SavePrompt records a posted prompt, or consumes the mark its answer left.
// The store runs one write transaction at a time, which serialises it with
// ClosePrompts.
func (t *tx) SavePrompt(ctx context.Context, m store.PromptMessage, since time.Time) (store.PromptMessage, error) {
	if m.Body == nil {
		m.Body = []byte{}
	}
	marked, err := scanPrompt(t.tx.QueryRowContext(ctx, `
		UPDATE prompt_messages SET channel_id = ?, ts = ?, body = ?
		WHERE id = (SELECT id FROM prompt_messages
		            WHERE session_id = ? AND step_id = ? AND channel_id = '' AND at >= ?
		            ORDER BY id DESC LIMIT 1)
		RETURNING `+promptCols, m.ChannelID, m.TS, m.Body, m.SessionID, m.StepID, timeText(since)))
	if err == nil {
		return marked, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("sqlite: save prompt: %w", err)
	}
	m.Closed, m.Answer = false, ""
	_, err = t.tx.ExecContext(ctx, `
		INSERT INTO prompt_messages (session_id, step_id, channel_id, ts, body, closed, answer, at)
		VALUES (?, ?, ?, ?, ?, 0, '', ?)`, m.SessionID, m.StepID, m.ChannelID, m.TS, m.Body, timeText(m.At))
	if err != nil {
		return m, fmt.Errorf("sqlite: save prompt: %w", storeErr(err))
	}
	return m, nil
}

// ClosePrompts closes the session's open prompts, leaving a mark for an
// answered step whose message is not recorded yet.
func (t *tx) ClosePrompts(ctx context.Context, sessionID int64, answeredStep, answer string, at time.Time) ([]store.PromptMessage, error) {
	ms, err := queryAll(ctx, t, scanPrompt, `
		SELECT `+promptCols+` FROM prompt_messages WHERE session_id = ? AND closed = 0 ORDER BY id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: close prompts: %w", err)
	}
	if _, err := t.tx.ExecContext(ctx, `UPDATE prompt_messages SET closed = 1 WHERE session_id = ? AND closed = 0`, sessionID); err != nil {
		return nil, fmt.Errorf("sqlite: close prompts: %w", err)
	}
	for i := range ms {
		ms[i].Closed = true
	}
	if !rules.MarkAnswered(ms, answeredStep) {
		return ms, nil
	}
	_, err = t.tx.ExecContext(ctx, `
		INSERT INTO prompt_messages (session_id, step_id, channel_id, ts, body, closed, answer, at)
		VALUES (?, ?, '', '', X'', 1, ?, ?)`, sessionID, answeredStep, answer, timeText(at))
	if err != nil {
		return nil, fmt.Errorf("sqlite: close prompts: mark: %w", err)
	}
	return ms, nil
}

// SweepPrompts deletes closed prompt messages recorded before cutoff.
func (t *tx) SweepPrompts(ctx context.Context, cutoff time.Time) (int64, error) {
	n, err := affected(t.tx.ExecContext(ctx, `DELETE FROM prompt_messages WHERE closed = 1 AND at < ?`, timeText(cutoff)))
	if err != nil {
		return 0, fmt.Errorf("sqlite: sweep prompts: %w", err)
	}
	return n, nil
}
