package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/bottest"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// Every configuration problem is reported at once, before anything starts,
// and no secret value appears in the message.
func TestServeReportsAllConfigProblemsTogether(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"BANSOU_LANG":               "fr",
		"BANSOU_TZ":                 "Mars/Olympus",
		"BANSOU_HTTP_ADDR":          "8080",
		"BANSOU_FLOWS_DIR":          filepath.Join(dir, "nope"),
		"SLACK_BOT_TOKEN":           "xoxb-secret-value",
		"SLACK_BOT_TOKEN_FILE":      filepath.Join(dir, "token"),
		"SLACK_APP_TOKEN_FILE":      filepath.Join(dir, "missing"),
		"SLACK_SIGNING_SECRET_FILE": "",
		"SLACK_API_URL":             "ftp://example",
		"LINE_CHANNEL_SECRET":       "line-secret-value",
		"BANSOU_DIGEST_CRON":        "every monday",
		"BANSOU_CLOSURES":           "13/40-01/03",
		"BANSOU_QUIET_HOURS":        "late evening",
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"serve"}, envOf(env), time.Now, strings.NewReader(""), &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	msg := errOut.String()
	for _, want := range []string{"BANSOU_LANG", "BANSOU_TZ", "BANSOU_HTTP_ADDR", "BANSOU_FLOWS_DIR",
		"SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are both set", "SLACK_APP_TOKEN_FILE: cannot read", "SLACK_API_URL",
		"LINE needs both", "BANSOU_DIGEST_CRON", "BANSOU_CLOSURES", "BANSOU_QUIET_HOURS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the report lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "xoxb-secret-value") || strings.Contains(msg, "line-secret-value") {
		t.Errorf("the report shows a token:\n%s", msg)
	}
	if _, err := os.Stat("bansou.db"); err == nil {
		t.Error("a store was opened despite the invalid configuration")
	}
}

func TestConfigReadsSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, value string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg, err := loadConfig(envOf(map[string]string{
		"SLACK_BOT_TOKEN_FILE":      write("bot", "xoxb-1\n"),
		"SLACK_SIGNING_SECRET_FILE": write("secret", "s3cret\n"),
		"BANSOU_DATABASE_URL_FILE":  write("db", filepath.Join(dir, "x.db")+"\n"),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.slackBotToken != "xoxb-1" || cfg.slackSigningSecret != "s3cret" || cfg.databaseURL != filepath.Join(dir, "x.db") {
		t.Errorf("config = %+v", cfg)
	}
	if cfg.httpAddr != ":8080" || cfg.lang != "ja" || cfg.location.String() != "Asia/Tokyo" {
		t.Errorf("defaults = %q %q %v", cfg.httpAddr, cfg.lang, cfg.location)
	}
	if _, err := loadConfig(envOf(map[string]string{"SLACK_SIGNING_SECRET": "s"})); err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN is required") {
		t.Errorf("a signing secret without a bot token: %v", err)
	}
}

// running is a bansou serve started in the test.
type running struct {
	s    *server
	base string
	logs *bottest.Log
	done chan error
	stop context.CancelFunc
	once sync.Once
}

func startServe(t *testing.T, env map[string]string) *running {
	t.Helper()
	if env["BANSOU_DATABASE_URL"] == "" {
		env["BANSOU_DATABASE_URL"] = filepath.Join(t.TempDir(), "bansou.db")
	}
	env["BANSOU_HTTP_ADDR"] = "127.0.0.1:0"
	cfg, err := loadConfig(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{logs: &bottest.Log{}, done: make(chan error, 1), stop: cancel}
	// serve's steps, keeping the server: a test reads its registry after
	// the drain.
	s, err := newServer(ctx, cfg, slog.New(slog.NewJSONHandler(r.logs, nil)))
	if err != nil {
		cancel()
		t.Fatalf("serve stopped at start: %v", err)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.httpAddr)
	if err != nil {
		s.close()
		cancel()
		t.Fatal(err)
	}
	s.announce(ctx, ln.Addr())
	r.s, r.base = s, "http://"+ln.Addr().String()
	go func() {
		defer s.close()
		r.done <- s.run(ctx, ln)
	}()
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

// metrics is what /metrics says, read from the server's own mux (after
// shutdown too).
func (r *running) metrics() string {
	rec := httptest.NewRecorder()
	r.s.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

// shutdown cancels serve's context and waits for it to return.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.stop()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
		}
	})
}

