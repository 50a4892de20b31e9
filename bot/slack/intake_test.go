package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/bansou/bansou/bot/inbox"
	"github.com/bansou/bansou/store"
)

// withInbox routes the harness's events through a real inbox on its store,
// with workers running until the test ends.
func (h *harness) withInbox(t *testing.T) (stop func()) {
	t.Helper()
	ib, err := inbox.New(inbox.Config{Store: h.store, Base: context.Background(), Handlers: map[string]inbox.Handler{"slack": h.adapter.Process},
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

func (h *harness) inboxRows(t *testing.T) []store.InboxItem {
	t.Helper()
	var out []store.InboxItem
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		for id := int64(1); ; id++ {
			it, err := tx.InboxItem(ctx, id)
			if err != nil {
				return
			}
			out = append(out, it)
		}
	})
	return out
}

// With the inbox, a DM, a click and a slash command are stored before the
// ack and run by the inbox's workers: the replies come, every row is done.
func TestEventsGoThroughTheInbox(t *testing.T) {
	h := newHarness(t)
	stopInbox := h.withInbox(t)
	if resp := h.command(t, "U1", "D1", "visit"); resp.StatusCode != http.StatusOK {
		t.Fatalf("command: %d", resp.StatusCode)
	}
	h.slack.waitFor(t, "the mode question", func() bool { return len(h.slack.calls("chat.postMessage")) == 1 })
	mode := h.lastPrompt(t)
	h.click(t, "U1", mode.button(t, "quick"), nil)
	h.slack.waitFor(t, "the first question", func() bool { return len(h.slack.calls("chat.postMessage")) == 2 })
	h.dm(t, "U1", "山田製作所")
	h.slack.waitFor(t, "the second question", func() bool { return len(h.slack.calls("chat.postMessage")) == 3 })
	rows := h.inboxRows(t)
	if len(rows) != 3 {
		t.Fatalf("%d inbox rows, want 3", len(rows))
	}
	stopInbox() // returns when the work in flight is finished
	for _, r := range h.inboxRows(t) {
		if r.Status != store.InboxDone {
			t.Errorf("row %d is %s after the inbox stopped, want done", r.ID, r.Status)
		}
	}
	for i, kind := range []string{kindCommand, kindInteraction, kindEvent} {
		if rows[i].Kind != kind || rows[i].PersonKey != "slack:U1" {
			t.Errorf("row %d: kind %s person %s, want %s of slack:U1", i, rows[i].Kind, rows[i].PersonKey, kind)
		}
	}
	// A redelivery of the DM (same channel and ts, another event_id) is
	// not stored again.
	h.event(t, "EvOther", messageEvent("U1", "山田製作所", fmt.Sprintf("1763600%03d.000100", h.seq)), nil)
	if n := len(h.inboxRows(t)); n != 3 {
		t.Errorf("a redelivery added a row: %d rows", n)
	}
}

// When the inbox cannot store an event, Slack gets 503 over HTTP and no
// ack over Socket Mode, so it delivers the event again; nothing runs.
func TestUnstoredEventsAreNotAcknowledged(t *testing.T) {
	h := newHarness(t)
	h.withInbox(t)
	h.store.Close() // the database is gone
	if resp := h.dm(t, "U1", "こんにちは"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("DM: %d, want 503", resp.StatusCode)
	}
	if resp := h.command(t, "U1", "D1", "visit"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("command: %d, want 503", resp.StatusCode)
	}
	click := clickBody("U1", 1, map[string]any{"type": "button", "action_id": actResume, "block_id": "home", "value": "x"}, nil)
	if resp := h.post(t, "/slack/interactivity", "application/x-www-form-urlencoded", click, time.Time{}, nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("click: %d, want 503", resp.StatusCode)
	}
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvS", "event": messageEvent("U1", "こんにちは", "1763609999.000100")})
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	ack := &acks{}
	h.dispatch(ack, socketmode.Event{Type: socketmode.EventTypeEventsAPI, Data: ev,
		Request: &socketmode.Request{EnvelopeID: "env1", Type: "events_api", Payload: body}})
	if _, ok := ack.acked("env1"); ok {
		t.Errorf("a Socket Mode envelope that was not stored was acked")
	}
	if n := len(h.slack.calls("chat.postMessage")); n != 0 {
		t.Errorf("%d replies for events that were refused", n)
	}
}
