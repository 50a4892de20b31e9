package bot

import (
	"context"
	"errors"
	"fmt"
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
	Kind       EventKind
	Channel    string
	UserID     string // the platform's id of the person
	UserName   string // display name, when the platform gives one
	Text       string // what was typed
	Action     *Action
	Op         *Op    // a tap on a button the bot offered outside a flow
	Menu       string // LINE rich menu button: MenuCall, MenuStep or MenuAdvisor
	ReplyToken string // LINE: answer for free with this token
	ReceivedAt time.Time
}

// EventKind says what an incoming event is. Most are messages.
type EventKind string

const (
	EventMessage  EventKind = ""         // text typed or a button tapped
	EventFollow   EventKind = "follow"   // LINE: the owner added (or unblocked) the bot
	EventUnfollow EventKind = "unfollow" // LINE: the owner blocked the bot: no more pushes
)

// Action is a tap on a button, select or date picker.
type Action struct {
	SessionID int64
	StepID    string
	Value     string
}

// Op is a tap on a Choice: a request the bot offered outside any flow
// (ask for access, approve or reject it, write the handover memo).
type Op struct {
	Name  string // one of the Op* constants
	Value string // what the op is about: a company name, a request id, …
}

// Ops the bot offers.
const (
	OpRequestAccess = "access.request" // Value: the company name as typed
	OpApprove       = "access.approve" // Value: the access request id
	OpReject        = "access.reject"  // Value: the access request id
	OpHandoverMemo  = "handover.memo"  // Value: the handover id
)

// Choice is a button the bot offers with a notice (not a flow's options).
type Choice struct {
	Label string
	Op    Op
	Style string // "primary", "danger" or ""
}

// Reply is what the bot says back: notices, then at most one prompt.
type Reply struct {
	Channel    string
	UserID     string
	ReplyToken string
	// PushKey identifies what is being pushed when there is no reply token
	// (a scheduled check-in): the same key on a retry, from any replica,
	// must produce the same platform idempotency key (LINE X-Line-Retry-Key).
	PushKey   string
	SessionID int64 // the session the prompt belongs to (0 when none)
	Lang      string
	Company   string        // the company the prompt is about (advisors), shown with it
	Text      string        // notices, one per line
	Prompt    *flows.Prompt // the question to ask, if any
	Answered  *Answered     // the answer just taken, so buttons can be replaced by it
	Choices   []Choice      // buttons offered with the notices
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

// ErrQuota is returned (wrapped) by a Sender when the platform refuses
// because the channel's monthly message quota is used up: retrying will not
// help until the quota resets or the plan changes.
var ErrQuota = errors.New("message quota exhausted")

// RetryAfterError is returned by a Sender when the platform asked to slow
// down (rate limited) or failed transiently (5xx, timeout): the same
// delivery, with the same PushKey, may be retried after After.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }
