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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// faultSeconds is how long the fault tests send events: BANSOU_FAULT_SECONDS,
// 10 s by default to keep CI short (the figure is 30 s).
func faultSeconds(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv("BANSOU_FAULT_SECONDS")
	if v == "" {
		return 10 * time.Second
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 5 {
		t.Fatalf("BANSOU_FAULT_SECONDS=%q: want a whole number of seconds, at least 5", v)
	}
	return time.Duration(n) * time.Second
}

// Fault-test timings: a short lease so the rows of the killed replica are
// taken over within the test, and events at a steady, bounded rate.
const (
	faultLease = 3 * time.Second
	faultRate  = 50 * time.Millisecond // one event every 50 ms: 20 events/s
	faultUsers = 12
)

// replica is one bansou serve in the test process, with its own pool.
type replica struct {
	name string
	s    *server
	base string
	done chan error
	stop context.CancelFunc
	logs *bottest.Log
}

func startReplica(t *testing.T, name string, env map[string]string) *replica {
	t.Helper()
	cfg, err := loadConfig(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg.inboxLease, cfg.inboxPoll = faultLease, 100*time.Millisecond
	logs := &bottest.Log{}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := newServer(ctx, cfg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatalf("replica %s: %v", name, err)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, s: s, base: "http://" + ln.Addr().String(), done: make(chan error, 1), stop: cancel, logs: logs}
	go func() {
		err := s.run(ctx, ln)
		s.close()
		r.done <- err
	}()
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

// kill stops the replica as a crash would: connections dropped, the turns
// in flight cancelled (their transactions roll back, their inbox rows stay
// leased), no draining.
func (r *replica) kill() {
	r.s.inbox.Abort()
	_ = r.s.http.Close()
	r.stop()
}

func (r *replica) shutdown(t *testing.T) {
	r.stop()
	select {
	case <-r.done:
	case <-time.After(40 * time.Second):
		t.Errorf("replica %s did not stop", r.name)
	}
	r.done <- nil // a second shutdown returns at once
}

// loadTestFlows overrides the intake flow with n text questions, so that every
// message of a load answers one step: one answer row per message. The
// built-in debrief hands a new company off to intake modes this intake (it
// has no modes) lacks, so a one-question debrief replaces it too (the load
// never debriefs).
func loadTestFlows(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("id: intake\nversion: 1\naudience: advisor\ntitle: {ja: \"負荷試験\", en: \"Load test\"}\nsteps:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  - id: F%d\n    kind: text\n    ask: {ja: \"質問%d\", en: \"Question %d\"}\n", i, i, i)
	}
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "intake.yaml"), []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	debrief := "id: debrief\nversion: 1\naudience: advisor\ntitle: {ja: \"負荷試験\", en: \"Load test\"}\nsteps:\n" +
		"  - id: D1\n    kind: company\n    tag: company\n    ask: {ja: \"企業は？\", en: \"Company?\"}\n"
	if err := os.WriteFile(filepath.Join(dir, "debrief.yaml"), []byte(debrief), 0o600); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// event is message j of user u: j = 0 starts the flow, later ones answer.
type event struct{ u, j int }

func (e event) user() string { return fmt.Sprintf("U%02d", e.u) }
func (e event) text() string {
	if e.j == 0 {
		return "新規企業"
	}
	return fmt.Sprintf("回答%02d-%03d", e.u, e.j)
}

// outcome is what the load saw.
type outcome struct {
	mu          sync.Mutex
	acked       map[string]int // user → how many of its messages were acknowledged (its first n)
	refused     int            // 5xx answers
	unreachable int            // connection errors (the killed replica)
	duringDown  int            // 5xx answers while PostgreSQL restarted
	sent        int
}

// load sends each user's messages in order at a steady rate, round robin
// over the users and over the live replicas, resending a refused message
// (as Slack and LINE redeliver) until it is acknowledged.
type load struct {
	t       *testing.T
	send    func(base string, e event) (int, error)
	out     outcome
	mu      sync.Mutex
	targets []*replica
	next    []int // per user: the message to send
	down    struct{ from, to time.Time }
}

func newLoad(t *testing.T, send func(string, event) (int, error), targets ...*replica) *load {
	return &load{t: t, send: send, targets: targets, next: make([]int, faultUsers), out: outcome{acked: map[string]int{}}}
}

func (l *load) drop(r *replica) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.targets {
		if x == r {
			l.targets = append(l.targets[:i], l.targets[i+1:]...)
			return
		}
	}
}

// run sends until stop.
func (l *load) run(stop <-chan struct{}) {
	tick := time.NewTicker(faultRate)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		l.step(n, event{u: n % faultUsers, j: l.next[n%faultUsers]})
	}
}

