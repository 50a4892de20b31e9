package inbox_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/inbox"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// gatedSender is a bot.Sender whose sends wait for open: it tells, on
// entered, that a reply is on its way (the turn committed) and, on done,
// that it went out.
type gatedSender struct {
	entered chan string
	done    chan string
	open    chan struct{}
	mu      sync.Mutex
	sent    []string // the user of each reply, in order
}

func newGatedSender() *gatedSender {
	return &gatedSender{entered: make(chan string, 16), done: make(chan string, 16), open: make(chan struct{})}
}

func (s *gatedSender) Send(ctx context.Context, r bot.Reply) error {
	s.entered <- r.UserID
	select {
	case <-s.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.mu.Lock()
	s.sent = append(s.sent, r.UserID)
	s.mu.Unlock()
	s.done <- r.UserID
	return nil
}

func (s *gatedSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// turnRig is a real bot on a SQLite store with an inbox whose worker
// handler runs the stored text as the person's DM, as an adapter would.
type turnRig struct {
	st     store.Store
	bot    *bot.Bot
	sender *gatedSender
	ib     *inbox.Inbox
	mu     sync.Mutex
	worked []string // the dedupe keys the workers ran, in order
}

func newTurnRig(t *testing.T) *turnRig {
	t.Helper()
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r := &turnRig{st: openStore(t), sender: newGatedSender()}
	r.bot, err = bot.New(bot.Config{Store: r.st, Flows: set, Senders: map[string]bot.Sender{"slack": r.sender},
		Logger: slog.New(slog.DiscardHandler), Institution: "みどり商工会"})
	if err != nil {
		t.Fatal(err)
	}
	r.ib = newInbox(t, r.st, func(ctx context.Context, it store.InboxItem) error {
		r.mu.Lock()
		r.worked = append(r.worked, it.DedupeKey)
		r.mu.Unlock()
		return r.bot.Handle(ctx, r.incoming(it))
	}, inbox.Config{})
	return r
}

func (r *turnRig) incoming(it store.InboxItem) bot.Incoming {
	return bot.Incoming{Channel: "slack", UserID: it.PersonKey, EventID: it.DedupeKey, Text: string(it.Payload)}
}

func (r *turnRig) item(key, user, text string) store.InboxItem {
	return store.InboxItem{DedupeKey: key, Channel: "slack", PersonKey: user, Kind: "event", Payload: []byte(text)}
}

// addTurn offers a DM the way the Slack adapter does; the result arrives
// on the returned channel.
func (r *turnRig) addTurn(it store.InboxItem) <-chan error {
	done := make(chan error, 1)
	go func() {
		done <- r.ib.AddTurn(context.Background(), it, func(ctx context.Context) error {
			return r.bot.Handle(ctx, r.incoming(it))
		})
	}()
	return done
}

func (r *turnRig) workedKeys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.worked...)
}

func wait[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: nothing within 10 s", what)
		panic("unreachable")
	}
}

// A DM runs its turn at intake: the platform is answered once the turn's
// transaction — holding the event's row, done — committed, while the reply
// is still on its way. The row is done; no worker ran anything.
func TestAddTurnAnswersOnCommitNotOnTheReply(t *testing.T) {
	r := newTurnRig(t)
	r.ib.Open() // Run opens it too, but in its own goroutine
	run(t, r.ib)
	done := r.addTurn(r.item("slack:msg:D1:1", "U1", "こんにちは"))
	if user := wait(t, "the reply", r.sender.entered); user != "U1" {
		t.Fatalf("reply to %q, want U1", user)
	}
	if err := wait(t, "AddTurn while the reply waits", done); err != nil {
		t.Fatalf("AddTurn: %v", err)
	}
	if n := r.sender.count(); n != 0 {
		t.Fatalf("%d replies finished before the gate opened", n)
	}
	it := rows(t, r.st, 1)[0]
	if it.DedupeKey != "slack:msg:D1:1" || it.Status != store.InboxDone || it.Attempts != 0 || string(it.Payload) != "こんにちは" {
		t.Errorf("the event's row: %+v, want it done with its payload, never claimed", it)
	}
	close(r.sender.open)
	// A redelivery is answered and has no second effect.
	if err := wait(t, "the redelivery", r.addTurn(r.item("slack:msg:D1:1", "U1", "こんにちは"))); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	if keys := r.workedKeys(); len(keys) != 0 {
		t.Errorf("workers ran %v, want nothing", keys)
	}
	wait(t, "the reply", r.sender.done)
	if stats := inboxStats(t, r.st); stats.Pending != 0 {
		t.Errorf("%d rows pending, want 0", stats.Pending)
	}
}

// A person's event may not overtake their earlier one still waiting in the
// inbox: it is stored behind it, and the workers run both, in order.
func TestAddTurnStaysBehindAPendingRow(t *testing.T) {
	r := newTurnRig(t)
	close(r.sender.open)
	add(t, r.ib, "first", "U1") // stored before the workers run: pending
	r.ib.Open()
	if err := wait(t, "AddTurn", r.addTurn(r.item("second", "U1", "はい"))); err != nil {
		t.Fatalf("AddTurn: %v", err)
	}
	if got := rows(t, r.st, 1, 2); got[0].Status != store.InboxPending || got[1].Status != store.InboxPending ||
		got[1].DedupeKey != "second" {
		t.Fatalf("rows %+v, want both pending, the second behind the first", got)
	}
	if n := r.sender.count(); n != 0 {
		t.Fatalf("%d replies before the first event ran", n)
	}
	run(t, r.ib)
	wait(t, "the first reply", r.sender.done)
	wait(t, "the second reply", r.sender.done) // each after its row was marked done, in the turn
	if got := rows(t, r.st, 1, 2); got[0].Status != store.InboxDone || got[1].Status != store.InboxDone {
		t.Errorf("rows %+v, want both done", got)
	}
	if keys := r.workedKeys(); len(keys) != 2 || keys[0] != "first" || keys[1] != "second" {
		t.Errorf("workers ran %v, want first then second", keys)
	}
}

// A turn that fails before its commit leaves nothing of itself; the event
// is stored for a worker, which runs it.
func TestAddTurnFailureIsStoredForARetry(t *testing.T) {
	r := newTurnRig(t)
	close(r.sender.open)
	r.ib.Open()
	run(t, r.ib)
	it := r.item("slack:msg:D1:2", "U1", "こんにちは")
	err := r.ib.AddTurn(t.Context(), it, func(ctx context.Context) error {
		return errors.New("the database went away")
	})
	if err != nil {
		t.Fatalf("AddTurn: %v (the event could be stored: no error for the platform)", err)
	}
	wait(t, "the worker's reply", r.sender.done)
	if keys := r.workedKeys(); len(keys) != 1 || keys[0] != it.DedupeKey {
		t.Errorf("workers ran %v, want the failed event", keys)
	}
	if it := rows(t, r.st, 1)[0]; it.Status != store.InboxDone { // marked in the turn, before the reply
		t.Errorf("the row is %s, want done", it.Status)
	}
}

func inboxStats(t *testing.T, st store.Store) store.InboxStats {
	t.Helper()
	var s store.InboxStats
	err := st.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		var err error
		s, err = tx.InboxStats(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
