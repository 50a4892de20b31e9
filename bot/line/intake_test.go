package line

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/inbox"
	"github.com/bansou/bansou/store"
)

// withInbox routes the webhook through a real inbox on the harness's store.
func (h *harness) withInbox(t *testing.T) (stop func()) {
	t.Helper()
	ib, err := inbox.New(inbox.Config{Store: h.store, Base: context.Background(), Handlers: map[string]inbox.Handler{"line": h.adapter.Process},
		Poll: 20 * time.Millisecond, Keep: 365 * 24 * time.Hour}) // the bot's clock is days behind
	if err != nil {
		t.Fatal(err)
	}
	h.adapter.cfg.Inbox = ib
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = ib.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// With the inbox, the webhook answers once the events are stored; a worker
// then runs each event's turn from the stored bot.Incoming and replies
// with its reply token. A redelivery is not stored twice.
func TestWebhookGoesThroughTheInbox(t *testing.T) {
	h := newHarness(t)
	stopInbox := h.withInbox(t)
	ev := h.textEvent("Uowner", "こんにちは")
	h.mustDeliver(t, ev, h.textEvent("Uother", "はじめまして"))
	h.line.waitFor(t, "two replies", func() bool { return len(h.line.calls(pathReply)) >= 2 })
	if n := len(h.line.calls(pathReply)); n != 2 {
		t.Fatalf("%d replies, want 2", n)
	}
	h.mustDeliver(t, ev) // LINE redelivers the first event
	stopInbox()          // returns when the work in flight is finished
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

// A rich menu tap that waits in the inbox keeps its button: the stored
// bot.Incoming carries Menu, and the replayed turn hears 「相談したい」 (one
// alert, the owner told who will call, the loading animation shown).
func TestMenuTapSurvivesTheInbox(t *testing.T) {
	h := newHarness(t)
	h.link(t, "Uowner", "山田製作所")
	stopInbox := h.withInbox(t)
	before, loaded := len(h.line.calls(pathReply)), len(h.line.calls("/v2/bot/chat/loading/start"))
	h.mustDeliver(t, h.postbackEvent("Uowner", "menu=call", nil))
	h.line.waitFor(t, "the reply", func() bool { return len(h.line.calls(pathReply)) > before })
	replies := h.line.calls(pathReply)
	if len(replies) != before+1 || !strings.Contains(replies[before].text(), "担当の佐藤からお電話します") {
		t.Fatalf("replies %d (want %d); logs:\n%s", len(replies), before+1, h.logs.String())
	}
	stopInbox() // alerts go out after the reply, in the same turn: it has finished
	if alerts := h.alerts.All(); len(alerts) != 1 || !strings.Contains(alerts[0].Text, "相談したい") {
		t.Errorf("alerts %+v, want one for the menu's call request", alerts)
	}
	if loads := h.line.calls("/v2/bot/chat/loading/start"); len(loads) != loaded+1 || loads[loaded].Body["chatId"] != "Uowner" {
		t.Errorf("loading animations %v, want one while the replayed turn ran", loads)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		it, err := tx.InboxItem(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		var in bot.Incoming
		if err := json.Unmarshal(it.Payload, &in); err != nil || in.Menu != bot.MenuCall || it.Status != store.InboxDone {
			t.Errorf("stored row %+v (%+v, %v), want Menu %q", it, in, err, bot.MenuCall)
		}
	})
}