// step sends e once; on 2xx the user moves on to the next message.
func (l *load) step(n int, e event) {
	l.mu.Lock()
	target := l.targets[n%len(l.targets)]
	l.mu.Unlock()
	code, err := l.send(target.base, e)
	now := time.Now()
	l.out.mu.Lock()
	defer l.out.mu.Unlock()
	l.out.sent++
	switch {
	case err != nil:
		l.out.unreachable++
	case code >= 500:
		l.out.refused++
		l.mu.Lock()
		if !l.down.from.IsZero() && now.After(l.down.from) && (l.down.to.IsZero() || now.Before(l.down.to.Add(time.Second))) {
			l.out.duringDown++
		}
		l.mu.Unlock()
	case code/100 == 2:
		l.out.acked[e.user()] = e.j + 1
		l.next[e.u]++
	default:
		l.t.Errorf("%s message %d: status %d", e.user(), e.j, code)
	}
}

func (l *load) setDown(from, to time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.down.from, l.down.to = from, to
}

// faultChannel is what differs between the Slack and the LINE fault test.
type faultChannel struct {
	env     map[string]string
	send    func(base string, e event) (int, error)
	replies func() map[string][]time.Time // per user: when the fake platform got each reply
	replied *bottest.Arrivals             // signals each reply the fake platform got
	// effects counts the durable effects of each message: user → j → count.
	effects func(ctx context.Context, conn *pgx.Conn) (map[string]map[int]int, error)
}

// runFault sends events to two replicas for faultSeconds while PostgreSQL
// is restarted (at 30 %) and one replica is killed (at 60 %), then checks
// that every acknowledged message had exactly one effect and one reply.
func runFault(t *testing.T, ch faultChannel) {
	pg := pgtest.StartServer(t, pgtest.Fast)
	if os.Getenv(pgtest.EnvURL) != "" {
		t.Skip("the fault test restarts its own cluster; it cannot use " + pgtest.EnvURL)
	}
	url := pg.CreateDB(t, "")
	env := map[string]string{"BANSOU_DATABASE_URL": url, "BANSOU_FLOWS_DIR": loadTestFlows(t, 60)}
	for k, v := range ch.env {
		env[k] = v
	}
	a, b := startReplica(t, "a", env), startReplica(t, "b", env)
	l := newLoad(t, ch.send, a, b)
	total := faultSeconds(t)
	began := time.Now()
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() { l.run(stop); close(stopped) }()

	// The faults come at fixed points of the load, timed from its start.
	at := func(fraction time.Duration) {
		timer := time.NewTimer(time.Until(began.Add(total * fraction / 10)))
		defer timer.Stop()
		<-timer.C
	}
	at(3)
	downFrom := time.Now()
	l.setDown(downFrom, time.Time{})
	if err := pg.Restart(); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	l.setDown(downFrom, back)
	at(6)
	l.drop(b)
	b.kill()
	at(10)
	close(stop)
	<-stopped

	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	effects := waitForEffects(t, ch, conn, l)
	checkFault(t, ch, conn, l, effects, back)
	t.Logf("%.0f s: %d sent, %d acknowledged, %d refused with 5xx (%d while PostgreSQL restarted, %.1f s), %d to the killed replica",
		total.Seconds(), l.out.sent, sum(l.out.acked), l.out.refused, l.out.duringDown, back.Sub(downFrom).Seconds(), l.out.unreachable)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// waitForEffects waits (at most 30 s) until every acknowledged message has
// its effect and its reply, and returns the effects. It looks again at
// each reply: a turn's effect is committed before its reply is sent.
func waitForEffects(t *testing.T, ch faultChannel, conn *pgx.Conn, l *load) map[string]map[int]int {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		next := ch.replied.Next()
		effects, err := ch.effects(t.Context(), conn)
		if err != nil {
			t.Fatal(err)
		}
		replies, complete := ch.replies(), true
		for user, n := range l.out.acked {
			if len(effects[user]) < n || len(replies[user]) < n {
				complete = false
			}
		}
		if complete {
			return effects
		}
		select {
		case <-next:
		case <-timeout:
			return effects
		}
	}
}

