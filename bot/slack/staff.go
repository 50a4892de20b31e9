package slack

import (
	"context"
	"log/slog"
	"time"

	"github.com/bansou/bansou/bot"
)

// StaffRefresher keeps the members of the advisor user group
// (BANSOU_ADVISOR_GROUP) in bot.Staff up to date.
type StaffRefresher struct {
	API    *API
	Group  string // the user group's id, e.g. S0123ABC
	Staff  *bot.Staff
	Every  time.Duration // default 10 minutes
	Logger *slog.Logger
}

// Refresh reads the group once. On failure the last good list stays.
func (r *StaffRefresher) Refresh(ctx context.Context) error {
	ids, err := r.API.groupMembers(ctx, r.Group)
	if err != nil {
		return err
	}
	r.Staff.SetGroup(ids)
	r.log().InfoContext(ctx, "advisor group read", "group", r.Group, "members", len(ids))
	return nil
}

// Run refreshes now and then every Every until ctx ends.
func (r *StaffRefresher) Run(ctx context.Context) {
	every := r.Every
	if every <= 0 {
		every = 10 * time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := r.Refresh(ctx); err != nil && ctx.Err() == nil {
			r.log().WarnContext(ctx, "reading the advisor group failed; keeping the last list", "group", r.Group, "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *StaffRefresher) log() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}
