// Package export writes the sessions and answers of a period from a store
// as two CSV files that Excel opens correctly (UTF-8 with BOM, CRLF line
// ends): one row per session, and one row per answer revision. Answers are
// shown as people read them (option labels, dates written out); sensitive
// (要配慮) answers are left out unless asked for.
package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Options says which period to export and how.
type Options struct {
	From, To         flows.Date     // local calendar days, both included
	Location         *time.Location // the people's time zone (UTC when nil)
	Flows            *flows.Set     // for step and option labels
	Lang             string         // ja or en: how answer values are shown
	IncludeSensitive bool           // write 要配慮 answers as they are
	Dir              string         // where the files go ("" = current directory)
	Companies        map[int64]bool // only sessions about these companies; nil: every session
}

// Result says what was written where.
type Result struct {
	Sessions, Answers         int // rows written, headers excluded
	SessionsPath, AnswersPath string
}

// Txer runs fn in one store transaction; store.Store is one.
type Txer interface {
	InTx(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error
}

// FileName is the name of an export file: kind is "sessions" or "answers".
func FileName(kind string, from, to flows.Date) string {
	return fmt.Sprintf("bansou-%s-%s_%s.csv", kind, from, to)
}

// Write reads the sessions created during the period, and their answers, in
// one transaction, then writes both files into o.Dir. Each file appears
// whole or not at all, readable by its owner only (it holds personal data).
func Write(ctx context.Context, st Txer, o Options) (Result, error) {
	if o.To.Before(o.From) {
		return Result{}, fmt.Errorf("export: the period ends (%s) before it starts (%s)", o.To, o.From)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Flows == nil {
		return Result{}, errors.New("export: no flows given")
	}
	var t tables
	err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		t, err = collect(ctx, tx, o)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("export: read: %w", err)
	}
	res := Result{
		Sessions:     len(t.sessions),
		Answers:      len(t.answers),
		SessionsPath: filepath.Join(o.Dir, FileName("sessions", o.From, o.To)),
		AnswersPath:  filepath.Join(o.Dir, FileName("answers", o.From, o.To)),
	}
	if err := writeFile(res.SessionsPath, append([][]string{sessionHeader}, t.sessions...)); err != nil {
		return Result{}, err
	}
	if err := writeFile(res.AnswersPath, append([][]string{answerHeader}, t.answers...)); err != nil {
		return Result{}, err
	}
	return res, nil
}

// writeFile writes records to a temporary file next to path and renames it
// into place, so a reader never sees half a file.
func writeFile(path string, records [][]string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".bansou-export-*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if err := WriteCSV(f, records); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export: %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
