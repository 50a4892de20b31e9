// Package store holds bansou's domain records (people, companies, sessions,
// answers, commitments, follow-ups, referrals, small wins), the Store
// interface every backend implements, its sentinel errors, and — in
// store/storetest — the conformance suite that every backend must pass
// unchanged. Backends live in store/sqlite (the embedded default) and
// store/postgres (production).
//
// A record saved with a zero time (CreatedAt, At, …) gets the time of the
// store's clock, which the backend takes at Open (WithClock; time.Now by
// default), so the bot and its store keep one clock.
package store

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrNotFound is returned when a record does not exist. A lookup never
	// returns a zero record with a nil error.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict is returned when an optimistic-lock check fails (the
	// session moved on since it was loaded) or a unique key is taken.
	ErrConflict = errors.New("store: conflict")
)

// Store is a database holding bansou's records.
type Store interface {
	// InTx runs fn in one transaction. If fn returns an error the transaction
	// is rolled back and that error is returned (wrapped errors keep their
	// identity: errors.Is(err, ErrConflict) works).
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// SweepEvents deletes inbound events received before cutoff and returns
	// how many it deleted.
	SweepEvents(ctx context.Context, cutoff time.Time) (int64, error)
	// Ping reports whether the database is reachable.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

// Tx is what a transaction can do. Every method runs inside the transaction
// that InTx opened. After any error other than ErrNotFound the transaction
// may be unusable (PostgreSQL aborts it): return the error from fn.
type Tx interface {
	Access
	KnownCompany
	InboxTx
	PromptTx
	BacklogTx
	WebSignIn
	Portfolio
	Resumer
	Localizer
	OwnerSide
	Turns
	TurnWrites
	// MarkEvent records an inbound event id. It returns false when the id was
	// already recorded: the delivery is a duplicate and must have no effect.
	MarkEvent(ctx context.Context, eventID string, at time.Time) (fresh bool, err error)

	PersonByIdentity(ctx context.Context, channel, externalID string) (Person, error)
	Person(ctx context.Context, id int64) (Person, error)
	// CreatePerson creates p and links it to (channel, externalID).
	// ErrConflict when that identity is already linked.
	CreatePerson(ctx context.Context, p Person, channel, externalID string) (Person, error)

	CompanyByName(ctx context.Context, name string) (Company, error)
	Company(ctx context.Context, id int64) (Company, error)
	// CreateCompany fails with ErrConflict when the name is taken.
	CreateCompany(ctx context.Context, c Company) (Company, error)
	// Assign makes advisorID responsible for companyID. It is idempotent and
	// marks the company as the advisor's most recent one.
	Assign(ctx context.Context, companyID, advisorID int64, at time.Time) error
	// CompaniesOf lists the advisor's companies, most recently assigned or
	// visited first.
	CompaniesOf(ctx context.Context, advisorID int64) ([]Company, error)

	// ActiveSession returns the respondent's session with status active
	// (at most one exists).
	ActiveSession(ctx context.Context, respondentID int64) (Session, error)
	Session(ctx context.Context, id int64) (Session, error)
	// CreateSession stores a new session with Version 1 and returns it with
	// its ID. ErrConflict when the respondent already has an active session.
	CreateSession(ctx context.Context, s Session) (Session, error)
	// CompanySessions lists every session about companyID, newest first
	// (by CreatedAt, then ID): the company's timeline.
	CompanySessions(ctx context.Context, companyID int64) ([]Session, error)
	// UpdateSession saves s if the stored version still equals s.Version and
	// returns it with Version+1; otherwise ErrConflict and nothing changes.
	UpdateSession(ctx context.Context, s Session) (Session, error)

	// AddAnswer appends a revision of an answer: Revision is computed as one
	// more than the last revision of (SessionID, StepID). When the revision is
	// greater than 1 an audit entry "answer.edit" is written too.
	AddAnswer(ctx context.Context, a Answer) (Answer, error)
	// Answers returns every revision of every answer of a session, ordered by
	// step then revision.
	Answers(ctx context.Context, sessionID int64) ([]Answer, error)
	// LatestTagged returns the newest answer carrying tag in a completed
	// session about companyID (the company's memory, e.g. wall.main).
	LatestTagged(ctx context.Context, companyID int64, tag string) (Answer, error)

	AddCommitment(ctx context.Context, c Commitment) (Commitment, error)
	// LatestCommitment returns the company's most recent commitment.
	LatestCommitment(ctx context.Context, companyID int64) (Commitment, error)
	AddFollowup(ctx context.Context, f Followup) (Followup, error)
	// OpenFollowups lists the advisor's open follow-ups, earliest due first.
	OpenFollowups(ctx context.Context, advisorID int64) ([]Followup, error)
	AddReferral(ctx context.Context, r Referral) (Referral, error)
	AddSmallWin(ctx context.Context, w SmallWin) (SmallWin, error)

	AddAudit(ctx context.Context, e AuditEntry) error
	// Audit lists the audit entries about subject, oldest first.
	Audit(ctx context.Context, subject string) ([]AuditEntry, error)

	// SetRole changes a person's role (e.g. a Slack user named in
	// BANSOU_COORDINATORS becomes a coordinator). ErrNotFound when missing.
	SetRole(ctx context.Context, personID int64, role Role) error
	// PeopleByRole lists the people with role, by ID.
	PeopleByRole(ctx context.Context, role Role) ([]Person, error)
	// Identities lists the (channel, external id) pairs of a person, ordered
	// by channel, then external id.
	Identities(ctx context.Context, personID int64) ([]Identity, error)
	// AdvisorsOf lists the advisors assigned to a company, most recently
	// assigned first.
	AdvisorsOf(ctx context.Context, companyID int64) ([]Person, error)
	// Companies lists every company, by name compared bytewise (Unicode code
	// point order, whatever the database's collation), then ID.
	Companies(ctx context.Context) ([]Company, error)
	// CompanyRecords returns the company's commitments, follow-ups,
	// referrals and small wins, each list oldest first (CreatedAt, then ID).
	CompanyRecords(ctx context.Context, companyID int64) (Records, error)
	// SetCommitmentStatus sets a commitment's status (open, done, dropped).
	// ErrNotFound when missing.
	SetCommitmentStatus(ctx context.Context, id int64, status string) error
	// CloseFollowups marks every open follow-up of the company done and
	// returns how many it closed.
	CloseFollowups(ctx context.Context, companyID int64) (int64, error)
	// SessionsBetween lists sessions created in [from, to), oldest first.
	SessionsBetween(ctx context.Context, from, to time.Time) ([]Session, error)

	// CreateInvite stores an invite code (only its hash) and returns it with
	// its ID; a zero CreatedAt means now. ErrConflict when the hash is taken.
	CreateInvite(ctx context.Context, inv Invite) (Invite, error)
	// InviteByHash returns the invite with that code hash, used or not.
	InviteByHash(ctx context.Context, codeHash string) (Invite, error)
	// UseInvite marks the invite used by personID at at. ErrConflict when it
	// was already used (a code works once, even under a race), ErrNotFound
	// when there is no such invite. Expiry is the caller's to check.
	UseInvite(ctx context.Context, id, personID int64, at time.Time) error
	// LinkOwner makes personID an owner of companyID (an owner belongs to
	// one company; linking again moves them) and marks them reachable.
	// Linking again sets LinkedAt to at, even to the same company.
	LinkOwner(ctx context.Context, personID, companyID int64, at time.Time) error
	// OwnerLink returns the company link of an owner.
	OwnerLink(ctx context.Context, personID int64) (OwnerLink, error)
	// SetReachable records whether bansou may push messages to an owner
	// (false after the owner blocked the bot). ErrNotFound when not linked.
	SetReachable(ctx context.Context, personID int64, reachable bool) error
	// CompanyOwners lists the owners linked to a company, oldest link first
	// (then by person ID).
	CompanyOwners(ctx context.Context, companyID int64) ([]OwnerLink, error)

	// EnqueueReminder inserts r unless a reminder with the same DedupeKey
	// exists (INSERT … ON CONFLICT DO NOTHING) and reports whether it was
	// inserted. Status defaults to pending; every other field, CreatedAt
	// included (a zero CreatedAt is stored as the zero time), is stored as
	// given.
	EnqueueReminder(ctx context.Context, r Reminder) (bool, error)
	// ClaimReminders leases up to limit reminders that are pending and due
	// (DueAt <= now), or claimed with an expired lease (LeaseUntil <= now),
	// earliest due first: it sets them claimed, LeaseUntil = now+lease and
	// Attempts+1, and returns them as updated, earliest due first (then ID).
	// Concurrent claimers never get the same row (FOR UPDATE SKIP LOCKED on
	// PostgreSQL) and never wait for each other's rows. A limit of 0 or less
	// claims nothing.
	ClaimReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Reminder, error)
	// FinishReminder records the outcome of a claimed reminder: r.Status is
	// sent, failed, expired, cancelled, or pending (retry at r.DueAt); SentAt
	// and LastError are stored as given, the lease is cleared, and a zero
	// DueAt keeps the stored due time. It applies only while the row is still
	// claimed with the same Attempts (the caller still holds the lease);
	// otherwise ErrConflict and nothing changes. Any other status is an
	// error.
	FinishReminder(ctx context.Context, r Reminder) error
	// Reminders lists reminders matching f, earliest due first (then ID).
	Reminders(ctx context.Context, f ReminderFilter) ([]Reminder, error)
	// CancelReminders cancels the pending reminders matching f and returns
	// how many it cancelled. Claimed and finished reminders are left alone.
	CancelReminders(ctx context.Context, f ReminderFilter) (int64, error)

	// EraseCompany deletes the company and every record about it: sessions
	// and their answers, commitments, follow-ups, referrals, small wins,
	// invites, reminders, assignments, owner links, and the owners linked to
	// it (an owner is linked to one company only) with their identities, the
	// sessions they answered (about any company or none), every answer they
	// gave and the reminders to them. Advisors are kept, with what they have
	// about other companies. Audit entries are kept (they hold no personal
	// data). It returns the number of rows deleted per table, every table it
	// touches listed, zero included. ErrNotFound when the company does not
	// exist.
	EraseCompany(ctx context.Context, companyID int64) (map[string]int64, error)
}

