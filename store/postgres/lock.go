package postgres

import (
	"context"
	"fmt"
)

// TryLock takes the session-level advisory lock called name when it is
// free, on a connection it keeps until release is called (or, should that
// connection die, until PostgreSQL ends its session). ok is false when
// another session holds the lock.
func (db *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("postgres: try lock %s: %w", name, err)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, name).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("postgres: try lock %s: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, name); err != nil {
			_ = conn.Conn().Close(ctx) // ending the session releases the lock
		}
		conn.Release()
	}, true, nil
}
