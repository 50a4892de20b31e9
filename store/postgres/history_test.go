package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// The queries of a turn cost the same whether the database holds the
// history of 1,000 other companies or of 10,000 (100,000 answers): each
// query's buffers, from EXPLAIN (ANALYZE, BUFFERS) of the very SQL the store
// sent, may grow by an index level, never with the history. The
// company under test is the one debriefed longest ago, the worst case for
// an index walked in time order.
func TestTurnQueriesIgnoreUnrelatedHistory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("fills a database with 100k answers")
	}
	rec := &recorder{}
	db, err := Open(t.Context(), pgtest.EmptyDB(t), WithTracer(rec))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := t.Context()
	advisor, _ := seedCompany(t, db)
	turn := func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.OpenTurn(ctx, store.TurnKey{Channel: "slack", ExternalID: "U-history"}); err != nil {
			return err
		}
		c, err := tx.CompanyByName(ctx, "老舗の山田製作所")
		if err != nil {
			return err
		}
		for _, fn := range []func() error{
			func() error { _, err := tx.LatestCommitment(ctx, c.ID); return err },
			func() error { _, err := tx.LatestTagged(ctx, c.ID, "wall.main"); return err },
			func() error { _, err := tx.LatestTagged(ctx, c.ID, "issue.hidden"); return err },
			func() error { _, err := tx.CompaniesOf(ctx, advisor); return err },
			func() error { _, err := tx.OpenFollowups(ctx, advisor); return err },
			func() error { _, err := tx.CloseFollowups(ctx, c.ID); return err },
			func() error {
				_, _, err := tx.FindCompanyFor(ctx, "しにせのやまだ", c.Name, advisor)
				return err
			},
			func() error { _, err := tx.CompanyMemory(ctx, memoryOf(c.ID, advisor)); return err },
		} {
			if err := fn(); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return errRollback
	}
	rec.reset()
	if err := db.InTx(ctx, turn); !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	queries := rec.reads()
	fillHistory(t, db, "h1", 1_000) // 10k answers
	before := explainAll(t, db, queries)
	fillHistory(t, db, "h2", 9_000) // 100k answers
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM answers`).Scan(&n); err != nil || n < 100_000 {
		t.Fatalf("history holds %d answers (%v), want 100k", n, err)
	}
	after := explainAll(t, db, queries)
	for i, q := range queries {
		t.Logf("%3d → %3d buffers: %s", before[i], after[i], q.short())
		if after[i] > before[i]+2 {
			t.Errorf("with 10 times the unrelated history this query reads %d buffers instead of %d:\n%s", after[i], before[i], q.sql)
		}
	}
	// The company memory of the company debriefed most recently costs what
	// the one debriefed longest ago costs.
	var recent, recentAdvisor int64
	err = db.pool.QueryRow(ctx, `
		SELECT company_id, respondent_id FROM sessions WHERE flow_id = 'debrief' AND status = 'completed'
		ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&recent, &recentAdvisor)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		if !strings.Contains(q.sql, "json_agg") {
			continue
		}
		mq := memoryOf(recent, recentAdvisor)
		latest := explainAll(t, db, []query{{sql: q.sql, args: []any{mq.CompanyID, mq.Tags, mq.CheckinFlow, mq.MemosFor}}})[0]
		oldest := after[slices.IndexFunc(queries, func(x query) bool { return x.sql == q.sql })]
		t.Logf("CompanyMemory at 100k answers: %d buffers for the company debriefed most recently, %d for the one debriefed longest ago", latest, oldest)
		if latest > oldest+2 {
			t.Errorf("CompanyMemory reads %d buffers for the most recent company, %d for the oldest", latest, oldest)
		}
	}
}

// memoryOf is the memory the bot reads when an advisor chooses a company.
func memoryOf(companyID, advisorID int64) store.MemoryQuery {
	return store.MemoryQuery{CompanyID: companyID, Tags: []string{"wall.main", "issue.hidden", "stage"},
		CheckinFlow: "checkin", MemosFor: advisorID}
}

var errRollback = errors.New("roll back")

