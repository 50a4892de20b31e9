package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// The serve path's cost in the database: a whole quick debrief in a Slack
// DM, each turn a signed event into bansou serve on PostgreSQL, counted from
// the statements the pool sends (a pgx tracer). BEGIN and COMMIT are not
// counted as statements; BEGIN rides with the first batch.
//
// Every DM runs straight from the durable inbox: the turn stores the
// event's row, already done, in its own transaction, and that row's dedupe
// key is the event's record. OpenTurn sends, in one round trip: the
// person's inbox lock, the row's INSERT and the person-and-session SELECT
// (3 statements). An ordinary answer adds SaveTurn (session update and
// answer insert, one statement): 4 in 2 round trips. Choosing a new
// company: 7 in 5. A known company: 7 in 5 (its whole memory is one read
// then). 保存 of a new company: 11 in 9. TURNCOST_DUMP=1 logs the
// statements of every turn of more than 5.
func TestServeTurnStatements(t *testing.T) {
	tr := &pgtest.Tracer{}
	s := startTurnServer(t, pgtest.StartServer(t, pgtest.Fast).CreateDB(t, ""), tr)
	u := s.user("U1")
	u.command(t, "visit")
	u.dm(t, "2") // 簡易
	type limit struct {
		text        string
		stmts, trip int
	}
	// OpenTurn's batch: the inbox lock, INSERT inbox, SELECT person+session.
	const open = 3
	answer := func(text string) limit { return limit{text, open + 1, 2} } // + SaveTurn
	turns := []limit{
		// A new company: FindCompany (by key, or an old row's exact name),
		// CreateKeyedCompany, Assign, SaveTurn. The advisor's companies (none
		// yet) were read when the step was asked and are kept in the state.
		{"山田製作所", open + 4, 5},
		// A new company is first asked its stage, the quick debrief's
		// hand-off to the intake: an ordinary answer, kept in the session's
		// state, that also ends the hand-off.
		answer("3"), // I9 stage
		answer("売上が前年比1割減。社長が営業も製造も見ている。"),
		answer("「わかってはいるけど、手が回らない」"),
		answer("1,2"), // D14 walls
		answer("1"),   // D15 main wall
		answer("1"),   // D21 a commitment: yes
		answer("朝礼で月2回、目標を話す"), // D22
		answer("12/4"),  // D23
		answer("2"),     // D29 considering: no referral yet
		answer("12/11"), // D34 the follow-up date
		// 保存: UpdateSession (completed); the handed-off intake stored as
		// its own session with its answers (I1, the company filled in from
		// the debrief, and I9) in one statement (CreateSessionWithAnswers);
		// the commitment; the company's owners (to tell them); closing the
		// open follow-ups; cancelling pending reminders; the next follow-up
		// and its reminder.
		{"保存", open + 8, 9},
	}
	// The next visit to the same company: choosing it reads its memory.
	again := []limit{{"visit", 0, 0},
		// Shows the company step: reads the advisor's companies (kept in the
		// state for the next turn), UpdateSession.
		{"2", open + 2, 3},
		// A known company: FindCompanyFor (the company and whether the
		// advisor is assigned to it, for the access rule), CompanyMemory
		// (its stage — for the flow's context: is it new? — the last
		// commitment, wall and hypothesis, the owner's latest check-in and
		// the handover memos, in one statement), Assign, SaveTurn.
		{"山田製作所", open + 4, 5},
		answer("受注が戻りつつある。")}
	for i, l := range append(turns, again...) {
		if l.text == "visit" {
			if last := u.lastText(); !strings.Contains(last, "保存しました") {
				t.Fatalf("the debrief was not saved; last message: %s", last)
			}
			u.command(t, "visit")
			continue
		}
		tr.Reset()
		u.dm(t, l.text)
		if i == len(turns)+2 && !strings.Contains(u.lastText(), "前回の記録") {
			t.Errorf("choosing the company again did not recall the last visit: %s", u.lastText())
		}
		txn := turnTxn(t, tr, l.text)
		t.Logf("%-28q %2d statements, %d round trips before COMMIT", l.text, len(txn.Statements), txn.RoundTrips)
		if os.Getenv("TURNCOST_DUMP") != "" && (len(txn.Statements) > 5) {
			t.Logf("%s", strings.Join(txn.Statements, "\n---\n"))
		}
		if len(txn.Statements) > l.stmts || txn.RoundTrips > l.trip {
			t.Errorf("turn %q: %d statements in %d round trips, want at most %d in %d:\n%s",
				l.text, len(txn.Statements), txn.RoundTrips, l.stmts, l.trip, strings.Join(txn.Statements, "\n"))
		}
	}
}

