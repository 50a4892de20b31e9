package line

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/inbox"
	"github.com/bansou/bansou/store"
)

// withInbox routes the webhook through a real inbox on the harness's store.
func (h *harness) withInbox(t *testing.T) {
	t.Helper()
	ib, err := inbox.New(inbox.Config{Store: h.store, Handlers: map[string]inbox.Handler{"line": h.adapter.Process},
		Poll: 20 * time.Millisecond, Keep: 365 * 24 * time.Hour}) // the bot's clock is days behind
	if err != nil {
		t.Fatal(err)
	}
	h.adapter.cfg.Inbox = ib
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = ib.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// With the inbox, the webhook answers once the events are stored; a worker
// then runs each event's turn from the stored bot.Incoming and replies
// with its reply token. A redelivery is not stored twice.
func TestWebhookGoesThroughTheInbox(t *testing.T) {
	h := newHarness(t)
	h.withInbox(t)
	ev := h.textEvent("Uowner", "こんにちは")
	h.mustDeliver(t, ev, h.textEvent("Uother", "はじめまして"))
	deadline := time.Now().Add(10 * time.Second)
	for len(h.line.calls(pathReply)) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(h.line.calls(pathReply)); n != 2 {
		t.Fatalf("%d replies, want 2", n)
	}
	h.mustDeliver(t, ev) // LINE redelivers the first event
	time.Sleep(100 * time.Millisecond)
	if n := len(h.line.calls("")); n != 2 {
		t.Errorf("a redelivery caused %d more calls", n-2)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		it, err := tx.InboxItem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		var in bot.Incoming
		if err := json.Unmarshal(it.Payload, &in); err != nil || in.Text != "こんにちは" || in.UserID != "Uowner" ||
			it.PersonKey != "line:Uowner" || it.Status != store.InboxDone {
			t.Errorf("stored row %+v (%+v, %v)", it, in, err)
		}
		if _, err := tx.InboxItem(ctx, 3); err == nil {
			t.Errorf("the redelivery was stored")
		}
	})
}

// When the inbox cannot store the events, the webhook answers 500 so that
// LINE redelivers them; nothing runs.
func TestWebhookWithoutStoreAnswers500(t *testing.T) {
	h := newHarness(t)
	h.withInbox(t)
	h.store.Close()
	if code := h.deliver(t, h.textEvent("Uowner", "こんにちは")); code != http.StatusInternalServerError {
		t.Errorf("webhook: %d, want 500", code)
	}
	if n := len(h.line.calls("")); n != 0 {
		t.Errorf("%d LINE calls for an event that was not stored", n)
	}
}
