package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

func TestURLVerificationAnswersTheChallenge(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	resp := h.post(t, "/slack/events", "application/json", body, time.Time{}, nil)
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("url_verification: %d %q", resp.StatusCode, got)
	}
}

// A request that is unsigned, signed with another secret, or signed more
// than five minutes ago gets 401 and has no effect at all.
func TestRejectedRequestsHaveNoEffect(t *testing.T) {
	h := newHarness(t)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "Ev1", "event": messageEvent("U1", "振り返り", "1.1")})
	for name, req := range map[string]func() *http.Request{
		"missing": func() *http.Request { return newRequest(t, h, body) },
		"invalid": func() *http.Request {
			r := newRequest(t, h, body)
			sign(r.Header, "another-secret", time.Now(), body)
			return r
		},
		"tampered": func() *http.Request {
			r := newRequest(t, h, body)
			sign(r.Header, testSecret, time.Now(), []byte(`{"type":"event_callback"}`))
			return r
		},
		"stale": func() *http.Request {
			r := newRequest(t, h, body)
			sign(r.Header, testSecret, time.Now().Add(-6*time.Minute), body)
			return r
		},
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(req())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h.adapter.Drain()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", resp.StatusCode)
			}
		})
	}
	if n := len(h.slack.calls("")); n != 0 {
		t.Errorf("%d Slack calls after rejected requests", n)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if _, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, "U1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a rejected request created the person: %v", err)
		}
	})
}

func newRequest(t *testing.T, h *harness, body []byte) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/events", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	return r
}

func TestOversizedBodyIsRefused(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"type":"event_callback","pad":"` + strings.Repeat("x", 2<<20) + `"}`)
	resp := h.post(t, "/slack/events", "application/json", body, time.Time{}, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

// Slack retries a delivery with the same event_id and X-Slack-Retry-Num;
// the same message may also come under another event_id. One effect.
func TestDuplicateDeliveriesHaveOneEffect(t *testing.T) {
	h := newHarness(t)
	msg := messageEvent("U1", "こんにちは", "1763600000.000100")
	h.event(t, "Ev1", msg, nil)
	retry := http.Header{"X-Slack-Retry-Num": {"1"}, "X-Slack-Retry-Reason": {"http_timeout"}}
	if resp := h.event(t, "Ev1", msg, retry); resp.StatusCode != http.StatusOK {
		t.Fatalf("retry answered %d", resp.StatusCode)
	}
	h.event(t, "Ev2", msg, nil) // same channel + ts, new event_id
	if n := len(h.slack.calls("chat.postMessage")); n != 1 {
		t.Errorf("%d replies to one message delivered three times, want 1", n)
	}
}

func TestBotMessagesAndUnknownEventsHaveNoEffect(t *testing.T) {
	h := newHarness(t)
	own := messageEvent("U1", "こんにちは", "1.1")
	own["bot_id"] = "B1"
	edited := messageEvent("U1", "こんにちは", "1.2")
	edited["subtype"] = "message_changed"
	for i, inner := range []map[string]any{
		own, edited,
		{"type": "reaction_added", "user": "U1", "reaction": "thumbsup", "event_ts": "1.3"},
		{"type": "brand_new_event_type", "user": "U1"},
	} {
		resp := h.event(t, "EvX"+string(rune('a'+i)), inner, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("event %v answered %d, want 200", inner["type"], resp.StatusCode)
		}
	}
	if n := len(h.slack.calls("")); n != 0 {
		t.Errorf("%d Slack calls, want none", n)
	}
	if !strings.Contains(h.logs.String(), "slack event ignored") {
		t.Errorf("unknown events were not logged:\n%s", h.logs)
	}
}

func TestHelpAndUnknownCommandsAnswerInJapanese(t *testing.T) {
	h := newHarness(t)
	for _, text := range []string{"help", "", "ほげ"} {
		resp := h.command(t, "U1", "C1", text)
		var got commandReply
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if got.ResponseType != "ephemeral" || !strings.Contains(got.Text, "/bansou visit 企業名") {
			t.Errorf("/bansou %s → %+v", text, got)
		}
	}
	if n := len(h.slack.calls("")); n != 0 {
		t.Errorf("help made %d Slack calls", n)
	}
}

// A 429 on chat.postMessage is not retried (Slack has no idempotency key):
// it is logged and counted; the turn itself is saved.
func TestRateLimitedPostIsNotRetried(t *testing.T) {
	h := newHarness(t)
	var posts atomic.Int32
	h.slack.setFail(func(method string, w http.ResponseWriter) bool {
		if method != "chat.postMessage" {
			return false
		}
		posts.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
	h.command(t, "U1", "D1", "visit")
	if n := posts.Load(); n != 1 {
		t.Errorf("chat.postMessage tried %d times, want 1", n)
	}
	if got := h.counter(t, "chat.postMessage", "rate_limited"); got != 1 {
		t.Errorf("slack api error metric = %v, want 1", got)
	}
	if logs := h.logs.String(); !strings.Contains(logs, `"reason":"rate_limited"`) || !strings.Contains(logs, `"retry_after":"1s"`) {
		t.Errorf("the 429 was not logged:\n%s", logs)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, "U1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ActiveSession(ctx, p.ID); err != nil {
			t.Errorf("the debrief was not saved before the send: %v", err)
		}
	})
}

// Idempotent calls wait out Retry-After and try again.
func TestRateLimitedOpenIsRetried(t *testing.T) {
	h := newHarness(t)
	var opens atomic.Int32
	h.slack.setFail(func(method string, w http.ResponseWriter) bool {
		if method != "conversations.open" || opens.Add(1) > 1 {
			return false
		}
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
	h.command(t, "U1", "D1", "visit")
	if n := opens.Load(); n != 2 {
		t.Errorf("conversations.open tried %d times, want 2", n)
	}
	if n := len(h.slack.calls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts after a retried open, want 1", n)
	}
}