func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(r.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeWithNothingConfigured(t *testing.T) {
	r := startServe(t, map[string]string{})
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ok", "/metrics": "go_goroutines"} {
		if code, body := r.get(t, path); code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d %.80q", path, code, body)
		}
	}
	resp, err := http.Post(r.base+"/slack/events", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/slack/events without Slack configured: %d", resp.StatusCode)
	}
	if !strings.Contains(r.logs.String(), "no channels configured") {
		t.Errorf("serve did not say it has no channels:\n%s", r.logs)
	}
	if !strings.Contains(r.logs.String(), "open enrolment") {
		t.Errorf("serve did not say enrolment is open:\n%s", r.logs)
	}
}

// With a bot token and a signing secret, serve answers Slack over HTTP: a
// signed DM runs a turn whose reply reaches the (fake) Slack API, the turn
// is counted in /metrics, and shutdown waits for the turn in flight.
func TestServeSlackOverHTTP(t *testing.T) {
	fake := &recordingSlack{}
	api := httptest.NewServer(fake)
	defer api.Close()
	r := startServe(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": "shh", "SLACK_API_URL": api.URL})

	if code := r.dm(t, "shh", "Ev1", "1.000100"); code != http.StatusOK {
		t.Fatalf("signed event: %d", code)
	}
	fake.WaitFor(t, "the reply", func() bool { return strings.Contains(fake.methods(), "chat.postMessage") })
	for _, path := range []string{"/slack/interactivity", "/slack/commands"} {
		resp, err := http.Post(r.base+path, "application/x-www-form-urlencoded", strings.NewReader("payload=%7B%7D"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("unsigned %s: %d, want 401", path, resp.StatusCode)
		}
	}

	r.dm(t, "shh", "Ev2", "2.000100")
	r.shutdown(t) // waits for the turn the ack started
	if got := fake.methods(); strings.Count(got, "chat.postMessage") != 2 {
		t.Fatalf("the second reply did not reach Slack before shutdown ended: %s", got)
	}
	// Both turns have finished: each is counted and timed.
	if metrics := r.metrics(); !strings.Contains(metrics, `bansou_turns_total{channel="slack",outcome="ok"} 2`) ||
		!strings.Contains(metrics, "bansou_turn_duration_seconds_count{channel=\"slack\"} 2") {
		t.Fatalf("the two turns were not counted:\n%s", metrics)
	}
	logs := r.logs.String()
	for _, secret := range []string{"xoxb-test-token", "shh", "こんにちは"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, `"channels":["slack-http"]`) {
		t.Errorf("serve did not announce the Slack channel:\n%s", logs)
	}
}

// dm posts a signed DM event and returns the status.
func (r *running) dm(t *testing.T, secret, eventID, ts string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": eventID, "event": map[string]any{
		"type": "message", "channel": "D1", "channel_type": "im", "user": "U1", "text": "こんにちは", "ts": ts}})
	req, _ := http.NewRequest(http.MethodPost, r.base+"/slack/events", bytes.NewReader(body))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", now)
	mac.Write(body)
	req.Header.Set("X-Slack-Request-Timestamp", now)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// recordingSlack is a Slack Web API that answers ok and remembers methods.
type recordingSlack struct {
	bottest.Arrivals
	mu   sync.Mutex
	seen []string
}

