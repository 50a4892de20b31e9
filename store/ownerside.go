package store

import (
	"context"
	"time"
)

// OwnerSide is what the owner side of the bot keeps beyond the core
// records: people's display names as their platform knows them, and where
// an alert to an advisor was posted, so that a later detail of the same
// request (an owner's call request, then the time slot) updates that alert
// instead of sending a second one.
type OwnerSide interface {
	// SetPersonName stores a person's display name. ErrNotFound when the
	// person does not exist.
	SetPersonName(ctx context.Context, personID int64, name string) error
	// SaveAlertRef records where the alert of request key (e.g.
	// "callback:s42") was posted to recipient (the advisor's channel and
	// platform id): ref is the platform's handle of that message (Slack:
	// "channel:ts"). Saving again replaces the ref.
	SaveAlertRef(ctx context.Context, r AlertRef) error
	// AlertRefOf returns the recorded ref of request key to recipient.
	// ErrNotFound when none was recorded.
	AlertRefOf(ctx context.Context, key, channel, userID string) (AlertRef, error)
}

// AlertRef locates an alert already sent to an advisor.
type AlertRef struct {
	Key       string // the request, e.g. callback:s42
	CompanyID int64  // the company the request is about (erased with it)
	Channel   string // the advisor's channel, e.g. slack
	UserID    string // the advisor's platform id
	Ref       string // the platform's handle of the message
	At        time.Time
}