// Role is what a person does in bansou.
type Role string

const (
	RoleAdvisor     Role = "advisor"
	RoleCoordinator Role = "coordinator"
	RoleOwner       Role = "owner"
)

// Person is an advisor, coordinator or owner.
type Person struct {
	ID        int64
	Role      Role
	Name      string
	Locale    string // "ja" or "en"
	CreatedAt time.Time
}

// Company is a business an advisor accompanies.
type Company struct {
	ID           int64
	Name         string
	Industry     string
	Stage        string
	Municipality string
	CreatedAt    time.Time
}

// SessionStatus is the life-cycle state of a session.
type SessionStatus string

const (
	SessionActive    SessionStatus = "active"
	SessionCompleted SessionStatus = "completed"
	SessionCancelled SessionStatus = "cancelled"
	SessionExpired   SessionStatus = "expired"
)

// Session is one run of a flow by one respondent.
type Session struct {
	ID           int64
	FlowID       string
	FlowVersion  int
	Mode         string
	CompanyID    int64 // 0 until the company is known
	RespondentID int64
	Channel      string // console, slack, line
	Status       SessionStatus
	Step         string // current step id (engine cursor)
	State        []byte // the engine state, opaque JSON
	Version      int    // optimistic-lock counter, 1 on creation
	CreatedAt    time.Time
	UpdatedAt    time.Time
	CompletedAt  time.Time // zero while not completed
}

