package slack

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// acker acknowledges Socket Mode envelopes (*socketmode.Client does).
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// RunSocketMode holds a Socket Mode connection until ctx ends. It needs the
// app-level token (APIConfig.AppToken). It never gives up: when Slack is
// unreachable or refuses the token it logs, waits (up to 5 minutes) and
// tries again, so start-up never hangs on Slack. Each replica holds its own
// connection; Slack delivers each envelope to one of them.
func (a *Adapter) RunSocketMode(ctx context.Context) error {
	backoff := time.Second
	for {
		started := time.Now()
		err := a.runSocket(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(started) > time.Minute {
			backoff = time.Second // it was up for a while: start over
		}
		a.log.ErrorContext(ctx, "slack socket mode stopped; reconnecting", "error", errString(err), "backoff", backoff.String())
		if sleep(ctx, backoff) != nil {
			return nil
		}
		backoff = min(2*backoff, 5*time.Minute)
	}
}

// runSocket runs one socketmode client and dispatches its events until the
// client stops.
func (a *Adapter) runSocket(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sm := socketmode.New(a.cfg.API.client, socketmode.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)))
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case evt := <-sm.Events:
			a.onSocketEvent(ctx, sm, evt)
		case err := <-errc:
			return err
		}
	}
}

// onSocketEvent acknowledges an envelope at once (after storing it in the
// inbox, when there is one: not at all when that fails), then spawns its work.
func (a *Adapter) onSocketEvent(ctx context.Context, ack acker, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		ev, _ := evt.Data.(slackevents.EventsAPIEvent)
		what, wk := a.onEvent(ctx, ev, retryOf(evt.Request))
		key, user := eventKey(ev)
		if a.enqueue(ctx, wk, what, kindEvent, rawPayload(evt.Request), key, user) != nil {
			return // not acked: Slack delivers the envelope again
		}
		a.ack(ctx, ack, evt.Request, nil)
		a.spawnUnlessQueued(what, wk)
	case socketmode.EventTypeInteractive:
		ic, _ := evt.Data.(slack.InteractionCallback)
		what, wk := a.onInteraction(ctx, ic)
		key, user := interactionKey(ic)
		if a.enqueue(ctx, wk, what, kindInteraction, rawPayload(evt.Request), key, user) != nil {
			return
		}
		a.ack(ctx, ack, evt.Request, nil)
		a.spawnUnlessQueued(what, wk)
	case socketmode.EventTypeSlashCommand:
		cmd, _ := evt.Data.(slack.SlashCommand)
		reply, wk := a.onCommand(ctx, cmd)
		key, user := commandKey(cmd)
		if a.enqueue(ctx, wk, "command", kindCommand, rawPayload(evt.Request), key, user) != nil {
			return
		}
		var payload any
		if reply != nil {
			payload = reply
		}
		a.ack(ctx, ack, evt.Request, payload)
		a.spawnUnlessQueued("command", wk)
	case socketmode.EventTypeErrorBadMessage:
		a.ackBadMessage(ctx, ack, evt)
	case socketmode.EventTypeConnected:
		a.log.InfoContext(ctx, "slack socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		a.log.WarnContext(ctx, "slack socket mode problem", "event_type", string(evt.Type), "error", socketError(evt.Data))
	default:
		a.log.DebugContext(ctx, "slack socket mode event", "event_type", string(evt.Type))
		a.ack(ctx, ack, evt.Request, nil)
	}
}

// ack acknowledges the envelope of req, when it has one.
func (a *Adapter) ack(ctx context.Context, ack acker, req *socketmode.Request, payload any) {
	if req == nil || req.EnvelopeID == "" {
		return
	}
	if err := ack.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		a.log.WarnContext(ctx, "slack socket mode ack failed", "envelope_id", req.EnvelopeID, "error", err.Error())
	}
}

// ackBadMessage acknowledges an envelope the client could not decode (it
// arrives without a Request), so Slack does not redeliver it forever.
func (a *Adapter) ackBadMessage(ctx context.Context, ack acker, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	if bad == nil {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	_ = json.Unmarshal(bad.Message, &env)
	a.log.InfoContext(ctx, "slack event ignored", "reason", "unparsed", "envelope_type", env.Type, "error", errString(bad.Cause))
	a.ack(ctx, ack, &socketmode.Request{EnvelopeID: env.EnvelopeID}, nil)
}

// rawPayload is the envelope's payload as Slack sent it.
func rawPayload(req *socketmode.Request) []byte {
	if req == nil {
		return nil
	}
	return req.Payload
}

func retryOf(req *socketmode.Request) string {
	if req == nil || req.RetryAttempt == 0 {
		return ""
	}
	return strconv.Itoa(req.RetryAttempt)
}

func socketError(data any) string {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return errString(d.ErrorObj)
	case *slack.IncomingEventError:
		return errString(d.ErrorObj)
	case *socketmode.ErrorWriteFailed:
		return errString(d.Cause)
	}
	return ""
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