// isTurn reports whether txn is a turn's: it records the inbound event,
// or (a turn run at intake) inserts the event's inbox row.
func isTurn(txn pgtest.Txn) bool {
	return txn.Has("INSERT INTO inbound_events") || txn.Has("INSERT INTO inbox ")
}

// turnTxn is the one transaction of the last turn.
func turnTxn(t *testing.T, tr *pgtest.Tracer, what string) pgtest.Txn {
	t.Helper()
	var found []pgtest.Txn
	for _, txn := range tr.Done() {
		if os.Getenv("TURNCOST_DUMP") != "" && !isTurn(txn) {
			t.Logf("other transaction: %d statements, %d round trips: %s", len(txn.Statements), txn.RoundTrips,
				strings.Join(txn.Statements, " ; "))
		}
		if isTurn(txn) {
			found = append(found, txn)
		}
	}
	if len(found) != 1 {
		t.Fatalf("turn %q ran %d transactions marking an event, want 1", what, len(found))
	}
	return found[0]
}

// turnServer is bansou serve with Slack over HTTP, talking to a fake Slack
// Web API that wakes whoever waits for a user's next reply.
type turnServer struct {
	base   string
	slack  *replySlack
	client *http.Client
	seq    atomic.Int64
	pg     *pgtest.Server // the PostgreSQL server, for its CPU time (benchmarks)
}

const turnSecret = "bench-signing-secret"

// startTurnServer runs bansou serve on the database at dbURL (a postgres://
// URL or a SQLite path) with tr counting PostgreSQL statements.
func startTurnServer(tb testing.TB, dbURL string, tr *pgtest.Tracer, opts ...func(*config)) *turnServer {
	tb.Helper()
	fake := newReplySlack()
	api := httptest.NewServer(fake)
	tb.Cleanup(api.Close)
	cfg, err := loadConfig(envOf(map[string]string{"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": turnSecret,
		"SLACK_API_URL": api.URL, "BANSOU_DATABASE_URL": dbURL, "BANSOU_HTTP_ADDR": "127.0.0.1:0"}))
	if err != nil {
		tb.Fatal(err)
	}
	if tr != nil {
		cfg.pgOptions = append(cfg.pgOptions, postgres.WithTracer(tr))
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	addr := make(chan net.Addr, 1)
	go func() {
		done <- serve(ctx, cfg, slog.New(slog.DiscardHandler), func(a net.Addr) { addr <- a })
	}()
	s := &turnServer{slack: fake, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	select {
	case a := <-addr:
		s.base = "http://" + a.String()
	case err := <-done:
		tb.Fatalf("serve stopped at start: %v", err)
	}
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("serve: %v", err)
		}
	})
	return s
}

// slackUser is one advisor in a DM with the bot.
type slackUser struct {
	s      *turnServer
	id, ch string
}

func (s *turnServer) user(id string) *slackUser {
	return &slackUser{s: s, id: id, ch: "D" + id}
}

// command runs /bansou text and waits for the reply.
func (u *slackUser) command(tb testing.TB, text string) {
	tb.Helper()
	// A trigger_id is unique per invocation: the inbox dedupes by it.
	trigger := fmt.Sprintf("tr%d", u.s.seq.Add(1))
	form := url.Values{"command": {"/bansou"}, "text": {text}, "user_id": {u.id}, "channel_id": {u.ch},
		"team_id": {"T1"}, "trigger_id": {trigger}}
	u.post(tb, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// dm sends text in the DM and waits until the bot's reply reaches Slack.
func (u *slackUser) dm(tb testing.TB, text string) {
	tb.Helper()
	n := u.s.seq.Add(1)
	ts := fmt.Sprintf("1763700000.%06d", n)
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": fmt.Sprintf("Ev%d", n),
		"event": map[string]any{"type": "message", "channel": u.ch, "channel_type": "im", "user": u.id,
			"text": text, "ts": ts, "event_ts": ts}})
	u.post(tb, "/slack/events", "application/json", body)
}