func checkFault(t *testing.T, ch faultChannel, conn *pgx.Conn, l *load, effects map[string]map[int]int, back time.Time) {
	t.Helper()
	replies := ch.replies()
	if min := int(faultSeconds(t) / faultRate / 3); sum(l.out.acked) < min {
		t.Errorf("only %d messages were acknowledged, want at least %d", sum(l.out.acked), min)
	}
	for user, n := range l.out.acked {
		for j := range n {
			if c := effects[user][j]; c != 1 {
				t.Errorf("%s message %d was acknowledged and has %d effects, want exactly 1", user, j, c)
			}
		}
		// The message after the last acknowledged one may have been
		// refused: it may have an effect (stored, then the commit's answer
		// was lost) but no more than one.
		extra := effects[user][n]
		if extra > 1 || len(effects[user]) > n+extra {
			t.Errorf("%s: effects %v beyond the %d acknowledged messages", user, effects[user], n)
		}
		if got := len(replies[user]); got != n+extra {
			t.Errorf("%s: %d replies for %d messages handled, want exactly one each", user, got, n+extra)
		}
	}
	if l.out.duringDown == 0 {
		t.Errorf("no request got a 5xx while PostgreSQL restarted: the outage was not exercised")
	}
	first := time.Time{}
	for _, ts := range replies {
		for _, at := range ts {
			if at.After(back) && (first.IsZero() || at.Before(first)) {
				first = at
			}
		}
	}
	if first.IsZero() || first.Sub(back) > 5*time.Second {
		t.Errorf("first reply after PostgreSQL was back: %v after, want within 5 s", first.Sub(back))
	} else {
		t.Logf("first reply %.0f ms after PostgreSQL was back", first.Sub(back).Seconds()*1000)
	}
	var open, again int
	if err := conn.QueryRow(t.Context(), `SELECT count(*) FILTER (WHERE status <> 'done'), count(*) FILTER (WHERE attempts > 1)
		FROM inbox`).Scan(&open, &again); err != nil || open != 0 {
		t.Errorf("inbox rows not done: %d (%v)", open, err)
	}
	t.Logf("inbox rows run more than once (a failed try or a lease taken over): %d", again)
}

// TestFaultSlack: signed Slack DMs at a steady rate into two replicas
// while PostgreSQL restarts and one replica is killed. Every acknowledged
// message has exactly one answer row and one reply.
func TestFaultSlack(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: seconds of load")
	}
	fake := &faultSlack{posts: map[string][]time.Time{}}
	api := httptest.NewServer(fake)
	defer api.Close()
	runFault(t, faultChannel{
		env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-fault", "SLACK_SIGNING_SECRET": "fault-secret", "SLACK_API_URL": api.URL + "/"},
		send: func(base string, e event) (int, error) {
			return postSigned(base+"/slack/events", slackDM(e), slackHeaders("fault-secret"))
		},
		replies: fake.replies,
		replied: &fake.replied,
		effects: slackEffects,
	})
}

var faultClient = &http.Client{Timeout: 5 * time.Second}

func postSigned(url string, body []byte, sign func(*http.Request, []byte)) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	sign(req, body)
	resp, err := faultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func slackDM(e event) []byte {
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("Ev%02d%03d", e.u, e.j),
		"event": map[string]any{"type": "message", "channel": "D" + e.user(), "channel_type": "im", "user": e.user(),
			"text": e.text(), "ts": fmt.Sprintf("%d.%06d", 1700000000+e.u, e.j)}})
	return body
}

func slackHeaders(secret string) func(*http.Request, []byte) {
	return func(req *http.Request, body []byte) {
		now := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "v0:%s:", now)
		mac.Write(body)
		req.Header.Set("X-Slack-Request-Timestamp", now)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	}
}

// slackEffects: message 0 of a user started a session, message j ≥ 1
// answered with its own text.
func slackEffects(ctx context.Context, conn *pgx.Conn) (map[string]map[int]int, error) {
	out := map[string]map[int]int{}
	add := func(user string, j int) {
		if out[user] == nil {
			out[user] = map[int]int{}
		}
		out[user][j]++
	}
	rows, _ := conn.Query(ctx, `
		SELECT i.external_id, COALESCE(a.raw, '') FROM sessions s
		JOIN identities i ON i.person_id = s.respondent_id AND i.channel = 'slack'
		LEFT JOIN answers a ON a.session_id = s.id`)
	var sessions = map[string]bool{}
	var user, raw string
	_, err := pgx.ForEachRow(rows, []any{&user, &raw}, func() error {
		if !sessions[user] {
			sessions[user] = true
			add(user, 0)
		}
		var u, j int
		if raw != "" {
			if _, err := fmt.Sscanf(raw, "回答%02d-%03d", &u, &j); err != nil {
				return fmt.Errorf("answer %q: %w", raw, err)
			}
			add(user, j)
		}
		return nil
	})
	var n int
	if err == nil {
		err = conn.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&n)
	}
	if err == nil && n != len(sessions) {
		err = fmt.Errorf("%d sessions for %d users: a start ran twice", n, len(sessions))
	}
	return out, err
}

// faultSlack is a Slack Web API that opens one DM per user and records
// when each chat.postMessage arrived, by DM.
type faultSlack struct {
	mu      sync.Mutex
	posts   map[string][]time.Time
	n       int
	replied bottest.Arrivals
}

