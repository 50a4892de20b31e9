package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// Handler runs one turn: *bot.Bot, possibly wrapped (metrics).
type Handler interface {
	Handle(ctx context.Context, in bot.Incoming) error
}

// Config is what the LINE adapter and its Sender need.
type Config struct {
	ChannelSecret string       // verifies webhook requests (X-Line-Signature)
	AccessToken   string       // channel access token, for the Sender
	APIURL        string       // Messaging API base URL (default https://api.line.me)
	DataURL       string       // content API base URL, for rich menu images (default https://api-data.line.me)
	HTTPClient    *http.Client // for API calls (default: a client with a 10 s timeout)
	Logger        *slog.Logger
	Handler       Handler          // runs the turns; required by New
	Now           func() time.Time // the clock, when an event has no timestamp (time.Now)
	// Inbox, when set, stores every event before the webhook answers 200;
	// its workers run the turns through Process. Without it the turns run
	// before the answer.
	Inbox Enqueuer
	// Registerer, when set, gets the Sender's series (reply tokens that
	// fell back to push).
	Registerer prometheus.Registerer

	// Loader, when set, shows the loading animation in the owner's chat
	// while a turn runs (*Sender).
	Loader Loader

	// Base is the context the adapter's turns run under: the server's base
	// context, cancelled at shutdown after the drain. Required by New.
	Base context.Context
}

// Enqueuer makes a verified event durable before the webhook answers
// (*inbox.Inbox does).
type Enqueuer interface {
	Add(ctx context.Context, it store.InboxItem) error
	// AddTurn is Add for an event that is one bot turn: it may run the
	// turn at once, the event stored by the turn's own transaction.
	AddTurn(ctx context.Context, it store.InboxItem, turn func(context.Context) error) error
}

// Loader starts LINE's loading animation in a user's chat.
type Loader interface {
	StartLoading(ctx context.Context, userID string) error
}

// Webhook limits.
const (
	maxBody     = 1 << 20          // request body
	turnTimeout = 30 * time.Second // all the turns of one request
)

// Adapter is the LINE webhook: an http.Handler for POST /line/webhook.
type Adapter struct {
	cfg Config
	log *slog.Logger
}

var _ http.Handler = (*Adapter)(nil)

// New returns the webhook adapter.
func New(cfg Config) (*Adapter, error) {
	if cfg.ChannelSecret == "" || cfg.Handler == nil || cfg.Base == nil {
		return nil, errors.New("line: adapter needs a channel secret, a handler and a base context")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Adapter{cfg: cfg, log: cfg.Logger.With("component", "line")}, nil
}

// Routes registers the webhook on mux at /line/webhook.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.Handle("/line/webhook", a)
}

// ServeHTTP verifies the request. With an inbox it stores the events and
// answers 200 (500 when they could not be stored); without one it runs a
// turn per event, in order, before answering: 200 when every event was handled (or ignored), 500
// when a turn failed, so that LINE may redeliver (the events already
// handled are then recognised by their webhookEventId and have no second
// effect). A bad or missing signature gets 400 and no effect.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	cb, status := a.parse(w, r)
	if cb == nil {
		if status == http.StatusOK {
			w.WriteHeader(status)
		} else {
			http.Error(w, http.StatusText(status), status)
		}
		return
	}
	if a.cfg.Inbox != nil {
		a.enqueue(w, r, cb)
		return
	}
	// The turns run under the server's base context, not the request's:
	// they outlive a client that hangs up (a turn cut off mid-way would
	// leave the reply unsent).
	ctx, cancel := context.WithTimeout(a.cfg.Base, turnTimeout)
	defer cancel()
	failed := 0
	for _, ev := range cb.Events {
		if err := a.event(ctx, ev); err != nil {
			failed++
			a.log.ErrorContext(ctx, "line event failed", "event_type", ev.GetType(), "error", err.Error())
		}
	}
	if failed > 0 {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// parse reads the body (at most 1 MiB), checks its signature and decodes
// it. Without a request to act on it returns nil and the status to answer:
// 400 for a bad or missing signature, 413 for a body too large, and 200
// for a signed body that does not decode (it came from LINE, and a
// redelivery would not decode either).
func (a *Adapter) parse(w http.ResponseWriter, r *http.Request) (*webhook.CallbackRequest, int) {
	ctx := r.Context()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		status, reason := http.StatusBadRequest, "unreadable body"
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status, reason = http.StatusRequestEntityTooLarge, "body too large"
		}
		a.log.WarnContext(ctx, "line webhook rejected", "reason", reason)
		return nil, status
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cb, err := webhook.ParseRequest(a.cfg.ChannelSecret, r)
	switch {
	case errors.Is(err, webhook.ErrInvalidSignature):
		a.log.WarnContext(ctx, "line webhook rejected", "reason", "bad signature")
		return nil, http.StatusBadRequest
	case err != nil:
		// The SDK's error quotes the body: it is not logged.
		a.log.WarnContext(ctx, "line webhook ignored", "reason", "malformed body")
		return nil, http.StatusOK
	}
	return cb, http.StatusOK
}