// post sends a signed request and waits for the next reply in the DM.
func (u *slackUser) post(tb testing.TB, path, contentType string, body []byte) {
	tb.Helper()
	replies := u.s.slack.waiter(u.ch)
	req, err := http.NewRequest(http.MethodPost, u.s.base+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(turnSecret))
	fmt.Fprintf(mac, "v0:%s:", now)
	mac.Write(body)
	req.Header.Set("X-Slack-Request-Timestamp", now)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := u.s.client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	select {
	case <-replies:
	case <-time.After(20 * time.Second):
		tb.Fatalf("no reply in %s within 20 s", u.ch)
	}
}

func (u *slackUser) lastText() string { return u.s.slack.last(u.ch) }

// boldQuestion is a posted question's text: its first bold span.
var boldQuestion = regexp.MustCompile(`\*([^*]+)\*`)

// question is what the last message in the DM asks ("" when nothing).
func (u *slackUser) question() string {
	m := boldQuestion.FindStringSubmatch(u.lastText())
	if m == nil {
		return ""
	}
	return m[1]
}

// answerUntil answers whatever the conversation asks until its question
// contains want: each question first with "1" (a choice, a number or a
// text), and when that leaves it asked, with a date, then with スキップ.
// It knows no flow's steps (a typed question's message carries no step
// id), so a shorter or longer hand-off needs no change here.
func (u *slackUser) answerUntil(tb testing.TB, want string) {
	tb.Helper()
	tries := []string{"1", "12/11", "スキップ"}
	last, try := "", 0
	for range 80 {
		q := u.question()
		switch {
		case strings.Contains(q, want):
			return
		case q == "":
			tb.Fatalf("waiting for %q: the last message asks nothing: %s", want, u.lastText())
		case q == last:
			try++
		default:
			last, try = q, 0
		}
		if try == len(tries) {
			tb.Fatalf("waiting for %q: %q takes none of %v", want, q, tries)
		}
		u.dm(tb, tries[try])
	}
	tb.Fatalf("%q not asked within 80 answers", want)
}

// replySlack is a Slack Web API answering conversations.open,
// chat.postMessage and chat.update. A reply counts when chat.postMessage
// reaches it: whoever waits for the channel is woken.
type replySlack struct {
	mu    sync.Mutex
	ts    int64
	wait  map[string]chan struct{} // DM channel → closed on the next post
	texts map[string]string        // DM channel → text and blocks of the last post
}

func newReplySlack() *replySlack {
	return &replySlack{wait: map[string]chan struct{}{}, texts: map[string]string{}}
}

// waiter returns a channel closed when the next message is posted to ch.
func (f *replySlack) waiter(ch string) <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := make(chan struct{})
	f.wait[ch] = w
	return w
}

func (f *replySlack) last(ch string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.texts[ch]
}

func (f *replySlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	ch := r.PostForm.Get("channel")
	switch method {
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, r.PostForm.Get("users"))
	case "chat.postMessage":
		f.mu.Lock()
		f.ts++
		ts := f.ts
		f.texts[ch] = r.PostForm.Get("text") + "\n" + r.PostForm.Get("blocks")
		wake := f.wait[ch]
		delete(f.wait, ch)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1763800000.%06d"}`, ch, ts)
		if wake != nil {
			close(wake)
		}
	case "chat.update":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, ch, r.PostForm.Get("ts"))
	default:
		fmt.Fprint(w, `{"ok":true}`)
	}
}

