package postgres

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// concurrencies are the numbers of conversations running at once.
var concurrencies = []int{1, 8, 32}

// pgbenchSeconds is how long each pgbench comparison runs.
const pgbenchSeconds = 10

// BenchmarkDurableTurn measures whole durable turns on a server with fsync
// on: one transaction per turn that marks the inbound event, loads the
// session, appends the answer and saves the session with its version check.
// Every conversation has its own session. It reports turns/s and the number
// of statements per turn (BEGIN and COMMIT not counted), then runs pgbench
// with the same statements against the same server, for comparison:
//
//	go test -run '^$' -bench DurableTurn ./store/postgres/
func BenchmarkDurableTurn(b *testing.B) {
	srv := pgtest.StartServer(b, pgtest.Durable)
	url := srv.CreateDB(b, "")
	counter := &statementCounter{}
	db := openBenchDB(b, url, counter)
	logDurability(b, db)
	for _, conc := range concurrencies {
		b.Run(fmt.Sprintf("conc=%d", conc), func(b *testing.B) { benchTurns(b, db, counter, conc) })
	}
	for _, conc := range concurrencies {
		b.Run(fmt.Sprintf("pgbench/conc=%d", conc), func(b *testing.B) { benchPgbench(b, srv, db, url, conc) })
	}
}

// openBenchDB opens url with room for every conversation and a tracer that
// counts statements.
func openBenchDB(b *testing.B, url string, counter *statementCounter) *DB {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = int32(concurrencies[len(concurrencies)-1]) + 2
	cfg.ConnConfig.Tracer = counter
	db, err := openConfig(b.Context(), cfg, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

func logDurability(b *testing.B, db *DB) {
	b.Helper()
	var fsync, syncCommit string
	err := db.pool.QueryRow(b.Context(), `SELECT current_setting('fsync'), current_setting('synchronous_commit')`).
		Scan(&fsync, &syncCommit)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("server: fsync=%s synchronous_commit=%s", fsync, syncCommit)
}

// benchTurns runs b.N turns spread over conc conversations.
func benchTurns(b *testing.B, db *DB, counter *statementCounter, conc int) {
	convs := startConversations(b, db, conc)
	var next atomic.Int64
	errs := make([]error, conc)
	var wg sync.WaitGroup
	counter.reset()
	b.ResetTimer()
	start := time.Now()
	for i, c := range convs {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) && errs[i] == nil {
				errs[i] = c.turn(b.Context(), db)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "turns/s")
	b.ReportMetric(float64(counter.count())/float64(b.N), "stmts/turn")
}

// conversation is one respondent's session, advanced one turn at a time.
type conversation struct {
	sessionID    int64
	respondentID int64
	turns        int
}

// startConversations creates n respondents, each with an active session;
// the sessions' ids are consecutive.
func startConversations(b *testing.B, db *DB, n int) []*conversation {
	b.Helper()
	var convs []*conversation
	err := db.InTx(b.Context(), func(ctx context.Context, tx store.Tx) error {
		convs = nil
		batch := time.Now().UnixNano()
		for i := range n {
			c, err := startConversation(ctx, tx, fmt.Sprintf("bench-%d-%d", batch, i))
			if err != nil {
				return err
			}
			convs = append(convs, c)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for i, c := range convs {
		if c.sessionID != convs[0].sessionID+int64(i) {
			b.Fatalf("session ids are not consecutive: %d at position %d after %d", c.sessionID, i, convs[0].sessionID)
		}
	}
	return convs
}

func startConversation(ctx context.Context, tx store.Tx, externalID string) (*conversation, error) {
	now := time.Now()
	p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: "山田", Locale: "ja", CreatedAt: now}, "line", externalID)
	if err != nil {
		return nil, err
	}
	s, err := tx.CreateSession(ctx, store.Session{FlowID: "checkin", FlowVersion: 1, Mode: "full",
		RespondentID: p.ID, Channel: "line", Status: store.SessionActive, Step: "Q1",
		State: benchState(1), CreatedAt: now, UpdatedAt: now})
	if err != nil {
		return nil, err
	}
	return &conversation{sessionID: s.ID, respondentID: p.ID}, nil
}

// turn is one inbound message handled durably, as bot.Handle would.
func (c *conversation) turn(ctx context.Context, db *DB) error {
	c.turns++
	return db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		now := time.Now()
		fresh, err := tx.MarkEvent(ctx, fmt.Sprintf("bench:%d:%d", c.sessionID, c.turns), now)
		if err != nil || !fresh {
			return fmt.Errorf("mark event: fresh %v, %w", fresh, err)
		}
		s, err := tx.Session(ctx, c.sessionID)
		if err != nil {
			return err
		}
		answer := store.Answer{SessionID: s.ID, StepID: s.Step, Value: "staff,cash", Raw: "人手と資金",
			Tag: "wall.main", ByPersonID: c.respondentID, At: now}
		if _, err := tx.AddAnswer(ctx, answer); err != nil {
			return err
		}
		s.Step, s.State, s.UpdatedAt = fmt.Sprintf("Q%d", c.turns+1), benchState(c.turns+1), now
		_, err = tx.UpdateSession(ctx, s)
		return err
	})
}

// benchState is an engine state of a realistic size.
func benchState(step int) []byte {
	return fmt.Appendf(nil, `{"cursor":"Q%d","mode":"full","history":["Q1","Q2","Q3"],"memo":"次回は金曜に訪問"}`, step)
}

// statementCounter is a pgx tracer counting the statements sent, except
// transaction control.
type statementCounter struct {
	n atomic.Int64
}

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	sql := strings.ToLower(strings.TrimSpace(data.SQL))
	if !strings.HasPrefix(sql, "begin") && sql != "commit" && sql != "rollback" {
		c.n.Add(1)
	}
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *statementCounter) reset()       { c.n.Store(0) }
func (c *statementCounter) count() int64 { return c.n.Load() }

