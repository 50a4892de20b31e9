package portfolio

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/store"
)

// PeriodReader reads a period's records about the companies asked about
// (store.Tx.PeriodRecords), one statement per kind.
type PeriodReader interface {
	// Sessions are the sessions created in the period, oldest first.
	Sessions(ctx context.Context) ([]store.Session, error)
	// Answers are the latest revision of each tagged answer in the
	// period's completed sessions, by time.
	Answers(ctx context.Context) ([]store.CompanyAnswer, error)
	// Followups are the follow-ups due in the period, by due date.
	Followups(ctx context.Context) ([]store.Followup, error)
	// SmallWins are the small wins recorded in the period, oldest first.
	SmallWins(ctx context.Context) ([]store.SmallWin, error)
}

// Period reads a period's records through r.
func Period(ctx context.Context, r PeriodReader) (store.PeriodRecords, error) {
	var out store.PeriodRecords
	var err error
	if out.Sessions, err = r.Sessions(ctx); err != nil {
		return store.PeriodRecords{}, fmt.Errorf("sessions: %w", err)
	}
	if out.Answers, err = r.Answers(ctx); err != nil {
		return store.PeriodRecords{}, fmt.Errorf("answers: %w", err)
	}
	if out.Followups, err = r.Followups(ctx); err != nil {
		return store.PeriodRecords{}, fmt.Errorf("follow-ups: %w", err)
	}
	if out.SmallWins, err = r.SmallWins(ctx); err != nil {
		return store.PeriodRecords{}, fmt.Errorf("small wins: %w", err)
	}
	return out, nil
}
