package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// call is one Web API call the fake Slack received.
type call struct {
	Method string
	Form   url.Values     // form-encoded calls (chat.*, conversations.*)
	JSON   map[string]any // JSON calls (views.*)
}

// blocks decodes the call's blocks (chat.postMessage, chat.update).
func (c call) blocks(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &out); err != nil {
		t.Fatalf("%s blocks: %v", c.Method, err)
	}
	return out
}

// fakeSlack is a Slack Web API that records every call and answers ok.
// fail, when set, may answer a call itself (429, errors).
type fakeSlack struct {
	srv   *httptest.Server
	mu    sync.Mutex
	ts    int
	seen  []call
	fail  func(method string, w http.ResponseWriter) bool
	group []string // members of every user group
	// hold, when set, runs after a call is recorded and before it is
	// answered: a test can keep a call in flight.
	hold     func(c call)
	arrivals bottest.Arrivals // signals each recorded call
}

func newFakeSlack(t testing.TB) *fakeSlack {
	f := &fakeSlack{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	body, _ := io.ReadAll(r.Body)
	c := call{Method: method}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail != nil && fail(method, w) {
		return
	}
	f.mu.Lock()
	f.seen = append(f.seen, c)
	f.arrivals.Arrived()
	f.ts++
	ts := fmt.Sprintf("1763600000.%06d", f.ts)
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		hold(c)
	}
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, strings.TrimPrefix(c.Form.Get("users"), "U"))
	case "chat.postMessage", "chat.update":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, c.Form.Get("channel"), ts)
	case "views.publish":
		fmt.Fprint(w, `{"ok":true,"view":{"id":"V1"}}`)
	case "usergroups.users.list":
		f.mu.Lock()
		users, _ := json.Marshal(f.group)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"users":%s}`, users)
	case "users.info":
		fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"sato.h","real_name":"Sato Hanako","profile":{"display_name":"佐藤 花子","real_name":"Sato Hanako"}}}`, c.Form.Get("user"))
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

func (f *fakeSlack) setFail(fn func(method string, w http.ResponseWriter) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fn
}

// waitFor waits until cond holds, checking it again at every call the
// fake receives.
func (f *fakeSlack) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	f.arrivals.WaitFor(t, what, cond)
}

// calls returns the recorded calls of method ("" for all).
func (f *fakeSlack) calls(method string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.seen {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSlack) last(t testing.TB, method string) call {
	t.Helper()
	cs := f.calls(method)
	if len(cs) == 0 {
		t.Fatalf("no %s call", method)
	}
	return cs[len(cs)-1]
}

// harness is the Slack adapter over real HTTP on a real SQLite store, with
// the bot's clock fixed at Friday 2026-11-20 10:00 JST.
type harness struct {
	slack   *fakeSlack
	adapter *Adapter
	srv     *httptest.Server
	store   store.Store
	reg     *prometheus.Registry
	logs    *bottest.Log
	seq     int
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	return newHarnessWith(t, nil)
}

// newHarnessWith is a harness with staff membership (nil: open enrolment)
// whose alerts go out as DMs through the fake Slack too.
func newHarnessWith(t testing.TB, staff *bot.Staff) *harness {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newHarnessOn(t, db, newFakeSlack(t), staff)
}

// newHarnessOn is a harness on db and fake; senderOpts configure its
// Sender (WithPrompts for a replica sharing the prompts through db).
func newHarnessOn(t testing.TB, db store.Store, fake *fakeSlack, staff *bot.Staff, senderOpts ...SenderOption) *harness {
	t.Helper()
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{slack: fake, store: db, reg: prometheus.NewRegistry(), logs: &bottest.Log{}}
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api, err := NewAPI(APIConfig{BotToken: "xoxb-test", URL: h.slack.srv.URL, Logger: log, Registerer: h.reg})
	if err != nil {
		t.Fatal(err)
	}
	sender := NewSender(api, log, senderOpts...)
	jst, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, jst)
	b, err := bot.New(bot.Config{Store: db, Flows: set, Senders: map[string]bot.Sender{bot.ChannelSlack: sender},
		Notifiers: map[string]bot.Notifier{bot.ChannelSlack: sender}, Staff: staff,
		Logger: log, Now: func() time.Time { return now }, Location: jst, Institution: "みどり商工会"})
	if err != nil {
		t.Fatal(err)
	}
	h.adapter, err = New(Config{API: api, Sender: sender, Bot: b, SigningSecret: testSecret, Logger: log, Location: jst, Base: context.Background()})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.adapter.Routes(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// post sends a request signed at time at (now when zero) and waits for the
// work it started.
func (h *harness) post(t testing.TB, path, contentType string, body []byte, at time.Time, header http.Header) *http.Response {
	t.Helper()
	if at.IsZero() {
		at = time.Now()
	}
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", contentType)
	sign(req.Header, testSecret, at, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	h.adapter.Drain()
	return resp
}

// sign adds Slack's v0 signature headers.
func sign(h http.Header, secret string, at time.Time, body []byte) {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
}

// dm sends a DM text message from user as an Events API callback.
func (h *harness) dm(t testing.TB, user, text string) *http.Response {
	t.Helper()
	h.seq++
	return h.event(t, fmt.Sprintf("Ev%04d", h.seq), messageEvent(user, text, fmt.Sprintf("1763600%03d.000100", h.seq)), nil)
}

func messageEvent(user, text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel": "D" + strings.TrimPrefix(user, "U"), "channel_type": "im",
		"user": user, "text": text, "ts": ts, "event_ts": ts}
}

// event posts an event_callback around inner.
func (h *harness) event(t testing.TB, eventID string, inner map[string]any, header http.Header) *http.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
		"event_id": eventID, "event_time": 1763600000, "event": inner})
	return h.post(t, "/slack/events", "application/json", body, time.Time{}, header)
}

