package line

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

const (
	testSecret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	testToken  = "test-channel-access-token"
)

// apiCall is one Messaging API request the fake LINE received.
type apiCall struct {
	Method string
	Path   string
	Header http.Header
	Body   map[string]any
}

// retryKey is the call's X-Line-Retry-Key ("" when absent).
func (c apiCall) retryKey() string { return c.Header.Get("X-Line-Retry-Key") }

// messages decodes the call's messages.
func (c apiCall) messages() []lineMessage {
	raw, _ := json.Marshal(c.Body["messages"])
	var out []lineMessage
	_ = json.Unmarshal(raw, &out)
	return out
}

// text is every message's text, joined.
func (c apiCall) text() string {
	var parts []string
	for _, m := range c.messages() {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, "\n")
}

// items are the quick replies of the last message.
func (c apiCall) items() []qrItem {
	ms := c.messages()
	if len(ms) == 0 || ms[len(ms)-1].QuickReply == nil {
		return nil
	}
	return ms[len(ms)-1].QuickReply.Items
}

type lineMessage struct {
	Type       string `json:"type"`
	Text       string `json:"text"`
	QuickReply *struct {
		Items []qrItem `json:"items"`
	} `json:"quickReply"`
}

type qrItem struct {
	Type   string   `json:"type"`
	Action qrAction `json:"action"`
}

type qrAction struct {
	Type        string `json:"type"`
	Label       string `json:"label"`
	Data        string `json:"data"`
	DisplayText string `json:"displayText"`
	Text        string `json:"text"`
	Mode        string `json:"mode"`
	InputOption string `json:"inputOption"`
	Initial     string `json:"initial"`
}

// response is a scripted answer of the fake LINE.
type response struct {
	status int
	header map[string]string
	body   string
}

// fakeLINE is a Messaging API that records every call. Scripted responses
// are used in order per path; afterwards every call gets 200.
type fakeLINE struct {
	srv      *httptest.Server
	mu       sync.Mutex
	seen     []apiCall
	script   map[string][]response
	hung     bool             // never answer: hold each call until the client gives up
	rules    lineRules        // what LINE enforces; guarded by mu
	arrivals bottest.Arrivals // signals each recorded call
}

func newFakeLINE(t testing.TB) *fakeLINE {
	f := &fakeLINE{script: map[string][]response{}, rules: newLineRules()}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLINE) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	c := apiCall{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	_ = json.Unmarshal(raw, &c.Body)
	f.mu.Lock()
	f.seen = append(f.seen, c)
	f.arrivals.Arrived()
	resp := response{status: http.StatusOK, body: `{"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]}`}
	if q := f.script[r.URL.Path]; len(q) > 0 {
		resp, f.script[r.URL.Path] = q[0], q[1:]
	} else if ruled, ok := f.rules.apply(r, raw); ok { // LINE's rules (fake_test.go)
		resp = ruled
	}
	hung := f.hung
	f.mu.Unlock()
	if hung {
		<-r.Context().Done() // the client timed out and hung up
		return
	}
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Line-Request-Id", fmt.Sprintf("req-%d", len(raw)))
	w.WriteHeader(resp.status)
	_, _ = io.WriteString(w, resp.body)
}

// hang makes the fake never answer: each call is held until the client
// gives up.
func (f *fakeLINE) hang() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hung = true
}

// waitFor waits until cond holds, checking it again at every call the
// fake receives.
func (f *fakeLINE) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	f.arrivals.WaitFor(t, what, cond)
}

// then scripts the next responses to path.
func (f *fakeLINE) then(path string, rs ...response) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[path] = append(f.script[path], rs...)
}

const (
	pathReply = "/v2/bot/message/reply"
	pathPush  = "/v2/bot/message/push"
)