func (f *recordingSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	f.mu.Lock()
	f.seen = append(f.seen, method)
	n := len(f.seen)
	f.mu.Unlock()
	f.Arrived()
	w.Header().Set("Content-Type", "application/json")
	switch method {
	case "conversations.open":
		fmt.Fprint(w, `{"ok":true,"channel":{"id":"D1"}}`)
	default:
		fmt.Fprintf(w, `{"ok":true,"channel":"D1","ts":"1.%06d"}`, n)
	}
}

func (f *recordingSlack) methods() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.seen, ",")
}

// recordingLINE is a fake Messaging API that records the paths called.
type recordingLINE struct {
	bottest.Arrivals
	mu    sync.Mutex
	paths []string
}

func (f *recordingLINE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.paths = append(f.paths, r.URL.Path)
	f.mu.Unlock()
	f.Arrived()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"sentMessages":[{"id":"1","quoteToken":"q"}]}`)
}

// calls are the messages sent (replies and pushes), not the set-up calls
// (rich menu) nor the loading animation.
func (f *recordingLINE) calls() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var msgs []string
	for _, p := range f.paths {
		if strings.HasPrefix(p, "/v2/bot/message/") {
			msgs = append(msgs, p)
		}
	}
	return strings.Join(msgs, " ")
}

func (f *recordingLINE) called(path string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Contains(f.paths, path)
}

// With a LINE channel secret and token, serve answers the LINE webhook: a
// forged request gets 400 and no reply; a signed follow gets a free reply
// asking for the invite code.
func TestServeLINEWebhook(t *testing.T) {
	fake := &recordingLINE{}
	api := httptest.NewServer(fake)
	defer api.Close()
	r := startServe(t, map[string]string{"LINE_CHANNEL_SECRET": "line-secret", "LINE_CHANNEL_ACCESS_TOKEN": "line-token",
		"LINE_API_URL": api.URL, "LINE_DATA_API_URL": api.URL, "BANSOU_COORDINATORS": "UC1"})
	fake.WaitFor(t, "the owner rich menu to be looked for at start", func() bool { return fake.called("/v2/bot/richmenu/list") })
	body := `{"destination":"Ubot","events":[{"type":"follow","mode":"active","timestamp":1763600000000,` +
		`"source":{"type":"user","userId":"Uowner"},"webhookEventId":"01HX","deliveryContext":{"isRedelivery":false},` +
		`"replyToken":"rt1","follow":{"isUnblocked":false}}]}`
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, r.base+"/line/webhook", strings.NewReader(body))
		req.Header.Set("X-Line-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("Zm9yZ2Vk"); code != http.StatusBadRequest {
		t.Errorf("forged webhook: %d, want 400", code)
	}
	if got := fake.calls(); got != "" {
		t.Fatalf("a forged webhook reached LINE: %s", got)
	}
	mac := hmac.New(sha256.New, []byte("line-secret"))
	mac.Write([]byte(body))
	if code := post(base64.StdEncoding.EncodeToString(mac.Sum(nil))); code != http.StatusOK {
		t.Fatalf("signed webhook: %d", code)
	}
	// The webhook answered once the event was in the inbox; a worker runs
	// the turn right after.
	fake.WaitFor(t, "the reply", func() bool { return fake.calls() != "" })
	if got := fake.calls(); got != "/v2/bot/message/reply" {
		t.Errorf("LINE calls = %q, want one reply", got)
	}

	if _, metrics := r.get(t, "/metrics"); !strings.Contains(metrics, "bansou_line_quota_spent 0") {
		t.Errorf("/metrics lacks the LINE quota gauge:\n%s", metrics)
	}
	r.shutdown(t)
	logs := r.logs.String()
	if !strings.Contains(logs, `"line"`) || strings.Contains(logs, "line-token") || strings.Contains(logs, "line-secret") {
		t.Errorf("logs:\n%s", logs)
	}
}