// command posts /bansou text as user from channel.
func (h *harness) command(t testing.TB, user, channel, text string) *http.Response {
	t.Helper()
	form := url.Values{"command": {"/bansou"}, "text": {text}, "user_id": {user}, "channel_id": {channel},
		"team_id": {"T1"}, "trigger_id": {"tr1"}}
	return h.post(t, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Time{}, nil)
}

// click posts a block_actions payload for one action of user.
func (h *harness) click(t testing.TB, user string, action map[string]any, state map[string]any) *http.Response {
	t.Helper()
	h.seq++
	action["action_ts"] = fmt.Sprintf("1763600%03d.000200", h.seq)
	p := map[string]any{"type": "block_actions", "user": map[string]any{"id": user, "name": "sato"},
		"actions": []any{action}, "trigger_id": "tr", "container": map[string]any{"type": "message"}}
	if state != nil {
		p["state"] = map[string]any{"values": state}
	}
	payload, _ := json.Marshal(p)
	form := url.Values{"payload": {string(payload)}}
	return h.post(t, "/slack/interactivity", "application/x-www-form-urlencoded", []byte(form.Encode()), time.Time{}, nil)
}

// prompt is the interactive part of the last message posted.
type prompt struct {
	blockID  string
	elements []map[string]any
	text     string // all the message's text
}

func (h *harness) lastPrompt(t testing.TB) prompt {
	t.Helper()
	c := h.slack.last(t, "chat.postMessage")
	p := prompt{text: c.Form.Get("text")}
	for _, b := range c.blocks(t) {
		var raw bytes.Buffer
		enc := json.NewEncoder(&raw)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(b)
		p.text += "\n" + raw.String()
		if b["type"] == "actions" {
			p.blockID, _ = b["block_id"].(string)
			for _, e := range b["elements"].([]any) {
				p.elements = append(p.elements, e.(map[string]any))
			}
		}
	}
	return p
}

// step is the step id the last prompt asks.
func (p prompt) step(t testing.TB) string {
	t.Helper()
	_, step, ok := parseBlockID(p.blockID)
	if !ok {
		return ""
	}
	return step
}

// button finds the element with action ids starting with prefix and the
// given value.
func (p prompt) button(t testing.TB, value string) map[string]any {
	t.Helper()
	for _, e := range p.elements {
		if e["type"] == "button" && e["value"] == value {
			return map[string]any{"type": "button", "action_id": e["action_id"], "block_id": p.blockID, "value": value, "text": e["text"]}
		}
	}
	t.Fatalf("no button %q in prompt %s", value, p.text)
	return nil
}

func (p prompt) element(t testing.TB, typ string) map[string]any {
	t.Helper()
	for _, e := range p.elements {
		if e["type"] == typ {
			return e
		}
	}
	t.Fatalf("no %s in prompt %s", typ, p.text)
	return nil
}

// counter reads bansou_slack_api_errors_total{method, reason}.
func (h *harness) counter(t testing.TB, method, reason string) float64 {
	t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "bansou_slack_api_errors_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["method"] == method && labels["reason"] == reason {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func (h *harness) inTx(t testing.TB, fn func(ctx context.Context, tx store.Tx)) {
	t.Helper()
	err := h.store.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		fn(ctx, tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
