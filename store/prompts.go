package store

import (
	"context"
	"time"
)

// PromptMessage is a posted question with buttons (a Slack message), kept
// with its session and step so that any replica can replace the buttons by
// the answer.
type PromptMessage struct {
	SessionID int64
	StepID    string
	ChannelID string // the platform's conversation id
	TS        string // the platform's message id
	Body      []byte // the message as it reads without its buttons (adapter-defined)
	Closed    bool   // the buttons were (or are being) replaced
	Answer    string // for a step answered before its message was recorded: the answer as people read it
	At        time.Time
}

// PromptTx is what a transaction can do with prompt messages.
type PromptTx interface {
	// SavePrompt records m as open, unless the step was answered while its
	// message was being posted (ClosePrompts left a mark for m's step at or
	// after since): then m is recorded closed and returned with Closed and
	// the mark's Answer, and the caller replaces its buttons itself.
	SavePrompt(ctx context.Context, m PromptMessage, since time.Time) (PromptMessage, error)
	// ClosePrompts closes every open prompt message of the session and
	// returns them, oldest first: exactly one caller gets each message. When
	// answeredStep is not empty and it has no open message (its post is
	// still on its way), a mark with answer is left for SavePrompt.
	ClosePrompts(ctx context.Context, sessionID int64, answeredStep, answer string, at time.Time) ([]PromptMessage, error)
	// SweepPrompts deletes the closed prompt messages recorded before cutoff
	// and returns how many it deleted.
	SweepPrompts(ctx context.Context, cutoff time.Time) (int64, error)
}