func (f *faultSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, r.FormValue("users"))
	case "chat.postMessage":
		user := strings.TrimPrefix(r.FormValue("channel"), "D")
		f.posts[user] = append(f.posts[user], time.Now())
		f.replied.Arrived()
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.%06d"}`, r.FormValue("channel"), f.n)
	default:
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.%06d"}`, r.FormValue("channel"), f.n)
	}
}

func (f *faultSlack) replies() map[string][]time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]time.Time{}
	for k, v := range f.posts {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}

// lineSignature signs a webhook body as LINE does.
func lineSignature(secret string) func(*http.Request, []byte) {
	return func(req *http.Request, body []byte) {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		req.Header.Set("X-Line-Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
}

// TestFaultLINE: signed LINE webhooks at a steady rate into two replicas
// while PostgreSQL restarts and one replica is killed. Every acknowledged
// event is recorded exactly once and answered exactly once — by reply, or
// by push when the reply token had expired by the time its turn ran.
func TestFaultLINE(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: seconds of load")
	}
	fake := &faultLINE{sent: map[string][]time.Time{}}
	api := httptest.NewServer(fake)
	defer api.Close()
	runFault(t, faultChannel{
		env: map[string]string{"LINE_CHANNEL_SECRET": "fault-line", "LINE_CHANNEL_ACCESS_TOKEN": "fault-token", "LINE_API_URL": api.URL},
		send: func(base string, e event) (int, error) {
			return postSigned(base+"/line/webhook", lineText(e), lineSignature("fault-line"))
		},
		replies: fake.replies,
		replied: &fake.arrivals,
		effects: lineEffects,
	})
	t.Logf("LINE: %d replies, %d pushes after a refused reply token", fake.replied, fake.expired)
}

func lineText(e event) []byte {
	now := time.Now()
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{map[string]any{
		"type": "message", "mode": "active", "timestamp": now.UnixMilli(),
		"source":          map[string]any{"type": "user", "userId": e.user()},
		"webhookEventId":  fmt.Sprintf("ev%02d%03d", e.u, e.j),
		"deliveryContext": map[string]any{"isRedelivery": false},
		"replyToken":      fmt.Sprintf("rt-%d-%s", now.UnixNano(), e.user()),
		"message":         map[string]any{"type": "text", "id": fmt.Sprintf("m%02d%03d", e.u, e.j), "quoteToken": "q", "text": e.text()},
	}}})
	return body
}

// lineEffects: every event whose turn committed left its webhookEventId,
// written in the turn's transaction: in inbound_events (a turn a worker
// ran from a pending row) or as the key of the inbox row the turn inserted
// done (a turn run at intake: never claimed, attempts 0). A row a worker
// marked done does not count by itself.
func lineEffects(ctx context.Context, conn *pgx.Conn) (map[string]map[int]int, error) {
	out := map[string]map[int]int{}
	rows, _ := conn.Query(ctx, `
		SELECT event_id FROM inbound_events WHERE event_id LIKE 'line:ev%'
		UNION
		SELECT dedupe_key FROM inbox WHERE dedupe_key LIKE 'line:ev%' AND status = 'done' AND attempts = 0`)
	var id string
	_, err := pgx.ForEachRow(rows, []any{&id}, func() error {
		var u, j int
		if _, err := fmt.Sscanf(id, "line:ev%02d%03d", &u, &j); err != nil {
			return fmt.Errorf("event %q: %w", id, err)
		}
		user := event{u: u}.user()
		if out[user] == nil {
			out[user] = map[int]int{}
		}
		out[user][j]++
		return nil
	})
	return out, err
}

// faultLINE is a Messaging API whose reply tokens last 2 s (LINE's are
// short-lived too), recording every reply and push by user.
type faultLINE struct {
	mu               sync.Mutex
	sent             map[string][]time.Time
	replied, expired int
	arrivals         bottest.Arrivals // signals each message sent
}

func (f *faultLINE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ReplyToken string `json:"replyToken"`
		To         string `json:"to"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	user := body.To
	if r.URL.Path == "/v2/bot/message/reply" {
		var issued int64
		if _, err := fmt.Sscanf(body.ReplyToken, "rt-%d-%s", &issued, &user); err != nil || time.Since(time.Unix(0, issued)) > 2*time.Second {
			f.expired++
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"message":"Invalid reply token"}`)
			return
		}
		f.replied++
	}
	f.sent[user] = append(f.sent[user], time.Now())
	f.arrivals.Arrived()
	_, _ = io.WriteString(w, `{"sentMessages":[{"id":"1","quoteToken":"q"}]}`)
}

func (f *faultLINE) replies() map[string][]time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]time.Time{}
	for k, v := range f.sent {
		out[k] = append([]time.Time(nil), v...)
	}
	return out
}
