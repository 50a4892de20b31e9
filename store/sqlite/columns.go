package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	modernc "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/bansou/bansou/store"
)

// timeLayout is fixed-width UTC to the microsecond, so stored times sort as
// text.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// storeErr maps driver errors to the store's sentinels: no rows is
// ErrNotFound, a unique or primary key violation is ErrConflict. The
// original error stays in the chain.
func storeErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	var se *modernc.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", store.ErrConflict, err)
		}
	}
	return err
}

// timeText is t as stored: UTC, truncated to the microsecond.
func timeText(t time.Time) string {
	return t.UTC().Format(timeLayout)
}

// nullTime is t as stored in a nullable column: the zero time is NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return timeText(t)
}

// timeCol scans a TEXT timestamp (or NULL, as the zero time) into *t.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.t = time.Time{}
		return nil
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	}
	return fmt.Errorf("sqlite: timestamp column holds %T", v)
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return fmt.Errorf("sqlite: timestamp %q: %w", s, err)
	}
	*c.t = t
	return nil
}

// idCol scans a nullable reference into *id, NULL as 0.
type idCol struct{ id *int64 }

func (c idCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.id = n.Int64
	return nil
}

// textCol scans a nullable TEXT into *s, NULL as "".
type textCol struct{ s *string }

func (c textCol) Scan(v any) error {
	var n sql.NullString
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.s = n.String
	return nil
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface {
	Scan(dest ...any) error
}

// collect scans every row with scan; an empty result is an empty slice.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// oneRow checks the result of an UPDATE or DELETE meant to touch a row:
// none touched is miss (store.ErrNotFound or store.ErrConflict).
func oneRow(res sql.Result, err error, miss error) error {
	if err != nil {
		return storeErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return miss
	}
	return nil
}

// affected is the number of rows an UPDATE or DELETE touched.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, storeErr(err)
	}
	return res.RowsAffected()
}

// queryAll runs query in t and scans every row with scan; no rows is an
// empty slice.
func queryAll[T any](ctx context.Context, t *tx, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scan)
}
