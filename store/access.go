package store

import (
	"context"
	"time"
)

// Access is what the access rule, access requests and handovers need from
// a transaction (issue 10).
type Access interface {
	// CompanyByKey returns the company whose normalised name key is key (the
	// oldest, should two share it). ErrNotFound when none has it.
	CompanyByKey(ctx context.Context, key string) (Company, error)
	// SetCompanyKey stores the normalised name key of a company.
	// ErrNotFound when the company does not exist.
	SetCompanyKey(ctx context.Context, companyID int64, key string) error
	// CompaniesWithoutKey lists the companies whose key is not set yet
	// (created before the key existed), by ID.
	CompaniesWithoutKey(ctx context.Context) ([]Company, error)
	// IsAssigned reports whether advisorID is assigned to companyID.
	IsAssigned(ctx context.Context, companyID, advisorID int64) (bool, error)
	// Unassign ends advisorID's assignment to companyID. ErrNotFound when
	// there was none.
	Unassign(ctx context.Context, companyID, advisorID int64) error

	// CreateAccessRequest stores a pending request and returns it with its
	// ID. ErrConflict when the requester already has a pending request for
	// the company.
	CreateAccessRequest(ctx context.Context, r AccessRequest) (AccessRequest, error)
	// AccessRequest returns one request.
	AccessRequest(ctx context.Context, id int64) (AccessRequest, error)
	// DecideAccessRequest sets a pending request's status (approved or
	// rejected), who decided and when. ErrConflict when it was already
	// decided, ErrNotFound when it does not exist.
	DecideAccessRequest(ctx context.Context, id int64, status string, by int64, at time.Time) error

	// AddHandover records a handover and returns it with its ID.
	AddHandover(ctx context.Context, h Handover) (Handover, error)
	// Handovers lists a company's handovers, oldest first (At, then ID).
	Handovers(ctx context.Context, companyID int64) ([]Handover, error)
	// HandoversBetween lists the handovers with At in [from, to), oldest
	// first.
	HandoversBetween(ctx context.Context, from, to time.Time) ([]Handover, error)
	// SetHandoverMemo records the session in which the previous advisor
	// writes the memo. ErrNotFound when the handover does not exist.
	SetHandoverMemo(ctx context.Context, id, sessionID int64) error
	// MarkHandoverMemoShown records when the new advisor was shown the memo;
	// ErrConflict when that was recorded before (the memo is shown once).
	MarkHandoverMemoShown(ctx context.Context, id int64, at time.Time) error
	// MarkHandoverOwnerTold records when the owner was told the new
	// advisor's name; ErrConflict when that was recorded before.
	MarkHandoverOwnerTold(ctx context.Context, id int64, at time.Time) error
	// ReassignFollowups gives the company's open follow-ups of advisor from
	// to advisor to and returns how many moved.
	ReassignFollowups(ctx context.Context, companyID, from, to int64) (int64, error)
	// ReassignReminders re-addresses the company's pending reminders to
	// from so they go to to, and returns how many moved. Claimed and
	// finished reminders are left alone; dedupe keys do not change.
	ReassignReminders(ctx context.Context, companyID, from, to int64) (int64, error)
}

// Access request statuses.
const (
	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestRejected = "rejected"
)

// AccessRequest is an advisor asking to see a company they are not
// assigned to (joint support, covering for a colleague).
type AccessRequest struct {
	ID          int64
	CompanyID   int64
	RequesterID int64
	Status      string // pending, approved, rejected
	CreatedAt   time.Time
	DecidedBy   int64     // 0 while pending
	DecidedAt   time.Time // zero while pending
}

// Handover (引継ぎ) moves a company from one advisor to the next.
type Handover struct {
	ID            int64
	CompanyID     int64
	FromID        int64 // the previous advisor; 0 when there was none
	ToID          int64
	ByID          int64 // who handed over; 0 on the command line
	At            time.Time
	MemoSessionID int64     // the previous advisor's memo; 0 until asked
	MemoShownAt   time.Time // when the new advisor saw the memo
	OwnerToldAt   time.Time // when the owner was told the new advisor's name
}
