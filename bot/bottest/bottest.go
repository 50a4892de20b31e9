// Package bottest holds recording implementations of the bot's channel
// interfaces (bot.Sender, bot.Notifier) and a log sink safe for concurrent
// writers, shared by the tests of bot and its adapters. They stand in for a
// messenger in tests that are about something else; the adapters' own tests
// go over real HTTP.
package bottest

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
)

// Replies is a bot.Sender that keeps every reply.
type Replies struct {
	mu      sync.Mutex
	replies []bot.Reply
}

// Send records r.
func (r *Replies) Send(_ context.Context, rep bot.Reply) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replies = append(r.replies, rep)
	return nil
}

// Last is the latest reply; the test fails when nothing was sent.
func (r *Replies) Last(t testing.TB) bot.Reply {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.replies) == 0 {
		t.Fatal("the bot sent nothing")
	}
	return r.replies[len(r.replies)-1]
}

// All returns a copy of every reply, oldest first.
func (r *Replies) All() []bot.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Reply(nil), r.replies...)
}

// Count is how many replies were sent.
func (r *Replies) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.replies)
}

// Alerts is a bot.Notifier (and bot.AlertUpdater) that keeps every alert
// posted; an update replaces the alert it refers to, as chat.update does.
type Alerts struct {
	mu      sync.Mutex
	alerts  []bot.Alert
	updates int
}

// NotifyRef records a and returns its index as the ref.
func (r *Alerts) NotifyRef(_ context.Context, a bot.Alert) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, a)
	return strconv.Itoa(len(r.alerts) - 1), nil
}

// UpdateAlert replaces the alert at ref.
func (r *Alerts) UpdateAlert(_ context.Context, ref string, a bot.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, err := strconv.Atoi(ref)
	if err != nil || i < 0 || i >= len(r.alerts) {
		return fmt.Errorf("bottest: no alert %q", ref)
	}
	r.alerts[i] = a
	r.updates++
	return nil
}

// Updates counts the updates of alerts already posted.
func (r *Alerts) Updates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.updates
}

// Notify records a.
func (r *Alerts) Notify(_ context.Context, a bot.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.alerts = append(r.alerts, a)
	return nil
}

// All returns a copy of every alert, oldest first.
func (r *Alerts) All() []bot.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Alert(nil), r.alerts...)
}

// Log is an io.Writer for slog handlers that is safe for concurrent writers.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Clock is an injected clock that tests move by hand. Its Now method is a
// bot.Config.Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Arrivals lets a test wait for what a fake platform receives: the fake
// calls Arrived at each call it records; WaitFor checks its condition again
// at each arrival. The zero value is ready.
type Arrivals struct {
	mu sync.Mutex
	ch chan struct{}
}

// Next is closed at the next arrival.
func (a *Arrivals) Next() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch == nil {
		a.ch = make(chan struct{})
	}
	return a.ch
}

// Arrived wakes whoever waits for the next arrival.
func (a *Arrivals) Arrived() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ch != nil {
		close(a.ch)
		a.ch = nil
	}
}

// WaitFor waits until cond holds, checking it again at every arrival; it
// fails the test after 10 s.
func (a *Arrivals) WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		next := a.Next()
		if cond() {
			return
		}
		select {
		case <-next:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
