package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/digest"
)

// Bot is what the adapter drives: *bot.Bot, possibly wrapped (metrics).
type Bot interface {
	Handle(ctx context.Context, in bot.Incoming) error
	Start(ctx context.Context, channel, userID string, req bot.StartRequest) error
	Resume(ctx context.Context, channel, userID string) (bool, error)
	Overview(ctx context.Context, channel, userID string) (bot.Overview, error)
	History(ctx context.Context, channel, userID, company string) (bot.History, error)
	InviteAs(ctx context.Context, channel, userID, company string) (bot.Invite, error)
	Digest(ctx context.Context, channel, userID string) (*digest.Digest, string, error)
	Handover(ctx context.Context, req bot.HandoverRequest) (bot.HandoverResult, error)
	WebLink(ctx context.Context, channel, userID string) (bot.WebLink, error)
	WebLogout(ctx context.Context, channel, userID string) (int64, error)
}

// Config is what an Adapter needs.
type Config struct {
	API    *API
	Sender *Sender
	Bot    Bot
	// SigningSecret verifies HTTP requests from Slack. Required for the HTTP
	// endpoints; Socket Mode does not use it.
	SigningSecret string
	Logger        *slog.Logger
	Lang          string         // language before the person is known: ja
	Location      *time.Location // local time of the people (default UTC)
	TurnTimeout   time.Duration  // bound of the work after one ack (default 30 s)
	MaxBody       int64          // request body limit (default 1 MiB)
	LineFriendURL string         // add-friend link of the LINE account, shown with invite codes
	// Inbox, when set, stores every event with work to do before it is
	// acknowledged; its workers run the work through Process. Without it
	// the work runs in a goroutine after the ack (lost if the process dies).
	Inbox Enqueuer
	// Base is the context the work after an ack runs under: the server's
	// base context, cancelled at shutdown after the drain. Required.
	Base context.Context
}

// Adapter receives Slack events — over HTTP or Socket Mode — acknowledges
// them at once, and runs the bot's turn after the ack: from the inbox
// (Config.Inbox, stored before the ack, run through Process), or without
// one in a goroutine that Wait waits for.
type Adapter struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// New returns an Adapter.
func New(cfg Config) (*Adapter, error) {
	if cfg.API == nil || cfg.Sender == nil || cfg.Bot == nil || cfg.Base == nil {
		return nil, errors.New("slack: adapter needs an API, a Sender, a Bot and a base context")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Lang == "" {
		cfg.Lang = "ja"
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.TurnTimeout == 0 {
		cfg.TurnTimeout = 30 * time.Second
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = 1 << 20
	}
	return &Adapter{cfg: cfg, log: cfg.Logger.With("component", "slack")}, nil
}

// work is what runs after the ack; nil when there is nothing to do.
type work func(ctx context.Context) error

// spawn runs w after the ack, bounded by the turn timeout. After Wait has
// begun, new work is refused (intake has stopped).
func (a *Adapter) spawn(what string, w work) {
	if w == nil {
		return
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		a.log.Warn("work refused during shutdown", "work", what)
		return
	}
	a.wg.Add(1)
	a.mu.Unlock()
	go func() {
		defer a.wg.Done()
		ctx, cancel := context.WithTimeout(a.cfg.Base, a.cfg.TurnTimeout)
		defer cancel()
		if err := a.run(ctx, w); err != nil {
			a.log.ErrorContext(ctx, "slack work failed", "work", what, "error", err.Error())
		}
	}()
}

// run calls w, turning a panic into an error so one bad event cannot stop
// the process.
func (a *Adapter) run(ctx context.Context, w work) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return w(ctx)
}

// Wait stops accepting work and waits until the work in flight is done or
// ctx ends. Stop intake (the HTTP server, Socket Mode) before calling it.
func (a *Adapter) Wait(ctx context.Context) error {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	done := make(chan struct{})
	go func() {
		a.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slack: waiting for turns in flight: %w", ctx.Err())
	}
}

// Drain waits for the work in flight without stopping intake. Tests use it
// to wait for the turn an ack started.
func (a *Adapter) Drain() {
	a.wg.Wait()
}