// calls returns the recorded calls to path ("" for every message sent:
// replies and pushes, not the profile, loading, quota or rich menu calls).
func (f *fakeLINE) calls(path string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.seen {
		if (path == "" && (c.Path == pathReply || c.Path == pathPush)) || c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeLINE) last(t testing.TB) apiCall {
	t.Helper()
	cs := f.calls("")
	if len(cs) == 0 {
		t.Fatal("nothing was sent to LINE")
	}
	return cs[len(cs)-1]
}

// harness is the LINE adapter over real HTTP: signed webhook requests into
// the adapter, a real bot on a real SQLite file, and the Sender pointed at
// the recording fake LINE.
type harness struct {
	line    *fakeLINE
	sender  *Sender
	adapter *Adapter
	srv     *httptest.Server
	bot     *bot.Bot
	store   store.Store
	clock   *bottest.Clock
	alerts  *bottest.Alerts
	slack   *bottest.Replies
	logs    *bottest.Log
	names   *slackNames // what Slack users.info would say
	planner *remind.Planner
	seq     int
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newHarnessOn(t, db, nil)
}

// newHarnessOn builds the harness on db; log nil means JSON into h.logs.
// Extra flows are loaded besides the built-in ones.
func newHarnessOn(t testing.TB, db store.Store, log *slog.Logger, extra ...*flows.Set) *harness {
	t.Helper()
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range extra {
		set.Merge(x)
	}
	jst, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{line: newFakeLINE(t), store: db, clock: bottest.NewClock(time.Date(2026, 11, 20, 10, 0, 0, 0, jst)),
		alerts: &bottest.Alerts{}, slack: &bottest.Replies{}, logs: &bottest.Log{}, names: &slackNames{names: map[string]string{}}}
	if log == nil {
		log = jsonLogger(h.logs)
	}
	cfg := Config{ChannelSecret: testSecret, AccessToken: testToken, APIURL: h.line.srv.URL, DataURL: h.line.srv.URL, Logger: log, Now: h.clock.Now,
		Base: context.Background()}
	h.line.withRules(func(l *lineRules) { l.now = h.clock.Now })
	h.planner = mustRemind(remind.NewPlanner(remind.PlannerConfig{Store: db, Calendar: calendar.New(jst, calendar.DefaultClosures), Logger: log,
		Quiet: remind.DefaultQuietHours}))
	h.sender = newTestSender(t, cfg)
	h.bot, err = bot.New(bot.Config{Store: db, Flows: set, Logger: log, Now: h.clock.Now, Location: jst, Institution: "○○商工会",
		Senders:   map[string]bot.Sender{bot.ChannelLINE: h.sender, bot.ChannelSlack: h.slack},
		Notifiers: map[string]bot.Notifier{bot.ChannelSlack: h.alerts},
		Profiles:  map[string]bot.ProfileSource{bot.ChannelLINE: h.sender, bot.ChannelSlack: h.names},
		Scheduler: h.planner, Calendar: h.planner.Calendar})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Handler, cfg.Loader = h.bot, h.sender
	h.adapter, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.adapter.Routes(mux)
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

// newTestSender is a Sender with a short retry backoff.
func newTestSender(t testing.TB, cfg Config) *Sender {
	t.Helper()
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.backoff = time.Millisecond
	return s
}

// sign is LINE's X-Line-Signature of body.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// post sends body to the webhook with the given signature (none when "")
// and returns the status code.
func (h *harness) post(t testing.TB, body []byte, signature string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/line/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if signature != "" {
		req.Header.Set("X-Line-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// deliver posts a correctly signed webhook request with events.
func (h *harness) deliver(t testing.TB, events ...map[string]any) int {
	t.Helper()
	body, err := json.Marshal(map[string]any{"destination": "Ubot0123456789abcdef0123456789abcd", "events": events})
	if err != nil {
		t.Fatal(err)
	}
	return h.post(t, body, sign(testSecret, body))
}

// mustDeliver delivers events and wants 200.
func (h *harness) mustDeliver(t testing.TB, events ...map[string]any) {
	t.Helper()
	if code := h.deliver(t, events...); code != http.StatusOK {
		t.Fatalf("webhook answered %d, want 200; logs:\n%s", code, h.logs.String())
	}
}

// envelope is an event as LINE sends it, from user, with a fresh
// webhookEventId and reply token, stamped with the bot's clock.
func (h *harness) envelope(typ, user string) map[string]any {
	h.seq++
	token := fmt.Sprintf("rt%032d", h.seq)
	h.line.withRules(func(l *lineRules) { l.issued[token] = h.clock.Now() })
	return map[string]any{
		"type":            typ,
		"mode":            "active",
		"timestamp":       h.clock.Now().UnixMilli(),
		"source":          map[string]any{"type": "user", "userId": user},
		"webhookEventId":  fmt.Sprintf("01HTESTEVENT%014d", h.seq),
		"deliveryContext": map[string]any{"isRedelivery": false},
		"replyToken":      token,
	}
}

func (h *harness) textEvent(user, text string) map[string]any {
	e := h.envelope("message", user)
	e["message"] = map[string]any{"type": "text", "id": fmt.Sprintf("4688%014d", h.seq), "text": text, "quoteToken": "qt"}
	return e
}

func (h *harness) postbackEvent(user, data string, params map[string]string) map[string]any {
	e := h.envelope("postback", user)
	pb := map[string]any{"data": data}
	if params != nil {
		pb["params"] = params
	}
	e["postback"] = pb
	return e
}

func (h *harness) followEvent(user string) map[string]any {
	e := h.envelope("follow", user)
	e["follow"] = map[string]any{"isUnblocked": false}
	return e
}

func (h *harness) unfollowEvent(user string) map[string]any {
	e := h.envelope("unfollow", user)
	delete(e, "replyToken")
	return e
}

// say delivers a text message from user and returns what LINE was asked
// to send in response.
func (h *harness) say(t testing.TB, user, text string) apiCall {
	t.Helper()
	before := len(h.line.calls(""))
	h.mustDeliver(t, h.textEvent(user, text))
	return h.answer(t, before)
}

// tap delivers a postback of a quick-reply item and returns the answer.
func (h *harness) tap(t testing.TB, user string, it qrItem, params map[string]string) apiCall {
	t.Helper()
	if it.Action.Type != "postback" && it.Action.Type != "datetimepicker" {
		t.Fatalf("quick reply %q is a %s action, not a postback", it.Action.Label, it.Action.Type)
	}
	before := len(h.line.calls(""))
	h.mustDeliver(t, h.postbackEvent(user, it.Action.Data, params))
	return h.answer(t, before)
}

// answer is the single API call made since before.
func (h *harness) answer(t testing.TB, before int) apiCall {
	t.Helper()
	cs := h.line.calls("")
	if len(cs) != before+1 {
		t.Fatalf("%d calls to LINE, want 1; logs:\n%s", len(cs)-before, h.logs.String())
	}
	return cs[before]
}

// quick finds the quick reply labelled label.
func quick(t testing.TB, c apiCall, label string) qrItem {
	t.Helper()
	for _, it := range c.items() {
		if it.Action.Label == label {
			return it
		}
	}
	t.Fatalf("no quick reply %q in %q (items %+v)", label, c.text(), c.items())
	return qrItem{}
}

// person is the person behind a LINE or Slack id.
func (h *harness) person(t testing.TB, channel, id string) store.Person {
	t.Helper()
	var p store.Person
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		var err error
		if p, err = tx.PersonByIdentity(ctx, channel, id); err != nil {
			t.Fatalf("person %s/%s: %v", channel, id, err)
		}
	})
	return p
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

func jsonLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// mustRemind is what a remind constructor returns for a valid config.
func mustRemind[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
