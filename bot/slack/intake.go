package slack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// Enqueuer makes a verified event durable before it is acknowledged
// (*inbox.Inbox does).
type Enqueuer interface {
	Add(ctx context.Context, it store.InboxItem) error
	// AddTurn is Add for work that is one bot turn: it may run the turn at
	// once, the event stored by the turn's own transaction.
	AddTurn(ctx context.Context, it store.InboxItem, turn func(context.Context) error) error
}

// What an inbox row of the Slack channel holds: the verified payload as
// Slack sent it (the Events API callback, the interaction callback, the
// slash command), so the worker decides about it exactly as intake did.
const (
	kindEvent       = "event"
	kindInteraction = "interaction"
	kindCommand     = "command"
)

// enqueue stores the payload of work in the inbox, when there is an inbox
// and work to do. An error means the event is not durable: answer 5xx (or
// do not ack the envelope) so that Slack delivers it again. A DM or a tap
// on a question (what) is one bot turn: the inbox may run it at once.
func (a *Adapter) enqueue(ctx context.Context, wk work, what, kind string, payload []byte, key, user string) error {
	if a.cfg.Inbox == nil || wk == nil {
		return nil
	}
	if key == "" {
		key = "slack:" + kind + ":" + randomKey()
	}
	it := store.InboxItem{DedupeKey: key, Channel: bot.ChannelSlack, PersonKey: bot.ChannelSlack + ":" + user,
		Kind: kind, Payload: payload}
	var err error
	if what == "message" || what == "answer" {
		err = a.cfg.Inbox.AddTurn(ctx, it, wk)
	} else {
		err = a.cfg.Inbox.Add(ctx, it)
	}
	if err != nil {
		a.log.ErrorContext(ctx, "slack event not stored; not acknowledged", "kind", kind, "error", err.Error())
		return err
	}
	return nil
}

// spawnUnlessQueued runs work after the ack when there is no inbox to run
// it from.
func (a *Adapter) spawnUnlessQueued(what string, wk work) {
	if a.cfg.Inbox == nil {
		a.spawn(what, wk)
	}
}

// Process runs an inbox row of the Slack channel: the worker's side of
// enqueue. A payload that no longer parses is dropped with a log line (a
// retry would not parse it either).
func (a *Adapter) Process(ctx context.Context, it store.InboxItem) error {
	var wk work
	switch it.Kind {
	case kindEvent:
		ev, err := slackevents.ParseEvent(it.Payload, slackevents.OptionNoVerifyToken())
		if err != nil {
			return a.dropped(ctx, it, err)
		}
		_, wk = a.onEvent(ctx, ev, "")
	case kindInteraction:
		var ic slack.InteractionCallback
		if err := json.Unmarshal(it.Payload, &ic); err != nil {
			return a.dropped(ctx, it, err)
		}
		_, wk = a.onInteraction(ctx, ic)
	case kindCommand:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(it.Payload, &cmd); err != nil {
			return a.dropped(ctx, it, err)
		}
		_, wk = a.onCommand(ctx, cmd)
	default:
		return a.dropped(ctx, it, fmt.Errorf("unknown kind %q", it.Kind))
	}
	if wk == nil {
		return nil
	}
	return wk(ctx)
}

func (a *Adapter) dropped(ctx context.Context, it store.InboxItem, err error) error {
	a.log.ErrorContext(ctx, "slack inbox row dropped", "inbox_id", it.ID, "kind", it.Kind, "error", err.Error())
	return nil
}

// eventKey is the dedupe key and the person of an Events API event: a DM
// by channel+ts (as the turn dedupes it), anything else by event_id.
func eventKey(ev slackevents.EventsAPIEvent) (key, user string) {
	eventID := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok && cb != nil {
		eventID = cb.EventID
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return "slack:msg:" + e.Channel + ":" + e.TimeStamp, e.User
	case *slackevents.AppHomeOpenedEvent:
		user = e.User
	}
	if eventID == "" {
		return "", user
	}
	return "slack:event:" + eventID, user
}

// interactionKey is the dedupe key and the person of a click.
func interactionKey(ic slack.InteractionCallback) (key, user string) {
	ts, id := ic.ActionTs, ""
	if len(ic.ActionCallback.BlockActions) > 0 {
		act := ic.ActionCallback.BlockActions[0]
		id = act.ActionID
		if act.ActionTs != "" {
			ts = act.ActionTs
		}
	}
	if ts == "" {
		return "", ic.User.ID
	}
	return "slack:act:" + ic.User.ID + ":" + ts + ":" + id, ic.User.ID
}

// commandKey is the dedupe key and the person of a slash command: its
// trigger_id is unique per invocation.
func commandKey(cmd slack.SlashCommand) (key, user string) {
	if cmd.TriggerID == "" {
		return "", cmd.UserID
	}
	return "slack:cmd:" + cmd.TriggerID, cmd.UserID
}

func randomKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