// BenchmarkServeTurn measures whole answer turns on the serve path: a
// signed DM event into bansou serve's HTTP handler, the ack, the turn in
// the real bot and store, and the reply's chat.postMessage reaching a local
// fake Slack (only then is the turn counted), with 1, 8 and 32
// conversations at once, on SQLite and on PostgreSQL with fsync on. Turns
// alternate between answering the facts question and 「戻る」. It reports
// turns/s, and on PostgreSQL the statements and round trips per turn.
//
// Each case runs twice: "inbox" is the durable path of bansou serve (the
// event stored before the ack, the turn run from the inbox); "direct" runs
// the turn after the ack without the inbox, as before it. Right after each
// PostgreSQL pair, pgbench runs on the same server, each statement its own
// round trip as a usual client sends them: "pgbench" the turn's own
// statements, "pgbench+inbox" every statement bansou's serve path sends for
// a turn (the inbox's lock and row in the turn's transaction; the Slack
// side's closing of open prompts).
// BANSOU_BENCH_REPEATS=3 runs the cases three times, alternating:
//
//	BANSOU_BENCH_REPEATS=3 go test -run '^$' -bench ServeTurn -benchtime 3000x ./cmd/bansou/
func BenchmarkServeTurn(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		dir := b.TempDir()
		inbox := startTurnServer(b, filepath.Join(dir, "inbox.db"), nil)
		direct := startTurnServer(b, filepath.Join(dir, "direct.db"), nil, withoutInbox)
		for r := 1; r <= benchRepeats(); r++ {
			for _, conc := range []int{1, 8, 32} {
				var on, off float64
				b.Run(fmt.Sprintf("conc=%d/inbox", conc), func(b *testing.B) { on = benchServeTurns(b, inbox, nil, conc) })
				b.Run(fmt.Sprintf("conc=%d/direct", conc), func(b *testing.B) {
					off = benchServeTurns(b, direct, nil, conc)
					b.ReportMetric(on/off, "inbox/direct")
				})
				b.Logf("repeat %d sqlite conc=%d inbox=%.0f direct=%.0f turns/s inbox/direct=%.2f", r, conc, on, off, on/off)
			}
		}
	})
	b.Run("postgres", func(b *testing.B) {
		srv := pgtest.StartServer(b, pgtest.Durable)
		url := srv.CreateDB(b, "")
		directURL := srv.CreateDB(b, "")
		tr, trDirect := &pgtest.Tracer{}, &pgtest.Tracer{}
		pool := ""
		if n := os.Getenv("BANSOU_BENCH_POOL"); n != "" { // to measure pool sizes
			pool = "&pool_max_conns=" + n
		}
		inbox := startTurnServer(b, url+pool, tr)
		direct := startTurnServer(b, directURL+pool, trDirect, withoutInbox)
		inbox.pg, direct.pg = srv, srv
		for r := 1; r <= benchRepeats(); r++ {
			for _, conc := range []int{1, 8, 32} {
				var on, off float64
				var turn, full pgbenchResult
				b.Run(fmt.Sprintf("conc=%d/inbox", conc), func(b *testing.B) { on = benchServeTurns(b, inbox, tr, conc) })
				b.Run(fmt.Sprintf("conc=%d/direct", conc), func(b *testing.B) {
					off = benchServeTurns(b, direct, trDirect, conc)
					b.ReportMetric(on/off, "inbox/direct")
				})
				b.Run(fmt.Sprintf("conc=%d/pgbench", conc), func(b *testing.B) {
					if turn.tps == 0 { // once, however often the framework calls
						turn = runPgbench(b, srv, url, conc, false)
					}
					turn.report(b, on)
				})
				b.Run(fmt.Sprintf("conc=%d/pgbench+inbox", conc), func(b *testing.B) {
					if full.tps == 0 {
						full = runPgbench(b, srv, url, conc, true)
					}
					full.report(b, on)
				})
				tps := turn.tps
				b.Logf("repeat %d conc=%d inbox=%.0f direct=%.0f turns/s inbox/direct=%.2f pgbench=%.0f pgbench+inbox=%.0f tps "+
					"inbox/pgbench=%.2f inbox/(pgbench+inbox)=%.2f direct/pgbench=%.2f",
					r, conc, on, off, on/off, tps, full.tps, on/tps, on/full.tps, off/tps)
			}
		}
	})
}

// pgbenchResult is a pgbench run's rate and the server's processor time
// per transaction (one turn's statements).
type pgbenchResult struct {
	tps, pgCPU float64
}

// report adds the result to a benchmark, beside bansou's rate on.
func (r pgbenchResult) report(b *testing.B, on float64) {
	b.ReportMetric(r.tps, "tps")
	b.ReportMetric(on/r.tps, "bansou/pgbench")
	b.ReportMetric(r.pgCPU, "pg-cpu-µs/txn")
}

// cpuMeter prices a benchmark's work in processor time: this process's
// (bansou, and the load generator and fake Slack beside it) and, on
// PostgreSQL, the server's.
type cpuMeter struct {
	pg           *pgtest.Server
	self, server time.Duration
}

