package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot"
)

// DefaultAPIURL is LINE's Messaging API.
const DefaultAPIURL = "https://api.line.me"

// Delivery tuning.
const (
	pushAttempts     = 3                      // tries of one push on 5xx, timeouts and connection errors
	pushBackoff      = 200 * time.Millisecond // wait before try n+1: n × this
	rateLimitedAfter = time.Second            // when a 429 names no Retry-After
	failingAfter     = 5 * time.Second        // when pushes keep failing transiently
	defaultTimeout   = 10 * time.Second       // of each API call, when no HTTPClient is given
)

// Sender delivers bot replies to LINE users: with the reply token when
// there is one, otherwise (or when the token was rejected) as a push with
// a deterministic X-Line-Retry-Key.
//
// The SDK's client keeps the context in the client itself (WithContext
// mutates it), so Sender builds a short-lived client per call around the
// shared http.Client and never shares one between goroutines.
type Sender struct {
	token    string
	endpoint string
	hc       *http.Client
	log      *slog.Logger
	backoff  time.Duration
	fallback *prometheus.CounterVec // replies that went out as pushes, by reason; nil: not counted

	dataEndpoint string // the content API (rich menu images)
}

var _ bot.Sender = (*Sender)(nil)

// NewSender returns a Sender; it uses cfg.AccessToken, APIURL, HTTPClient
// and Logger.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.AccessToken == "" {
		return nil, errors.New("line: sender needs a channel access token")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if cfg.DataURL == "" {
		cfg.DataURL = DefaultDataURL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Sender{token: cfg.AccessToken, endpoint: strings.TrimRight(cfg.APIURL, "/"), hc: cfg.HTTPClient,
		log: cfg.Logger.With("component", "line"), backoff: pushBackoff, dataEndpoint: strings.TrimRight(cfg.DataURL, "/")}
	if cfg.Registerer != nil {
		s.fallback = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bansou_line_reply_fallback_total",
			Help: "Replies sent as pushes because the reply token was refused (token: expired or used; error: the reply call failed)."},
			[]string{"reason"})
		if err := cfg.Registerer.Register(s.fallback); err != nil {
			return nil, fmt.Errorf("line: metrics: %w", err)
		}
		s.fallback.WithLabelValues("token")
		s.fallback.WithLabelValues("error")
	}
	if _, err := s.api(); err != nil {
		return nil, fmt.Errorf("line: API URL %q: %w", cfg.APIURL, err)
	}
	return s, nil
}

// errReplyFailed marks a reply that may be retried as a push: the token was
// rejected (expired, already used) or the call failed transiently.
var errReplyFailed = errors.New("reply not delivered")

// Send renders r and delivers it. A reply that says nothing sends nothing.
func (s *Sender) Send(ctx context.Context, r bot.Reply) error {
	msgs := Render(r)
	if len(msgs) == 0 {
		return nil
	}
	if r.ReplyToken != "" {
		err := s.reply(ctx, r, msgs)
		if !errors.Is(err, errReplyFailed) {
			return err
		}
		s.log.WarnContext(ctx, "line reply failed, pushing instead", "session_id", r.SessionID, "error", err.Error())
		s.countFallback(err)
	}
	if r.UserID == "" {
		return errors.New("line: send: no reply token and no user id")
	}
	return s.push(ctx, r, msgs)
}

// reply answers with the reply token (free of charge).
func (s *Sender) reply(ctx context.Context, r bot.Reply, msgs []messaging_api.MessageInterface) error {
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, _, err := api.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{ReplyToken: r.ReplyToken, Messages: msgs})
		return res, err
	})
	switch {
	case o.ok():
		return nil
	case o.status == http.StatusBadRequest && strings.Contains(strings.ToLower(o.message), "reply token"):
		return fmt.Errorf("line: reply: %s: %w", o.message, errReplyFailed)
	case o.transient():
		return fmt.Errorf("line: reply: %w: %w", o.problem(), errReplyFailed)
	case o.status == http.StatusTooManyRequests:
		return limited("reply", o)
	}
	return fmt.Errorf("line: reply: %w", o.problem())
}

