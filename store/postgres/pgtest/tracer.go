package pgtest

import (
	"context"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Tracer is a pgx tracer (queries and batches) that groups what each
// connection sends into transactions, from BEGIN to COMMIT or ROLLBACK, and
// counts their statements (transaction control not counted) and their round
// trips (a query, or a whole batch, is one; BEGIN sent on its own is one,
// COMMIT is not counted). Set it as ConnConfig.Tracer of a pool.
type Tracer struct {
	mu    sync.Mutex
	open  map[*pgx.Conn]*Txn
	done  []Txn
	total int64 // statements, in or out of transactions
}

// Txn is one traced transaction.
type Txn struct {
	Statements []string // SQL of each statement, BEGIN and COMMIT left out
	RoundTrips int      // before COMMIT, BEGIN included
}

// Has reports whether a statement of the transaction contains s.
func (t Txn) Has(s string) bool {
	for _, q := range t.Statements {
		if strings.Contains(q, s) {
			return true
		}
	}
	return false
}

var (
	_ pgx.QueryTracer = (*Tracer)(nil)
	_ pgx.BatchTracer = (*Tracer)(nil)
)

// TraceQueryStart counts a query as one round trip.
func (tr *Tracer) TraceQueryStart(ctx context.Context, c *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.statement(c, data.SQL) {
		if t := tr.open[c]; t != nil {
			t.RoundTrips++
		}
	}
	return ctx
}

// TraceQueryEnd does nothing.
func (tr *Tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TraceBatchStart counts a batch as one round trip.
func (tr *Tracer) TraceBatchStart(ctx context.Context, c *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, q := range data.Batch.QueuedQueries {
		tr.statement(c, q.SQL)
	}
	if t := tr.open[c]; t != nil {
		t.RoundTrips++
	}
	return ctx
}

// TraceBatchQuery does nothing: TraceBatchStart saw the queries.
func (tr *Tracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

// TraceBatchEnd does nothing.
func (tr *Tracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// statement records sql sent on c and reports whether it counts as a round
// trip of the open transaction (COMMIT and ROLLBACK do not).
func (tr *Tracer) statement(c *pgx.Conn, sql string) bool {
	if tr.open == nil {
		tr.open = map[*pgx.Conn]*Txn{}
	}
	// Only the statement's first word matters: lowering the whole text
	// would cost the traced process more than some statements do.
	word := strings.TrimSpace(sql)
	word = strings.ToLower(word[:min(len(word), len("rollback")+1)])
	switch {
	case strings.HasPrefix(word, "begin"):
		tr.open[c] = &Txn{}
		return true
	case word == "commit" || word == "rollback":
		if t := tr.open[c]; t != nil {
			tr.done = append(tr.done, *t)
			delete(tr.open, c)
		}
		return false
	}
	tr.total++
	if t := tr.open[c]; t != nil {
		t.Statements = append(t.Statements, sql)
	}
	return true
}

// Statements returns how many statements were sent since the last Reset.
func (tr *Tracer) Statements() int64 {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.total
}

// Done returns the transactions that ended since the last Reset.
func (tr *Tracer) Done() []Txn {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]Txn(nil), tr.done...)
}

// Reset forgets the ended transactions and the statement count.
func (tr *Tracer) Reset() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.done, tr.total = nil, 0
}