// Answer is one revision of one answer.
type Answer struct {
	SessionID  int64
	StepID     string
	Revision   int    // 1, 2, … per (SessionID, StepID)
	Value      string // canonical typed value: option ids joined by ",", 2026-12-03, true/false, a number, or the text
	Raw        string // what the person typed or tapped
	Skipped    bool
	Tag        string
	Sensitive  bool
	ByPersonID int64
	At         time.Time
}

// Commitment is the owner's committed next step, in the owner's words.
type Commitment struct {
	ID        int64
	CompanyID int64
	SessionID int64
	Text      string
	Due       string // YYYY-MM-DD, or "" when no date was set
	Status    string // open, done, dropped
	CreatedAt time.Time
}

// Followup is the advisor's next contact with a company.
type Followup struct {
	ID        int64
	CompanyID int64
	AdvisorID int64
	SessionID int64
	Due       string // YYYY-MM-DD
	Status    string // open, done
	CreatedAt time.Time
}

// Referral hands a company to other institutions.
type Referral struct {
	ID        int64
	CompanyID int64
	SessionID int64
	Targets   []string // option ids of the destinations
	Reason    string
	Status    string // pending, accepted, done, failed
	CreatedAt time.Time
}

// SmallWin is a "we did it" moment.
type SmallWin struct {
	ID        int64
	CompanyID int64
	SessionID int64
	Text      string
	Source    string // advisor or owner
	CreatedAt time.Time
}