func startCPU(b *testing.B, pg *pgtest.Server) cpuMeter {
	m := cpuMeter{pg: pg, self: selfCPU(b)}
	if pg != nil {
		var err error
		if m.server, err = pg.CPU(); err != nil { // an external server: its processes are not ours to read
			b.Logf("PostgreSQL's processor time not measured: %v", err)
			m.pg = nil
		}
	}
	return m
}

// report adds the processor time per turn since startCPU.
func (m cpuMeter) report(b *testing.B, n int, unit string) {
	if m.pg != nil {
		b.ReportMetric(m.perUnit(b, n), "pg-cpu-µs/"+unit)
	}
	b.ReportMetric(float64((selfCPU(b)-m.self).Microseconds())/float64(n), "go-cpu-µs/"+unit)
}

// perUnit is the server's processor time per unit since startCPU, in µs.
func (m cpuMeter) perUnit(b *testing.B, n int) float64 {
	now, err := m.pg.CPU()
	if err != nil {
		b.Fatal(err)
	}
	return float64((now - m.server).Microseconds()) / float64(n)
}

// selfCPU is this process's processor time so far (user and system).
func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchRepeats is how often BenchmarkServeTurn runs its cases, alternating
// (BANSOU_BENCH_REPEATS, at least once).
func benchRepeats() int {
	n, _ := strconv.Atoi(os.Getenv("BANSOU_BENCH_REPEATS"))
	return max(1, n)
}

// withoutInbox runs turns after the ack without the durable inbox.
func withoutInbox(c *config) { c.noInbox = true }

// benchRun numbers the conversations of successive runs, so each run has
// advisors of its own.
var benchRun atomic.Int64

