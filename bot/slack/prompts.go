package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/store"
)

// Prompts remembers which message carries a session's question buttons, so
// that the next reply — sent by whichever replica ran its turn — replaces
// them by the answer. The semantics are those of store.PromptTx.
type Prompts interface {
	Save(ctx context.Context, m store.PromptMessage, since time.Time) (store.PromptMessage, error)
	Close(ctx context.Context, sessionID int64, answeredStep, answer string, at time.Time) ([]store.PromptMessage, error)
}

// StorePrompts keeps prompt messages in st, shared by every replica.
func StorePrompts(st store.Store) Prompts { return storePrompts{st} }

type storePrompts struct{ st store.Store }

func (p storePrompts) Save(ctx context.Context, m store.PromptMessage, since time.Time) (store.PromptMessage, error) {
	var out store.PromptMessage
	err := p.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		out, err = tx.SavePrompt(ctx, m, since)
		return err
	})
	return out, err
}

// directCloser is a store that closes prompt messages in a transaction of
// its own, cheaper than ClosePrompts inside InTx (PostgreSQL: one round
// trip, no BEGIN and COMMIT).
type directCloser interface {
	ClosePrompts(ctx context.Context, sessionID int64, answeredStep, answer string, at time.Time) ([]store.PromptMessage, error)
}

func (p storePrompts) Close(ctx context.Context, sessionID int64, step, answer string, at time.Time) ([]store.PromptMessage, error) {
	if d, ok := p.st.(directCloser); ok {
		return d.ClosePrompts(ctx, sessionID, step, answer, at)
	}
	var out []store.PromptMessage
	err := p.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		out, err = tx.ClosePrompts(ctx, sessionID, step, answer, at)
		return err
	})
	return out, err
}

// memPrompts keeps prompt messages in this process only: enough for one
// process (tests, a single replica without a store), bounded by
// maxRemembered sessions.
type memPrompts struct {
	mu       sync.Mutex
	open     map[int64][]store.PromptMessage // by session
	answered map[int64][]store.PromptMessage // marks: answered before the post was recorded
}

func newMemPrompts() *memPrompts {
	return &memPrompts{open: map[int64][]store.PromptMessage{}, answered: map[int64][]store.PromptMessage{}}
}

func (p *memPrompts) Save(_ context.Context, m store.PromptMessage, since time.Time) (store.PromptMessage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	marks := p.answered[m.SessionID]
	for i := len(marks) - 1; i >= 0; i-- {
		if marks[i].StepID == m.StepID && !marks[i].At.Before(since) {
			m.Closed, m.Answer = true, marks[i].Answer
			p.answered[m.SessionID] = append(marks[:i:i], marks[i+1:]...)
			return m, nil
		}
	}
	evictOne(p.open)
	p.open[m.SessionID] = append(p.open[m.SessionID], m)
	return m, nil
}

func (p *memPrompts) Close(_ context.Context, sessionID int64, step, answer string, at time.Time) ([]store.PromptMessage, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	closed := p.open[sessionID]
	delete(p.open, sessionID)
	if step != "" && !hasStep(closed, step) {
		evictOne(p.answered)
		p.answered[sessionID] = append(p.answered[sessionID][:0], store.PromptMessage{SessionID: sessionID, StepID: step, Answer: answer, At: at, Closed: true})
	}
	return closed, nil
}

func hasStep(ms []store.PromptMessage, step string) bool {
	for _, m := range ms {
		if m.StepID == step {
			return true
		}
	}
	return false
}

// storedMessage is a prompt message without its buttons, as kept in
// PromptMessage.Body.
type storedMessage struct {
	Fallback string       `json:"fallback"`
	Blocks   slack.Blocks `json:"blocks"`
}

// encodeClosable is the body of m that closing it needs.
func encodeClosable(m message) ([]byte, error) {
	b, err := json.Marshal(storedMessage{Fallback: m.fallback, Blocks: slack.Blocks{BlockSet: m.blocks[:m.static]}})
	if err != nil {
		return nil, fmt.Errorf("slack: encode prompt message: %w", err)
	}
	return b, nil
}

// decodeClosable reads a body written by encodeClosable.
func decodeClosable(body []byte) (message, error) {
	var sm storedMessage
	if err := json.Unmarshal(body, &sm); err != nil {
		return message{}, fmt.Errorf("slack: decode prompt message: %w", err)
	}
	return message{fallback: sm.Fallback, blocks: sm.Blocks.BlockSet, static: len(sm.Blocks.BlockSet)}, nil
}