// pgbenchScript is a turn in pgbench's language: the same four statements
// as conversation.turn, with the session row locked by SELECT … FOR UPDATE
// instead of checked by version. Client i works on session base+i.
const pgbenchScript = `\set sid :base + :client_id
\set step random(1, 2000000000)
BEGIN;
INSERT INTO inbound_events (event_id, received_at) VALUES (gen_random_uuid()::text, now())
	ON CONFLICT (event_id) DO NOTHING;
SELECT id, flow_id, flow_version, mode, COALESCE(company_id, 0), respondent_id, channel, status, step, state, version, created_at, updated_at, completed_at FROM sessions WHERE id = :sid FOR UPDATE;
WITH answer AS (INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at) SELECT :sid, 'P' || :step, COALESCE(max(revision), 0) + 1, 'staff,cash', '人手と資金', false, 'wall.main', false, NULL, now() FROM answers WHERE session_id = :sid AND step_id = 'P' || :step RETURNING session_id, step_id, revision, by_person_id, at), edit AS (INSERT INTO audit_log (actor_id, action, subject, detail, at) SELECT by_person_id, 'answer.edit', 'session:' || session_id || '/step:' || step_id, 'revision ' || revision, at FROM answer WHERE revision > 1) SELECT revision FROM answer;
UPDATE sessions SET step = 'P' || :step, state = '{"cursor":"P1","mode":"full","history":["Q1","Q2","Q3"],"memo":"次回は金曜に訪問"}', updated_at = now(), version = version + 1 WHERE id = :sid RETURNING version;
COMMIT;
`

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// benchPgbench runs pgbench once (whatever b.N) with conc clients for
// pgbenchSeconds and reports its tps.
func benchPgbench(b *testing.B, srv *pgtest.Server, db *DB, url string, conc int) {
	bin := filepath.Join(srv.BinDir(), "pgbench")
	if _, err := os.Stat(bin); srv.BinDir() == "" || err != nil {
		if os.Getenv("CI") != "" {
			b.Fatalf("pgbench not found next to initdb (%q)", srv.BinDir())
		}
		b.Skipf("SKIPPING THE PGBENCH COMPARISON: pgbench not found next to initdb (%q)", srv.BinDir())
	}
	convs := startConversations(b, db, conc)
	script := filepath.Join(b.TempDir(), "turn.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript), 0o644); err != nil {
		b.Fatal(err)
	}
	out, err := exec.CommandContext(b.Context(), bin, "-n", "-M", "prepared", "-f", script,
		"-c", strconv.Itoa(conc), "-j", strconv.Itoa(min(2, conc)), "-T", strconv.Itoa(pgbenchSeconds),
		"-D", fmt.Sprintf("base=%d", convs[0].sessionID), url).CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench printed no tps line:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	b.ReportMetric(tps, "tps")
	b.Logf("pgbench conc=%d tps=%.1f", conc, tps)
}
