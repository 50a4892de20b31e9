package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/bansou/bansou/store"
)

// WriteOne writes one of the two files ("sessions" or "answers") to w, as
// Write would write it, reading in tx (the caller's transaction). It
// returns the number of rows written, the header excluded.
func WriteOne(ctx context.Context, tx store.Tx, o Options, kind string, w io.Writer) (int, error) {
	if o.To.Before(o.From) {
		return 0, fmt.Errorf("export: the period ends (%s) before it starts (%s)", o.To, o.From)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Flows == nil {
		return 0, errors.New("export: no flows given")
	}
	if kind != "sessions" && kind != "answers" {
		return 0, fmt.Errorf("export: unknown file %q", kind)
	}
	t, err := collect(ctx, tx, o)
	if err != nil {
		return 0, fmt.Errorf("export: read: %w", err)
	}
	header, rows := sessionHeader, t.sessions
	if kind == "answers" {
		header, rows = answerHeader, t.answers
	}
	return len(rows), WriteCSV(w, append([][]string{header}, rows...))
}
