package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store/sqlite"
)

// An answer that arrives while its question's chat.postMessage is still in
// flight (a tap at machine speed) still gets the question's buttons
// replaced: the reply to the answer finds no recorded message and leaves a
// mark; the poster finds the mark and closes its own message.
func TestAnswerBeforePostStillClosesTheButtons(t *testing.T) {
	h := newHarness(t)
	h.knownCompany(t, "U1", "山田製作所") // so the debrief asks no intake
	h.command(t, "U1", "D1", "visit")
	h.click(t, "U1", h.wantStep(t, flows.ModeStep).button(t, "quick"), nil)
	h.dm(t, "U1", "山田製作所")
	h.wantStep(t, "") // D5, answered by typing
	h.dm(t, "U1", "売上が前年比1割減。")

	// Hold the next question (D14, checkboxes) in chat.postMessage; a
	// failing test releases it too, so the package cannot hang.
	posted, release := make(chan call, 1), make(chan struct{})
	var releaseOnce sync.Once
	releaseHeld := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseHeld)
	h.slack.mu.Lock()
	h.slack.hold = func(c call) {
		if c.Method == "chat.postMessage" && strings.Contains(c.Form.Get("blocks"), `"actions"`) {
			select {
			case posted <- c:
				<-release
			default: // only the first
			}
		}
	}
	h.slack.mu.Unlock()
	h.seq++
	h.send(t, "/slack/events", "application/json", eventBody(fmt.Sprintf("Ev%04d", h.seq),
		messageEvent("U1", "「手が回らない」", fmt.Sprintf("1763600%03d.000100", h.seq))))
	var held call
	select {
	case held = <-posted:
	case <-time.After(10 * time.Second):
		t.Fatal("the question was not posted")
	}
	p := h.lastPrompt(t)
	if p.step(t) != "D14" {
		t.Fatalf("held question is %q, want D14", p.step(t))
	}
	// The answer arrives before chat.postMessage has returned.
	h.seq++
	h.send(t, "/slack/interactivity", "application/x-www-form-urlencoded", clickBody("U1", h.seq, p.button(t, "submit"),
		map[string]any{p.blockID: map[string]any{actPick: map[string]any{"type": "checkboxes",
			"selected_options": []any{map[string]any{"value": "tarinai"}}}}}))
	// Posted: mode, D1, D5, D7, D14 (held), then the reply to the answer.
	h.slack.waitFor(t, "the reply to the answer", func() bool { return len(h.slack.calls("chat.postMessage")) >= 6 })
	if ups := h.slack.calls("chat.update"); len(ups) != 2 {
		t.Fatalf("before the post returned, %d chat.update calls, want 2 (the mode and company questions only)", len(ups))
	}
	releaseHeld()
	h.adapter.Drain()
	ups := h.slack.calls("chat.update")
	if len(ups) != 3 {
		t.Fatalf("%d chat.update calls, want 3 (mode, company, then D14 by its own poster)", len(ups))
	}
	h.wantClosed(t, "")
	if c := ups[2]; c.Form.Get("channel") != held.Form.Get("channel") || c.Form.Get("ts") == "" ||
		!strings.Contains(c.Form.Get("blocks"), "✅") {
		t.Errorf("D14's message was not closed: %v", c.Form)
	}
}

// With two replicas sharing the store, a tap handled by the replica that
// did not post the question still replaces the question's buttons; with
// the per-process memory alone it would not (the control).
func TestOtherReplicaClosesTheButtons(t *testing.T) {
	for _, shared := range []bool{true, false} {
		t.Run(fmt.Sprintf("shared=%v", shared), func(t *testing.T) {
			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "bansou.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			fake := newFakeSlack(t)
			var opts []SenderOption
			if shared {
				opts = append(opts, WithPrompts(StorePrompts(db)))
			}
			a, b := newHarnessOn(t, db, fake, nil, opts...), newHarnessOn(t, db, fake, nil, opts...)
			a.command(t, "U1", "D1", "visit")
			mode := a.wantStep(t, flows.ModeStep)
			modeTS := fake.last(t, "chat.postMessage")
			b.seq = 100
			b.click(t, "U1", mode.button(t, "quick"), nil)
			ups := fake.calls("chat.update")
			if !shared {
				if len(ups) != 0 {
					t.Errorf("without the shared store the other replica updated %d messages", len(ups))
				}
				return
			}
			if len(ups) != 1 {
				t.Fatalf("%d chat.update calls, want 1", len(ups))
			}
			b.wantClosed(t, "簡易（約3分）")
			if ups[0].Form.Get("channel") != modeTS.Form.Get("channel") {
				t.Errorf("updated %v, want the mode question's message", ups[0].Form)
			}
		})
	}
}

// send posts a signed request without waiting for the work it starts.
func (h *harness) send(t *testing.T, path, contentType string, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	sign(req.Header, testSecret, time.Now(), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d", path, resp.StatusCode)
	}
}

func eventBody(eventID string, inner map[string]any) []byte {
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
		"event_id": eventID, "event_time": 1763600000, "event": inner})
	return body
}

func clickBody(user string, seq int, action map[string]any, state map[string]any) []byte {
	action["action_ts"] = fmt.Sprintf("1763600%03d.000200", seq)
	p := map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "name": "sato"},
		"actions": []any{action}, "trigger_id": "tr", "container": map[string]any{"type": "message"}}
	if state != nil {
		p["state"] = map[string]any{"values": state}
	}
	payload, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}
