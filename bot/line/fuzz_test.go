package line

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/bansou/bansou/bot"
)

// FuzzPostbackData: any postback data parses without panicking, and what
// parses re-encodes to data that parses to the same action.
func FuzzPostbackData(f *testing.F) {
	for _, s := range []string{"s=42&p=L2b&v=no_time", "s=1&p=D23", "s=1&p=%E3%81%82&v=%20", "s=9223372036854775807&p=x&v=y",
		"s=1&s=2&p=a", "keyboard", "s=1;p=2", "%", "s=01&p=a"} {
		f.Add(s, "")
	}
	f.Add("s=1&p=D23", "2026-12-04")
	f.Fuzz(func(t *testing.T, data, date string) {
		var params map[string]string
		if date != "" {
			params = map[string]string{"date": date}
		}
		act, ok := parsePostback(data, params)
		if !ok {
			return
		}
		if act.SessionID <= 0 || act.StepID == "" {
			t.Fatalf("parsed %q to %+v", data, act)
		}
		again, fits := postbackData(act.SessionID, act.StepID, act.Value)
		if !fits {
			return
		}
		back, ok := parsePostback(again, nil)
		if !ok || back != act {
			t.Fatalf("%q → %+v → %q → %+v, %v", data, act, again, back, ok)
		}
	})
}

// countingHandler stands in for the bot: it counts turns and fails the
// ones whose text is "fail".
type countingHandler struct {
	mu sync.Mutex
	n  int
}

func (c *countingHandler) Handle(_ context.Context, in bot.Incoming) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if in.Text == "fail" {
		return context.DeadlineExceeded
	}
	return nil
}

// FuzzWebhook: any body, correctly signed, gets a status the platform
// understands (200, 400, 413 or 500) and never a panic; unsigned bodies
// never reach the bot.
func FuzzWebhook(f *testing.F) {
	for _, s := range []string{
		`{"destination":"U1","events":[]}`,
		`{"destination":"U1","events":[{"type":"message","mode":"active","timestamp":1763600000000,"source":{"type":"user","userId":"U1"},"webhookEventId":"01H","replyToken":"rt","message":{"type":"text","id":"1","text":"はい"}}]}`,
		`{"events":[{"type":"postback","source":{"type":"user","userId":"U1"},"postback":{"data":"s=1&p=L1&v=done","params":{"date":"2026-12-04"}}}]}`,
		`{"events":[{"type":"follow","source":{"type":"user","userId":"U1"}},{"type":"unfollow","source":{"type":"user","userId":"U1"}}]}`,
		`{"events":[{"type":"message","source":{"type":"group","groupId":"C1"},"message":{"type":"sticker","id":"1","packageId":"1","stickerId":"1"}}]}`,
		`{"events":[{"type":"message","source":{"type":"user","userId":"U1"},"message":{"type":"text","text":"fail"}}]}`,
		`{"events":[{"type":"message","source":null,"message":null}]}`,
		`{"events":[{"type":"postback","source":{"type":"user"},"postback":null}]}`,
		`{"events":[{}]}`, `{"events":null}`, `[]`, `null`, ``, `{`,
	} {
		f.Add([]byte(s), true)
	}
	f.Add([]byte(`{"events":[]}`), false)
	f.Fuzz(func(t *testing.T, body []byte, signed bool) {
		h := &countingHandler{}
		a, err := New(Config{ChannelSecret: testSecret, Handler: h, Base: context.Background()})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/line/webhook", bytes.NewReader(body))
		if signed {
			req.Header.Set("X-Line-Signature", sign(testSecret, body))
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusInternalServerError:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		if !signed && (rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge || h.n != 0) {
			t.Fatalf("unsigned body: status %d, %d turns", rec.Code, h.n)
		}
	})
}
