package slack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// BenchmarkEvents measures a signed Events API request up to its ack over
// real HTTP: read, verify the signature, parse, answer 200. The event is
// the bot's own message, so no turn follows.
func BenchmarkEvents(b *testing.B) {
	h := newHarness(b)
	inner := messageEvent("U1", "こんにちは", "1763600000.000100")
	inner["bot_id"] = "B1"
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": inner})
	client := &http.Client{}
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		sign(req.Header, testSecret, time.Now(), body)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// BenchmarkDMTurn measures a whole DM turn: the signed message event, the
// ack, the bot's turn on SQLite, and the Block Kit reply to the recording
// Slack (chat.update of the previous prompt when there is one, then
// chat.postMessage). Turns alternate between answering D5 and 「戻る」.
func BenchmarkDMTurn(b *testing.B) {
	h := newHarness(b)
	h.command(b, "U1", "D1", "visit")
	mode := h.lastPrompt(b)
	h.click(b, "U1", mode.button(b, "quick"), nil)
	h.dm(b, "U1", "山田製作所")
	h.dm(b, "U1", "3") // a new company: its stage first (the intake's hand-off)
	if p := h.lastPrompt(b); !bytes.Contains([]byte(p.text), []byte("事実")) {
		b.Fatalf("not at D5: %s", p.text)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		text := "売上が前年比1割減。"
		if i%2 == 0 {
			text = "戻る"
		}
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("EvB%d", i),
			"event": messageEvent("U1", text, fmt.Sprintf("1763700000.%06d", i))})
		h.post(b, "/slack/events", "application/json", body, time.Time{}, nil)
	}
	b.StopTimer()
	if n := len(h.slack.calls("chat.postMessage")); n < b.N {
		b.Fatalf("%d replies for %d turns", n, b.N)
	}
}
