package slack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/bansou/bansou/flows"
)

// acks records Socket Mode acknowledgements.
type acks struct {
	mu   sync.Mutex
	seen map[string]any
}

func (a *acks) AckCtx(_ context.Context, envelopeID string, payload any) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen == nil {
		a.seen = map[string]any{}
	}
	a.seen[envelopeID] = payload
	return nil
}

func (a *acks) acked(id string) (any, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.seen[id]
	return p, ok
}

// dispatch hands evt to the adapter as the Socket Mode loop would, and
// waits for the work it started.
func (h *harness) dispatch(ack *acks, evt socketmode.Event) {
	h.adapter.onSocketEvent(context.Background(), ack, evt)
	h.adapter.Drain()
}

func envelope(id, typ string) *socketmode.Request {
	return &socketmode.Request{EnvelopeID: id, Type: typ}
}

// Socket Mode: every envelope is acked (the slash command's ack carries
// the help), and events, clicks and commands drive the same turns as HTTP.
func TestSocketModeEvents(t *testing.T) {
	h := newHarness(t)
	ack := &acks{}

	h.dispatch(ack, socketmode.Event{Type: socketmode.EventTypeSlashCommand, Request: envelope("e1", "slash_commands"),
		Data: slack.SlashCommand{Command: "/bansou", Text: "help", UserID: "U1", ChannelID: "C1"}})
	if p, ok := ack.acked("e1"); !ok || !strings.Contains(p.(*commandReply).Text, "使い方") {
		t.Fatalf("slash command ack = %v, %v", p, ok)
	}

	h.dispatch(ack, socketmode.Event{Type: socketmode.EventTypeSlashCommand, Request: envelope("e2", "slash_commands"),
		Data: slack.SlashCommand{Command: "/bansou", Text: "visit", UserID: "U1", ChannelID: "D1"}})
	mode := h.wantStep(t, flows.ModeStep)

	var ic slack.InteractionCallback
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"},
		"actions": []any{mode.button(t, "quick")}})
	if err := json.Unmarshal(payload, &ic); err != nil {
		t.Fatal(err)
	}
	h.dispatch(ack, socketmode.Event{Type: socketmode.EventTypeInteractive, Request: envelope("e3", "interactive"), Data: ic})
	h.wantStep(t, "") // D1, the company, is typed

	raw, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "Ev9", "event": messageEvent("U1", "山田製作所", "1763600999.000100")})
	ev, err := slackevents.ParseEvent(raw, slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	msg := socketmode.Event{Type: socketmode.EventTypeEventsAPI, Request: envelope("e4", "events_api"), Data: ev}
	h.dispatch(ack, msg)
	redelivered := msg
	redelivered.Request = &socketmode.Request{EnvelopeID: "e5", Type: "events_api", RetryAttempt: 1}
	h.dispatch(ack, redelivered)                               // the same message again: acked, no second effect
	if p := h.lastPrompt(t); !strings.Contains(p.text, "段階") { // a new company: its stage first
		t.Errorf("after the company the bot asks:\n%s", p.text)
	}
	if n := len(h.slack.calls("chat.postMessage")); n != 3 {
		t.Errorf("%d prompts posted, want 3 (mode, company, I9)", n)
	}

	bad := `{"envelope_id":"e6","type":"events_api","payload":{"type":"event_callback","event":{"type":"unheard_of"}}}`
	h.dispatch(ack, socketmode.Event{Type: socketmode.EventTypeErrorBadMessage,
		Data: &socketmode.ErrorBadMessage{Cause: errors.New("inner Event does not exist"), Message: json.RawMessage(bad)}})
	for _, id := range []string{"e2", "e3", "e4", "e5", "e6"} {
		if _, ok := ack.acked(id); !ok {
			t.Errorf("envelope %s not acked", id)
		}
	}
}
