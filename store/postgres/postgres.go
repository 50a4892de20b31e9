// Package postgres is bansou's production store: store.Store on PostgreSQL
// through a pgx v5 connection pool (pgxpool).
//
// The SQL is written by hand and kept next to the method that runs it. The
// schema comes from the numbered files in migrations/, applied by Migrate
// (and by Open) under an advisory lock, so replicas starting together do not
// race. Transactions run at READ COMMITTED: an UpdateSession that loses a race
// waits for the winner to commit, re-checks the version and finds nothing to
// update, which is reported as store.ErrConflict. Unique violations are
// store.ErrConflict too, missing rows store.ErrNotFound. Times come back in
// UTC, truncated to the microsecond.
//
// ErrNotFound, a duplicate MarkEvent or EnqueueReminder, a stale
// UpdateSession or FinishReminder, an invite used before, and a conflict
// from CreatePerson, CreateCompany, CreateSession or CreateInvite leave the
// transaction usable. Any other error, including the unique violations of a reactivated
// session or of racing AddAnswer calls, means PostgreSQL aborted the
// transaction: the caller should return it.
package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

var (
	_ store.Store = (*DB)(nil)
	_ store.Tx    = (*tx)(nil)
)

// DB is a bansou store in a PostgreSQL database.
type DB struct {
	pool  *pgxpool.Pool
	clock sqlval.Clock // stamps what comes without a time
}

// Option adjusts how Open opens the store.
type Option func(*settings)

// settings are what the options adjust before the pool opens.
type settings struct {
	pool  *pgxpool.Config
	clock sqlval.Clock
}

// WithTracer traces the queries and batches of every connection (tests
// count statements and round trips with it).
func WithTracer(t pgx.QueryTracer) Option {
	return func(s *settings) { s.pool.ConnConfig.Tracer = t }
}

// WithClock makes now the store's clock: a record saved with a zero time
// gets its time. Without it the clock is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.clock = now }
}

// Open connects to the database at url (postgres://user:pass@host/db?…; the
// pool_max_conns and other pgxpool parameters are honoured) and applies the
// pending migrations. Without pool_max_conns the pool holds
// DefaultMaxConns connections.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	s := settings{pool: cfg, clock: time.Now}
	for _, o := range opts {
		o(&s)
	}
	return openConfig(ctx, s.pool, s.clock)
}

// DefaultMaxConns is the pool size used when the URL sets no
// pool_max_conns. A turn holds its connection only while its transaction
// runs, but with fsync on most of that time is spent waiting for the WAL
// flush, not on our CPUs, so pgx's default (one per CPU, at least 4) holds
// turns back. Measured on 2 CPUs with BenchmarkServeTurn (turns/s at 8 and
// 32 conversations): 4 conns 451/486, 8 conns 813/620, 16 conns 1039/974,
// 32 conns 1192/1331.
const DefaultMaxConns = 32

// openConfig opens a pool with cfg and migrates the database; clock is the
// store's.
func openConfig(ctx context.Context, cfg *pgxpool.Config, clock sqlval.Clock) (*DB, error) {
	cfg.AfterConnect = scanTimesInUTC
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	db := &DB{pool: pool, clock: clock}
	if err := db.Migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// scanTimesInUTC makes conn return timestamptz values in UTC rather than in
// the process's local zone.
func scanTimesInUTC(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{
		Name:  "timestamptz",
		OID:   pgtype.TimestamptzOID,
		Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
	})
	return nil
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close closes every connection. Closing twice is harmless.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// InTx runs fn in one READ COMMITTED transaction and commits it, or rolls it
// back and returns fn's error unchanged. BEGIN goes out with the first
// statement (see lazyTx).
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer conn.Release()
	t := &tx{tx: &lazyTx{conn: conn}, clock: db.clock}
	defer t.tx.rollback(ctx) // no-op after commit; also on panic
	if err := fn(ctx, t); err != nil {
		return err
	}
	if err := t.tx.commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// SweepEvents deletes the inbound events received before cutoff.
func (db *DB) SweepEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM inbound_events WHERE received_at < $1`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("postgres: sweep events: %w", err)
	}
	return tag.RowsAffected(), nil
}

// tx is a store.Tx on one PostgreSQL transaction.
type tx struct {
	tx    *lazyTx
	clock sqlval.Clock // the DB's
}

// orNow is at, or the store clock's time when at is zero.
func (t *tx) orNow(at time.Time) time.Time { return t.clock.OrNow(at) }
