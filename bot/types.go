package bot

import (
	"context"
	"time"

	"github.com/bansou/bansou/flows"
)

// Channels a person can reach bansou through.
const (
	ChannelConsole = "console"
	ChannelSlack   = "slack"
	ChannelLINE    = "line"
)

// Incoming is one event from a person, already verified by its adapter.
type Incoming struct {
	EventID    string // unique per delivery source; a repeat has no effect
	Channel    string
	UserID     string // the platform's id of the person
	UserName   string // display name, when the platform gives one
	Text       string // what was typed
	Action     *Action
	ReplyToken string // LINE: answer for free with this token
	ReceivedAt time.Time
}

// Action is a tap on a button, select or date picker.
type Action struct {
	SessionID int64
	StepID    string
	Value     string
}

// Reply is what the bot says back: notices, then at most one prompt.
type Reply struct {
	Channel    string
	UserID     string
	ReplyToken string
	SessionID  int64 // the session the prompt belongs to (0 when none)
	Lang       string
	Text       string        // notices, one per line
	Prompt     *flows.Prompt // the question to ask, if any
	Answered   *Answered     // the answer just taken, so buttons can be replaced by it
}

// Answered describes the answer accepted in this turn.
type Answered struct {
	StepID string
	Text   string // the answer as people read it
}

// Sender delivers replies on one channel.
type Sender interface {
	Send(ctx context.Context, r Reply) error
}