// seedCompany makes the company under test: an advisor's completed debrief
// with a wall, a hypothesis, a commitment and a follow-up, and an active
// session, all dated long before the history that follows.
func seedCompany(t *testing.T, db *DB) (advisorID, companyID int64) {
	t.Helper()
	old := time.Date(2020, 4, 1, 9, 0, 0, 0, time.UTC)
	err := db.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤", Locale: "ja", CreatedAt: old}, "slack", "U-history")
		if err != nil {
			return err
		}
		c, err := tx.CreateCompany(ctx, store.Company{Name: "老舗の山田製作所", CreatedAt: old})
		if err != nil {
			return err
		}
		if err := tx.Assign(ctx, c.ID, p.ID, old); err != nil {
			return err
		}
		s, err := tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, Mode: "quick", CompanyID: c.ID,
			RespondentID: p.ID, Channel: "slack", Status: store.SessionCompleted, Step: "", CreatedAt: old, CompletedAt: old})
		if err != nil {
			return err
		}
		for _, a := range []store.Answer{{StepID: "D15", Value: "tarinai", Tag: "wall.main"}, {StepID: "D11c", Value: "人手", Tag: "issue.hidden"},
			{StepID: "I9", Value: "3", Tag: "stage"}} {
			a.SessionID, a.ByPersonID, a.At, a.Raw = s.ID, p.ID, old, a.Value
			if _, err := tx.AddAnswer(ctx, a); err != nil {
				return err
			}
		}
		if _, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, SessionID: s.ID, Text: "朝礼", Status: "open", CreatedAt: old}); err != nil {
			return err
		}
		if _, err := tx.AddFollowup(ctx, store.Followup{CompanyID: c.ID, AdvisorID: p.ID, SessionID: s.ID, Due: "2020-05-01", Status: "open", CreatedAt: old}); err != nil {
			return err
		}
		// The owner's check-in and a handover memo written for this advisor.
		for _, flow := range []string{"checkin", "handover"} {
			m, err := tx.CreateSession(ctx, store.Session{FlowID: flow, FlowVersion: 1, CompanyID: c.ID,
				RespondentID: p.ID, Channel: "line", Status: store.SessionCompleted, CreatedAt: old, CompletedAt: old})
			if err != nil {
				return err
			}
			if _, err := tx.AddAnswer(ctx, store.Answer{SessionID: m.ID, StepID: "C1", Value: "doing", Tag: "checkin.status", At: old}); err != nil {
				return err
			}
			if flow == "handover" {
				h, err := tx.AddHandover(ctx, store.Handover{CompanyID: c.ID, ToID: p.ID, At: old})
				if err != nil {
					return err
				}
				if err := tx.SetHandoverMemo(ctx, h.ID, m.ID); err != nil {
					return err
				}
			}
		}
		_, err = tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, Mode: "quick", CompanyID: c.ID,
			RespondentID: p.ID, Channel: "slack", Status: store.SessionActive, Step: "D5", CreatedAt: old})
		advisorID, companyID = p.ID, c.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return advisorID, companyID
}