// push sends msgs to r.UserID, retrying transient failures with the same
// retry key. 409 means LINE already accepted this key: sent.
func (s *Sender) push(ctx context.Context, r bot.Reply, msgs []messaging_api.MessageInterface) error {
	key := retryKey(r, texts(msgs))
	req := &messaging_api.PushMessageRequest{To: r.UserID, Messages: msgs}
	for attempt := 1; ; attempt++ {
		o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
			res, _, err := api.PushMessageWithHttpInfo(req, key)
			return res, err
		})
		switch {
		case o.ok():
			return nil
		case o.status == http.StatusConflict:
			s.log.InfoContext(ctx, "line push already accepted", "session_id", r.SessionID, "retry_key", key,
				"accepted_request_id", o.header.Get("X-Line-Accepted-Request-Id"))
			return nil
		case o.status == http.StatusTooManyRequests:
			return limited("push", o)
		case !o.transient():
			return fmt.Errorf("line: push: %w", o.problem())
		}
		s.log.WarnContext(ctx, "line push failed", "session_id", r.SessionID, "retry_key", key, "attempt", attempt, "error", o.problem().Error())
		if attempt == pushAttempts || ctx.Err() != nil {
			return &bot.RetryAfterError{After: retryAfter(o.header, failingAfter), Err: fmt.Errorf("line: push: %w", o.problem())}
		}
		if err := sleep(ctx, time.Duration(attempt)*s.backoff); err != nil {
			return &bot.RetryAfterError{After: failingAfter, Err: fmt.Errorf("line: push: %w", err)}
		}
	}
}

// limited reads a 429: the monthly quota (retrying will not help) or rate
// limiting (retry after the Retry-After header, 1 s when absent).
func limited(what string, o outcome) error {
	if strings.Contains(strings.ToLower(o.message), "monthly limit") {
		return fmt.Errorf("line: %s: %s: %w", what, o.message, bot.ErrQuota)
	}
	return &bot.RetryAfterError{After: retryAfter(o.header, rateLimitedAfter), Err: fmt.Errorf("line: %s: %w", what, o.problem())}
}

// outcome is what one API call came to.
type outcome struct {
	status  int         // 0 when no response arrived
	header  http.Header // nil when no response arrived
	message string      // LINE's error message, for non-2xx answers
	err     error       // the transport error, when no response arrived
}

func (o outcome) ok() bool        { return o.status/100 == 2 }
func (o outcome) transient() bool { return o.status == 0 || o.status >= 500 }

func (o outcome) problem() error {
	if o.status == 0 {
		return o.err
	}
	if o.message != "" {
		return fmt.Errorf("status %d: %s", o.status, o.message)
	}
	return fmt.Errorf("status %d", o.status)
}

// call runs one API call on a client of its own, bound to ctx. The SDK's
// error text (which quotes the response body) is not used: the status and
// LINE's error message are read from the response.
func (s *Sender) call(ctx context.Context, fn func(*messaging_api.MessagingApiAPI) (*http.Response, error)) outcome {
	api, err := s.client(ctx)
	if err != nil {
		return outcome{err: err}
	}
	res, err := fn(api)
	if res == nil {
		if err == nil {
			err = errors.New("no response")
		}
		return outcome{err: err}
	}
	defer res.Body.Close()
	o := outcome{status: res.StatusCode, header: res.Header}
	if !o.ok() {
		o.message = errorMessage(res.Body)
	}
	return o
}

// client is a short-lived SDK client bound to ctx.
func (s *Sender) client(ctx context.Context) (*messaging_api.MessagingApiAPI, error) {
	api, err := s.api()
	if err != nil {
		return nil, err
	}
	return api.WithContext(ctx), nil
}

// api is the Messaging API client without a context.
func (s *Sender) api() (*messaging_api.MessagingApiAPI, error) {
	return messaging_api.NewMessagingApiAPI(s.token, messaging_api.WithEndpoint(s.endpoint), messaging_api.WithHTTPClient(s.hc))
}

// errorMessage is the "message" of LINE's error body (never message text).
func errorMessage(body io.Reader) string {
	var e messaging_api.ErrorResponse
	data, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	if json.Unmarshal(data, &e) != nil {
		return ""
	}
	return clip(e.Message, 200)
}

// retryAfter reads the Retry-After header (seconds or an HTTP date).
func retryAfter(h http.Header, def time.Duration) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return def
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return def
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// texts are the texts of the rendered messages, for the retry key.
func texts(msgs []messaging_api.MessageInterface) []string {
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		if t, ok := m.(*messaging_api.TextMessage); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

// countFallback counts a reply that is pushed instead: the token was
// refused (too old by the time the inbox ran the turn, or used) or the
// reply call failed.
func (s *Sender) countFallback(err error) {
	if s.fallback == nil {
		return
	}
	reason := "error"
	if strings.Contains(strings.ToLower(err.Error()), "reply token") {
		reason = "token"
	}
	s.fallback.WithLabelValues(reason).Inc()
}
