package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack"
)

// APIConfig configures the Slack Web API client.
type APIConfig struct {
	BotToken string // xoxb-…
	AppToken string // xapp-…, only for Socket Mode
	// URL overrides the Web API base (https://slack.com/api/), for tests and
	// proxies.
	URL        string
	HTTPClient *http.Client // default: a client with a 10 s timeout, keeping 64 idle connections
	Logger     *slog.Logger
	// Registerer receives the Slack API error counter; nil leaves it
	// unregistered.
	Registerer prometheus.Registerer
	// MaxRetryAfter is the longest Retry-After an idempotent call waits out
	// (default 30 s); a longer one fails the call.
	MaxRetryAfter time.Duration
}

// API is the Slack Web API as bansou uses it. Every failed call is counted
// by method. Idempotent calls (conversations.open, chat.update,
// views.publish) wait out a 429's Retry-After and try again;
// chat.postMessage never retries, since Slack has no idempotency key and a
// retry could post twice.
type API struct {
	client   *slack.Client
	log      *slog.Logger
	errors   *prometheus.CounterVec
	maxWait  time.Duration
	attempts int
}

// DefaultAPIURL is Slack's Web API base.
const DefaultAPIURL = slack.APIURL

// NewAPI returns a client. It makes no call: nothing here can hang when
// Slack is unreachable.
func NewAPI(cfg APIConfig) (*API, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: api: bot token is empty")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.HTTPClient == nil {
		// Every turn posts (and updates) concurrently with the others: keep
		// enough idle connections to Slack that they are reused, not
		// reopened (Go's default keeps 2 per host).
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second, Transport: tr}
	}
	if cfg.MaxRetryAfter == 0 {
		cfg.MaxRetryAfter = 30 * time.Second
	}
	opts := []slack.Option{slack.OptionHTTPClient(cfg.HTTPClient)}
	if cfg.URL != "" {
		opts = append(opts, slack.OptionAPIURL(strings.TrimSuffix(cfg.URL, "/")+"/"))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	errs, err := apiErrorCounter(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	return &API{client: slack.New(cfg.BotToken, opts...), log: cfg.Logger.With("component", "slack"),
		errors: errs, maxWait: cfg.MaxRetryAfter, attempts: 3}, nil
}

func apiErrorCounter(reg prometheus.Registerer) (*prometheus.CounterVec, error) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bansou_slack_api_errors_total",
		Help: "Failed Slack Web API calls, by method and reason (rate_limited, slack_error, http_status, timeout, transport).",
	}, []string{"method", "reason"})
	if reg == nil {
		return c, nil
	}
	if err := reg.Register(c); err != nil {
		if are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
			return are.ExistingCollector.(*prometheus.CounterVec), nil
		}
		return nil, fmt.Errorf("slack: register metrics: %w", err)
	}
	return c, nil
}

// openDM returns the id of the direct-message channel with user.
func (a *API) openDM(ctx context.Context, user string) (string, error) {
	var id string
	err := a.idempotent(ctx, "conversations.open", func() error {
		ch, _, _, err := a.client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	return id, err
}

// post sends a message once and returns its ts.
func (a *API) post(ctx context.Context, channel string, m message) (string, error) {
	_, ts, err := a.client.PostMessageContext(ctx, channel, slack.MsgOptionText(m.fallback, false), slack.MsgOptionBlocks(m.blocks...))
	if err != nil {
		a.failed(ctx, "chat.postMessage", err)
		return "", fmt.Errorf("slack: chat.postMessage: %w", err)
	}
	return ts, nil
}

// update replaces the message at ts.
func (a *API) update(ctx context.Context, channel, ts string, m message) error {
	return a.idempotent(ctx, "chat.update", func() error {
		_, _, _, err := a.client.UpdateMessageContext(ctx, channel, ts, slack.MsgOptionText(m.fallback, false), slack.MsgOptionBlocks(m.blocks...))
		return err
	})
}

// publishHome replaces the user's App Home tab.
func (a *API) publishHome(ctx context.Context, user string, blocks []slack.Block) error {
	return a.idempotent(ctx, "views.publish", func() error {
		_, err := a.client.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user,
			View: slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}})
		return err
	})
}

// idempotent runs call, and after a 429 waits out Retry-After (when it is
// short enough) and runs it again, a few times at most.
func (a *API) idempotent(ctx context.Context, method string, call func() error) error {
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil {
			return nil
		}
		a.failed(ctx, method, err)
		rl, ok := errors.AsType[*slack.RateLimitedError](err)
		if !ok || attempt >= a.attempts || rl.RetryAfter > a.maxWait {
			return fmt.Errorf("slack: %s: %w", method, err)
		}
		if err := sleep(ctx, rl.RetryAfter); err != nil {
			return fmt.Errorf("slack: %s: waiting out a rate limit: %w", method, err)
		}
	}
}

// failed counts and logs a failed call. Slack's error codes carry no
// message content, so they are safe to log.
func (a *API) failed(ctx context.Context, method string, err error) {
	reason := errorReason(err)
	a.errors.WithLabelValues(method, reason).Inc()
	attrs := []any{"method", method, "reason", reason, "error", err.Error()}
	if rl, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		attrs = append(attrs, "retry_after", rl.RetryAfter.String())
	}
	a.log.WarnContext(ctx, "slack api call failed", attrs...)
}

func errorReason(err error) string {
	if _, ok := errors.AsType[*slack.RateLimitedError](err); ok {
		return "rate_limited"
	}
	if _, ok := errors.AsType[slack.SlackErrorResponse](err); ok {
		return "slack_error"
	}
	if _, ok := errors.AsType[slack.StatusCodeError](err); ok {
		return "http_status"
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return "timeout"
	}
	return "transport"
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

// groupMembers lists the members of a user group (usergroups.users.list).
func (a *API) groupMembers(ctx context.Context, group string) ([]string, error) {
	var ids []string
	err := a.idempotent(ctx, "usergroups.users.list", func() error {
		var err error
		ids, err = a.client.GetUserGroupMembersContext(ctx, group)
		return err
	})
	return ids, err
}