// benchServeTurns runs b.N turns spread over conc conversations, each at
// the facts question of a quick debrief, and returns the turns per second.
func benchServeTurns(b *testing.B, s *turnServer, tr *pgtest.Tracer, conc int) float64 {
	run := benchRun.Add(1)
	users := make([]*slackUser, conc)
	for i := range users {
		u := s.user(fmt.Sprintf("U%dX%d", run, i))
		u.command(b, "visit")
		u.dm(b, "2") // 簡易
		u.dm(b, fmt.Sprintf("企業%d-%d", run, i))
		u.answerUntil(b, "「事実」") // D5, after a new company's intake (debrief v2)
		users[i] = u
	}
	texts := []string{"売上が前年比1割減。社長が営業も製造も見ている。", "戻る"}
	if tr != nil {
		tr.Reset()
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	cpu := startCPU(b, s.pg)
	b.ReportAllocs()
	b.ResetTimer()
	for _, u := range users {
		wg.Go(func() {
			for i := 0; next.Add(1) <= int64(b.N); i++ {
				u.dm(b, texts[i%2])
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	cpu.report(b, b.N, "turn")
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "turns/s")
	if tr == nil {
		return rate
	}
	var turns, stmts, trips int
	all := tr.Done()
	for _, txn := range all {
		if isTurn(txn) {
			turns++
			stmts += len(txn.Statements)
			trips += txn.RoundTrips
		}
	}
	if turns != b.N {
		b.Fatalf("%d turn transactions for %d turns", turns, b.N)
	}
	b.ReportMetric(float64(stmts)/float64(turns), "stmts/turn")
	b.ReportMetric(float64(trips)/float64(turns), "trips/turn")
	// Every transaction the serve path ran per turn, the turn's included
	// (the Slack side's prompt messages, the inbox's claims; an inbox row's
	// one-batch insert has no BEGIN and is not counted).
	b.ReportMetric(float64(len(all))/float64(turns), "txns/turn")
	// Every statement the serve path sent, in transactions or not.
	b.ReportMetric(float64(tr.Statements())/float64(turns), "all-stmts/turn")
	if os.Getenv("TURNCOST_DUMP") != "" {
		for _, txn := range all[:min(len(all), 6)] {
			b.Logf("txn: %s", strings.Join(txn.Statements, "\n  "))
		}
	}
	return rate
}

// pgbenchAnswer and pgbenchBack are bansou's two turns in pgbench's
// language, with the statements bansou sends (mark the event, the person
// with the active session, save the session with the answer, or without for
// 「戻る」), each its own round trip. Client i is advisor pgb-<i>, whose
// active session is base+i.
const pgbenchAnswer = `\set sid :base + :client_id
BEGIN;
INSERT INTO inbound_events (event_id, received_at) VALUES (gen_random_uuid()::text, now()) ON CONFLICT (event_id) DO NOTHING;
SELECT p.id, p.role, p.name, p.locale, p.created_at, s.id, s.flow_id, s.flow_version, s.mode, COALESCE(s.company_id, 0), s.channel, s.status, s.step, s.state, s.version, s.created_at, s.updated_at, s.completed_at FROM identities i JOIN people p ON p.id = i.person_id LEFT JOIN sessions s ON s.respondent_id = p.id AND s.status = 'active' WHERE i.channel = 'slack' AND i.external_id = 'pgb-' || :client_id;
WITH saved AS (UPDATE sessions SET step = 'D7', state = :state, updated_at = now(), version = version + 1 WHERE id = :sid RETURNING version), answer AS (INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at) SELECT :sid, 'D5', COALESCE(max(revision), 0) + 1, '売上が前年比1割減。', '売上が前年比1割減。', false, 'facts', false, NULL, now() FROM answers WHERE session_id = :sid AND step_id = 'D5' HAVING EXISTS (SELECT FROM saved) RETURNING session_id, step_id, revision, by_person_id, at), edit AS (INSERT INTO audit_log (actor_id, action, subject, detail, at) SELECT by_person_id, 'answer.edit', 'session:' || session_id || '/step:' || step_id, 'revision ' || revision, at FROM answer WHERE revision > 1) SELECT (SELECT version FROM saved);
COMMIT;
`

const pgbenchBack = `\set sid :base + :client_id
BEGIN;
INSERT INTO inbound_events (event_id, received_at) VALUES (gen_random_uuid()::text, now()) ON CONFLICT (event_id) DO NOTHING;
SELECT p.id, p.role, p.name, p.locale, p.created_at, s.id, s.flow_id, s.flow_version, s.mode, COALESCE(s.company_id, 0), s.channel, s.status, s.step, s.state, s.version, s.created_at, s.updated_at, s.completed_at FROM identities i JOIN people p ON p.id = i.person_id LEFT JOIN sessions s ON s.respondent_id = p.id AND s.status = 'active' WHERE i.channel = 'slack' AND i.external_id = 'pgb-' || :client_id;
UPDATE sessions SET step = 'D5', state = :state, updated_at = now(), version = version + 1 WHERE id = :sid RETURNING version;
COMMIT;
`

// pgbenchInbox is what the inbox puts in a turn run straight from intake,
// at the head of the turn's own transaction (OpenTurn's batch) in place of
// the inbound event's insert: the person's lock and the insert of the
// event's row, already done, unless the person has a pending row. The turn's commit, with the WAL flushed, is
// what makes the event durable. The Slack side then closes the session's
// open prompts (pgbenchPrompts). (No colon inside a literal: pgbench would
// read ":name" as a variable.)
const pgbenchInbox = `SELECT pg_advisory_xact_lock(hashtextextended('bansou.inbox:' || 'slack-pgb-' || :client_id::text, 0));
INSERT INTO inbox (dedupe_key, channel, person_key, kind, payload, received_at, status, attempts, done_at) SELECT gen_random_uuid()::text, 'slack', 'slack-pgb-' || :client_id::text, 'event', convert_to(repeat('x', 400), 'UTF8'), now(), 'done', 0, now() WHERE NOT EXISTS (SELECT 1 FROM inbox WHERE person_key = 'slack-pgb-' || :client_id::text AND status = 'pending') ON CONFLICT (dedupe_key) DO NOTHING;
`

const pgbenchPrompts = `BEGIN;
SELECT set_config('synchronous_commit', 'off', true);
SELECT pg_advisory_xact_lock(hashtextextended('bansou.prompt_messages', :sid::bigint));
WITH closed AS (UPDATE prompt_messages SET closed = true WHERE session_id = :sid AND NOT closed RETURNING id, session_id, step_id, channel_id, ts, body, closed, answer, at), mark AS (INSERT INTO prompt_messages (session_id, step_id, channel_id, ts, body, closed, answer, at) SELECT :sid, '', '', '', ''::bytea, true, '', now() WHERE '' <> '' AND NOT EXISTS (SELECT 1 FROM closed WHERE step_id = '')) SELECT session_id, step_id, channel_id, ts, body, closed, answer, at FROM closed ORDER BY id;
COMMIT;
`

// withInbox is script with the inbox's and the Slack side's statements
// around the turn.
func withInbox(script string) string {
	first, rest, _ := strings.Cut(script, "BEGIN;\n")
	// The inbox row stands for the event: no inbound_events insert.
	_, rest, _ = strings.Cut(rest, "\n")
	return first + "BEGIN;\n" + pgbenchInbox + rest + pgbenchPrompts
}

var (
	tpsLine  = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	txnsLine = regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`)
)

// runPgbench runs pgbench with conc clients for pgbenchSeconds on the
// server bansou just used and returns its rate: the turn's statements, or
// with inbox every statement of the serve path (withInbox).
func runPgbench(b *testing.B, srv *pgtest.Server, url string, conc int, inbox bool) pgbenchResult {
	bin := filepath.Join(srv.BinDir(), "pgbench")
	if _, err := os.Stat(bin); srv.BinDir() == "" || err != nil {
		if os.Getenv("CI") != "" {
			b.Fatalf("pgbench not found next to initdb (%q)", srv.BinDir())
		}
		b.Skipf("SKIPPING THE PGBENCH COMPARISON: pgbench not found next to initdb (%q)", srv.BinDir())
	}
	base := pgbenchSessions(b, url, conc)
	dir := b.TempDir()
	answer, back := filepath.Join(dir, "answer.sql"), filepath.Join(dir, "back.sql")
	scripts := map[string]string{answer: pgbenchAnswer, back: pgbenchBack}
	if inbox {
		scripts = map[string]string{answer: withInbox(pgbenchAnswer), back: withInbox(pgbenchBack)}
	}
	for path, script := range scripts {
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	state := `{"flow":"debrief","flow_version":1,"mode":"quick","phase":"ask","cursor":"D7","answers":{"D1":{"v":"企業"},"D5":{"v":"売上が前年比1割減。"}},"trail":["D1","D5"],"context":{"company_id":1,"vars":{"company":"企業"}}}`
	backends, _ := srv.Backends() // none known for an external server: Settle then returns at once
	cpu := startCPU(b, srv)
	out, err := exec.CommandContext(b.Context(), bin, "-n", "-M", "prepared", "-f", answer+"@1", "-f", back+"@1",
		"-c", strconv.Itoa(conc), "-j", strconv.Itoa(min(2, conc)), "-T", strconv.Itoa(pgbenchSeconds),
		"-D", fmt.Sprintf("base=%d", base), "-D", "state="+state, url).CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench printed no tps line:\n%s", out)
	}
	res := pgbenchResult{}
	res.tps, _ = strconv.ParseFloat(string(m[1]), 64)

	if n := txnsLine.FindSubmatch(out); n != nil {
		srv.Settle(backends) // pgbench's backends counted once reaped
		txns, _ := strconv.Atoi(string(n[1]))
		if cpu.pg != nil {
			res.pgCPU = cpu.perUnit(b, max(1, txns))
		}
	}
	return res
}

// pgbenchSeconds is how long each pgbench run lasts.
const pgbenchSeconds = 10

// pgbenchSessions makes advisors pgb-1 … pgb-n (replacing earlier ones),
// each with an active session, and returns the id the first session's
// id follows: pgb-i has session base+i.
func pgbenchSessions(b *testing.B, url string, n int) int64 {
	b.Helper()
	db, err := postgres.Open(b.Context(), url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var ids []int64
	err = db.InTx(b.Context(), func(ctx context.Context, tx store.Tx) error {
		ids = nil
		for i := 1; i <= n; i++ {
			ext := fmt.Sprintf("pgb-%d", i)
			p, err := tx.PersonByIdentity(ctx, "slack", ext)
			if errors.Is(err, store.ErrNotFound) {
				p, err = tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: ext, Locale: "ja"}, "slack", ext)
			}
			if err != nil {
				return err
			}
			if s, err := tx.ActiveSession(ctx, p.ID); err == nil {
				s.Status = store.SessionCancelled
				if _, err := tx.UpdateSession(ctx, s); err != nil {
					return err
				}
			}
			s, err := tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, Mode: "quick",
				RespondentID: p.ID, Channel: "slack", Step: "D5"})
			if err != nil {
				return err
			}
			ids = append(ids, s.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i, id := range ids {
		if id != ids[0]+int64(i) {
			b.Fatalf("pgbench sessions are not consecutive: %v", ids)
		}
	}
	return ids[0] - 1
}