// event runs the turn for one event, turning a panic into an error so one
// bad event cannot take the process down.
func (a *Adapter) event(ctx context.Context, ev webhook.EventInterface) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	in, ok := a.incoming(ctx, ev)
	if !ok {
		return nil
	}
	return a.turn(ctx, in)
}

// enqueue stores every event of the request in the inbox, then answers
// 200; 500 when one could not be stored, so that LINE redelivers (the
// events already stored are recognised by their webhookEventId).
func (a *Adapter) enqueue(w http.ResponseWriter, r *http.Request, cb *webhook.CallbackRequest) {
	ctx := r.Context()
	for _, ev := range cb.Events {
		in, ok := a.incoming(ctx, ev)
		if !ok {
			continue
		}
		key := "line:" + in.EventID
		if in.EventID == "" {
			key = "line:" + in.UserID + ":" + strconv.FormatInt(in.ReceivedAt.UnixNano(), 10)
		}
		payload, err := json.Marshal(in)
		if err == nil {
			err = a.cfg.Inbox.AddTurn(ctx, store.InboxItem{DedupeKey: key, Channel: bot.ChannelLINE,
				PersonKey: bot.ChannelLINE + ":" + in.UserID, Kind: "incoming", Payload: payload, ReceivedAt: in.ReceivedAt},
				func(ctx context.Context) error { return a.turn(ctx, in) })
		}
		if err != nil {
			a.log.ErrorContext(ctx, "line event not stored; answering 500", "event_type", ev.GetType(), "error", err.Error())
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// Process runs an inbox row of the LINE channel: the stored bot.Incoming.
// A reply token may have expired by now; the Sender then pushes instead.
func (a *Adapter) Process(ctx context.Context, it store.InboxItem) error {
	var in bot.Incoming
	if err := json.Unmarshal(it.Payload, &in); err != nil {
		a.log.ErrorContext(ctx, "line inbox row dropped", "inbox_id", it.ID, "error", err.Error())
		return nil
	}
	return a.turn(ctx, in)
}

// turn runs the bot's turn of in, with the loading animation for a message.
func (a *Adapter) turn(ctx context.Context, in bot.Incoming) error {
	if in.Kind == bot.EventMessage {
		a.loading(ctx, in.UserID)
	}
	return a.cfg.Handler.Handle(ctx, in)
}

// loadingTimeout bounds the loading animation call: it must not hold up
// the turn.
const loadingTimeout = 2 * time.Second

// loading shows the loading animation while the turn runs (best effort).
func (a *Adapter) loading(ctx context.Context, userID string) {
	if a.cfg.Loader == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, loadingTimeout)
	defer cancel()
	if err := a.cfg.Loader.StartLoading(ctx, userID); err != nil {
		a.log.InfoContext(ctx, "line loading animation not shown", "error", err.Error())
	}
}