// fillHistory adds n other companies (named batch + " " + i), each with its
// own advisor, a completed debrief of 10 answers (wall and hypothesis among
// them), a commitment, an open follow-up, a completed check-in and a
// handover with a memo, all newer than the company under test.
func fillHistory(t *testing.T, db *DB, batch string, n int) {
	t.Helper()
	const mine = `c.name LIKE $1 || ' %'`
	stmts := []string{
		`INSERT INTO people (role, name, locale, created_at)
			SELECT 'advisor', $1 || ' ' || g, 'ja', now() FROM generate_series(1, $2::int) g`,
		`INSERT INTO identities (channel, external_id, person_id)
			SELECT 'slack', 'U-' || id, id FROM people c WHERE ` + mine,
		`INSERT INTO companies (name, industry, stage, municipality, created_at)
			SELECT $1 || ' ' || g, '', '', '', now() FROM generate_series(1, $2::int) g`,
		`INSERT INTO assignments (company_id, advisor_id, assigned_at)
			SELECT c.id, p.id, now() FROM companies c JOIN people p ON p.name = c.name WHERE ` + mine,
		`INSERT INTO sessions (flow_id, flow_version, mode, company_id, respondent_id, channel, status, step, state,
				version, created_at, updated_at, completed_at)
			SELECT 'debrief', 1, 'quick', a.company_id, a.advisor_id, 'slack', 'completed', '', '{}', 5,
				now() - (a.company_id % 1000) * interval '1 hour', now(), now()
			FROM assignments a JOIN companies c ON c.id = a.company_id WHERE ` + mine,
		`INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at)
			SELECT s.id, 'D' || g, 1, 'v', 'v', false,
				CASE g WHEN 1 THEN 'wall.main' WHEN 2 THEN 'issue.hidden' WHEN 3 THEN 'facts' ELSE '' END,
				false, s.respondent_id, s.created_at + g * interval '1 minute'
			FROM sessions s JOIN companies c ON c.id = s.company_id CROSS JOIN generate_series(1, 10) g WHERE ` + mine,
		`INSERT INTO commitments (company_id, session_id, text, status, created_at)
			SELECT s.company_id, s.id, '次の一歩', 'open', s.created_at
			FROM sessions s JOIN companies c ON c.id = s.company_id WHERE ` + mine,
		`INSERT INTO followups (company_id, advisor_id, session_id, due, status, created_at)
			SELECT s.company_id, s.respondent_id, s.id, DATE '2026-12-01', 'open', s.created_at
			FROM sessions s JOIN companies c ON c.id = s.company_id WHERE ` + mine,
		// The owners' check-ins (no answers: the history stays at 10 per
		// company) and a handover with a memo not shown yet.
		`INSERT INTO sessions (flow_id, flow_version, mode, company_id, respondent_id, channel, status, step, state,
				version, created_at, updated_at, completed_at)
			SELECT 'checkin', 1, '', s.company_id, s.respondent_id, 'line', 'completed', '', '{}', 3,
				s.created_at + interval '1 day', now(), now()
			FROM sessions s JOIN companies c ON c.id = s.company_id WHERE s.flow_id = 'debrief' AND ` + mine,
		`INSERT INTO handovers (company_id, to_id, at, memo_session_id)
			SELECT s.company_id, s.respondent_id, s.created_at, s.id
			FROM sessions s JOIN companies c ON c.id = s.company_id WHERE s.flow_id = 'checkin' AND ` + mine,
	}
	for _, sql := range stmts {
		args := []any{batch}
		if strings.Contains(sql, "$2") {
			args = append(args, n)
		}
		if _, err := db.pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	if _, err := db.pool.Exec(t.Context(), `ANALYZE`); err != nil {
		t.Fatal(err)
	}
}

// explainAll returns the shared buffers each query touches, run in a
// transaction that is rolled back: the most of its custom plan (for these
// arguments) and its generic plan (the one a prepared statement may settle
// on after a few runs, planned without knowing the company).
func explainAll(t *testing.T, db *DB, qs []query) []int {
	t.Helper()
	out := make([]int, len(qs))
	for i, q := range qs {
		for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
			out[i] = max(out[i], explain(t, db, q, mode))
		}
	}
	return out
}

func explain(t *testing.T, db *DB, q query, planMode string) int {
	t.Helper()
	var buffers int
	{
		err := pgx.BeginFunc(t.Context(), db.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(t.Context(), "SET LOCAL plan_cache_mode = "+planMode); err != nil {
				return err
			}
			var plan []struct {
				Plan struct {
					Hit  int `json:"Shared Hit Blocks"`
					Read int `json:"Shared Read Blocks"`
				} `json:"Plan"`
			}
			var raw []byte
			if err := tx.QueryRow(t.Context(), "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+q.sql, q.args...).Scan(&raw); err != nil {
				return err
			}
			if err := json.Unmarshal(raw, &plan); err != nil || len(plan) == 0 {
				return fmt.Errorf("plan %s: %w", raw, err)
			}
			buffers = plan[0].Plan.Hit + plan[0].Plan.Read
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("explain: %v\n%s", err, q.sql)
		}
	}
	return buffers
}

// query is a statement a store method sent, with its arguments.
type query struct {
	sql  string
	args []any
}

func (q query) short() string {
	return strings.Join(strings.Fields(q.sql), " ")[:min(90, len(strings.Join(strings.Fields(q.sql), " ")))]
}

// recorder is a pgx tracer that keeps every statement sent, batched or not.
type recorder struct {
	mu sync.Mutex
	qs []query
}

func (r *recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.add(d.SQL, d.Args)
	return ctx
}
func (r *recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (r *recorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	for _, q := range d.Batch.QueuedQueries {
		r.add(q.SQL, q.Arguments)
	}
	return ctx
}
func (r *recorder) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (r *recorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (r *recorder) add(sql string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.qs = append(r.qs, query{sql: sql, args: args})
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.qs = nil
}

// reads returns the recorded statements other than transaction control.
func (r *recorder) reads() []query {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []query
	for _, q := range r.qs {
		w := strings.ToLower(strings.TrimSpace(q.sql))
		if w != "begin" && w != "commit" && w != "rollback" {
			out = append(out, q)
		}
	}
	return out
}
