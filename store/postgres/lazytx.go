package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lazyTx is a transaction on one pooled connection whose BEGIN is sent with
// its first statement: a query or Exec sends it first on its own, but a turn
// opened with OpenTurn queues it in the batch that marks the event and reads
// the person, saving a round trip. It offers the query methods of pgx.Tx.
type lazyTx struct {
	conn  *pgxpool.Conn
	begun bool
}

// begin sends BEGIN unless it was sent.
func (l *lazyTx) begin(ctx context.Context) error {
	if l.begun {
		return nil
	}
	if _, err := l.conn.Exec(ctx, "begin"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	l.begun = true
	return nil
}

func (l *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := l.begin(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	return l.conn.Exec(ctx, sql, args...)
}

func (l *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := l.begin(ctx); err != nil {
		return errRows{err}, err
	}
	return l.conn.Query(ctx, sql, args...)
}

func (l *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := l.begin(ctx); err != nil {
		return errRows{err}
	}
	return l.conn.QueryRow(ctx, sql, args...)
}

// SendBatch sends b, preceded by BEGIN when the transaction has not begun:
// one round trip for both.
func (l *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if !l.begun {
		b.QueuedQueries = append([]*pgx.QueuedQuery{{SQL: "begin"}}, b.QueuedQueries...)
		l.begun = true // a failed BEGIN leaves nothing to roll back; ROLLBACK then only warns
		return &skipFirst{BatchResults: l.conn.SendBatch(ctx, b)}
	}
	return l.conn.SendBatch(ctx, b)
}

func (l *lazyTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	if err := l.begin(ctx); err != nil {
		return 0, err
	}
	return l.conn.CopyFrom(ctx, table, cols, src)
}

// commit commits, or reports that PostgreSQL rolled back an aborted
// transaction instead (as pgx.Tx.Commit does).
func (l *lazyTx) commit(ctx context.Context) error {
	if !l.begun {
		return nil
	}
	tag, err := l.conn.Exec(ctx, "commit")
	l.begun = false
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// rollback rolls back a transaction that began; a connection left in a
// transaction by a failed rollback is destroyed by Release, not reused.
func (l *lazyTx) rollback(ctx context.Context) {
	if !l.begun {
		return
	}
	l.begun = false
	_, _ = l.conn.Exec(context.WithoutCancel(ctx), "rollback")
}

// skipFirst hides the result of the BEGIN queued first in a batch; a BEGIN
// that failed fails the first read.
type skipFirst struct {
	pgx.BatchResults
	skipped bool
	err     error
}

func (s *skipFirst) skip() error {
	if !s.skipped {
		s.skipped = true
		if _, err := s.BatchResults.Exec(); err != nil {
			s.err = fmt.Errorf("begin: %w", err)
		}
	}
	return s.err
}

func (s *skipFirst) Exec() (pgconn.CommandTag, error) {
	if err := s.skip(); err != nil {
		return pgconn.CommandTag{}, err
	}
	return s.BatchResults.Exec()
}

func (s *skipFirst) Query() (pgx.Rows, error) {
	if err := s.skip(); err != nil {
		return errRows{err}, err
	}
	return s.BatchResults.Query()
}

func (s *skipFirst) QueryRow() pgx.Row {
	if err := s.skip(); err != nil {
		return errRows{err}
	}
	return s.BatchResults.QueryRow()
}

// errRows is a failed query's rows: no row, the error.
type errRows struct{ err error }

func (e errRows) Close()                                       {}
func (e errRows) Err() error                                   { return e.err }
func (e errRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (e errRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (e errRows) Next() bool                                   { return false }
func (e errRows) Scan(...any) error                            { return e.err }
func (e errRows) Values() ([]any, error)                       { return nil, e.err }
func (e errRows) RawValues() [][]byte                          { return nil }
func (e errRows) Conn() *pgx.Conn                              { return nil }
func (e errRows) TypeMap() *pgtype.Map                         { return nil }
