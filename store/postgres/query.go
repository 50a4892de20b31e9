package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

// uniqueViolation is the SQLSTATE of a unique or primary key violation.
const uniqueViolation = "23505"

// storeErr wraps err for operation op, mapping no rows to store.ErrNotFound
// and a unique violation to store.ErrConflict (the driver error stays in the
// chain). A nil err stays nil.
func storeErr(op string, err error) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
	case errors.As(err, &pgErr) && pgErr.Code == uniqueViolation:
		return fmt.Errorf("postgres: %s: %w: %w", op, store.ErrConflict, err)
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// conflictIfNone turns "no row came back" into store.ErrConflict, for
// INSERT … ON CONFLICT DO NOTHING RETURNING and guarded UPDATEs.
func conflictIfNone(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrConflict
	}
	return err
}

// queryOne runs sql in t and scans its only row with scan.
func queryOne[T any](ctx context.Context, t *tx, scan pgx.RowToFunc[T], sql string, args ...any) (T, error) {
	rows, _ := t.tx.Query(ctx, sql, args...) // the error comes back from CollectOneRow
	v, err := pgx.CollectOneRow(rows, scan)
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// queryAll runs sql in t and scans every row with scan; no rows is an empty
// slice.
func queryAll[T any](ctx context.Context, t *tx, scan pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	rows, _ := t.tx.Query(ctx, sql, args...)
	return pgx.CollectRows(rows, scan)
}

// returningID runs an INSERT … RETURNING id.
func returningID(ctx context.Context, t *tx, sql string, args ...any) (int64, error) {
	var id int64
	err := t.tx.QueryRow(ctx, sql, args...).Scan(&id)
	return id, err
}

// nullTime is t as stored in a nullable column: the zero time is NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// timeOrZero is a scanned nullable time: NULL is the zero time.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// oneRow checks the result of an UPDATE or DELETE meant to touch a row:
// none touched is miss (store.ErrNotFound or store.ErrConflict).
func oneRow(tag pgconn.CommandTag, err error, miss error) error {
	if err == nil && tag.RowsAffected() == 0 {
		return miss
	}
	return err
}

// nullID is sqlval's, under the name turn.go calls it by.
func nullID(id int64) any { return sqlval.NullID(id) }