// AuditEntry records an edit or an erasure.
type AuditEntry struct {
	ID      int64
	ActorID int64  // person who acted; 0 for the system
	Action  string // e.g. answer.edit, company.erase
	Subject string // e.g. session:12/step:D7, company:3
	Detail  string // never answer text
	At      time.Time
}

// Identity is how a person is known on one channel.
type Identity struct {
	Channel    string
	ExternalID string
}

// Records are the domain records derived from a company's sessions.
type Records struct {
	Commitments []Commitment
	Followups   []Followup
	Referrals   []Referral
	SmallWins   []SmallWin
}

// Invite is a single-use code an advisor gives an owner to link their LINE
// account to a company. Only the code's hash is stored.
type Invite struct {
	ID        int64
	CodeHash  string
	CompanyID int64
	CreatedBy int64 // the advisor; 0 when created on the command line
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
	UsedBy    int64     // the owner who used it; 0 while unused
}

// OwnerLink ties an owner to the company they run.
type OwnerLink struct {
	PersonID  int64
	CompanyID int64
	LinkedAt  time.Time
	Reachable bool // false once the owner blocked the bot: no pushes
}

// ReminderStatus is the delivery state of a reminder.
type ReminderStatus string

const (
	ReminderPending   ReminderStatus = "pending"
	ReminderClaimed   ReminderStatus = "claimed"
	ReminderSent      ReminderStatus = "sent"
	ReminderFailed    ReminderStatus = "failed"
	ReminderExpired   ReminderStatus = "expired"
	ReminderCancelled ReminderStatus = "cancelled"
)

// Reminder is one scheduled delivery: the unit of work of the dispatcher.
type Reminder struct {
	ID          int64
	Kind        string // followup, checkin, nudge, digest, alert
	RecipientID int64
	CompanyID   int64 // 0 when not about one company
	SessionID   int64 // 0 when not about one session
	DueAt       time.Time
	DedupeKey   string // unique, e.g. checkin:c42:2026-12-07
	Status      ReminderStatus
	Attempts    int
	LeaseUntil  time.Time // zero when not leased
	LastError   string
	Payload     string // kind-specific JSON; never answer text
	SentAt      time.Time
	CreatedAt   time.Time
}

// ReminderFilter selects reminders; zero fields match anything.
type ReminderFilter struct {
	Kind        string
	Status      ReminderStatus
	RecipientID int64
	CompanyID   int64
	SessionID   int64
}
