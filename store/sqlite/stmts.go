package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// maxCached bounds the statement cache: statements whose text is built at
// run time (a column name, a list of placeholders) would otherwise grow it
// without end. Past it, statements are prepared per call as before.
const maxCached = 512

// stmtCache keeps each statement prepared once. The driver parses a
// statement's SQL every time it is run without one, which cost more than
// running most of a turn's statements (a quarter of the serve path's
// processor time on SQLite). A statement is prepared after the first
// transaction that ran it has ended: preparing needs the one connection,
// which that transaction holds.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool // run without a statement: prepared when the connection is free
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement of query, or nil (the caller runs the
// text) when it is not prepared yet or the cache is full.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m)+len(c.pending) < maxCached {
		c.pending[query] = true
	}
	return nil
}

// prepare prepares the statements run since the last call. Call it with no
// transaction open in this goroutine. A statement that does not prepare
// (it has an error the caller already got) is not kept.
func (c *stmtCache) prepare(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
	}
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q) // waits for the connection, not holding mu
		c.mu.Lock()
		delete(c.pending, q)
		if _, dup := c.m[q]; err == nil && !dup {
			c.m[q], st = st, nil
		}
		c.mu.Unlock()
		if st != nil {
			_ = st.Close()
		}
	}
}

// close closes the prepared statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		_ = st.Close()
		delete(c.m, q)
	}
}

// cachedTx runs a transaction's statements through the cache. It has the
// three methods of *sql.Tx the store uses.
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (c cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.cache.get(query); st != nil {
		return c.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, query, args...)
}

func (c cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.cache.get(query); st != nil {
		return c.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, query, args...)
}

func (c cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.cache.get(query); st != nil {
		return c.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, query, args...)
}
