package store

import "context"

// KnownCompany is what choosing a company that bansou already knows needs:
// the company with whether the person is assigned to it (so the access rule
// decides without another query), and its memory in one read. Each is one
// statement on PostgreSQL; SQLite may run a few bounded statements.
type KnownCompany interface {
	// FindCompanyFor is FindCompany that also reports whether personID is
	// assigned to the company found (like IsAssigned). ErrNotFound when no
	// company is found.
	FindCompanyFor(ctx context.Context, key, name string, personID int64) (c Company, assigned bool, err error)
	// CompanyMemory reads what bansou remembers of q.CompanyID (see
	// Memory). Every part is bounded by the company's own records, never by
	// other companies' history; a company with no records has an empty
	// memory, not ErrNotFound.
	CompanyMemory(ctx context.Context, q MemoryQuery) (Memory, error)
}

// MemoryQuery says which company's memory to read, and what of it.
type MemoryQuery struct {
	CompanyID int64
	// Tags whose newest answer in a completed session about the company is
	// wanted (like LatestTagged).
	Tags []string
	// CheckinFlow is the flow id of the owner's check-ins: the newest
	// completed session of it about the company is read with its answers.
	// Empty: none is read.
	CheckinFlow string
	// MemosFor is the person whose handover memos are read (those handed
	// to them and not shown yet). 0: none are read.
	MemosFor int64
}

// Memory is what bansou remembers of a company.
type Memory struct {
	// Commitment is the latest commitment (like LatestCommitment); its ID
	// is 0 when the company has none.
	Commitment Commitment
	// Tagged holds, for each asked tag that has one, the newest answer
	// carrying it (like LatestTagged). Tags without an answer are absent.
	Tagged map[string]Answer
	// Checkin is the newest completed session of the check-in flow about
	// the company, newest by CreatedAt then ID like CompanySessions, without
	// its State; its ID is 0 when there is none. CheckinAnswers are its
	// answers like Answers (by step, then revision).
	Checkin        Session
	CheckinAnswers []Answer
	// Memos are the handovers of the company to MemosFor whose memo session
	// is set and that were not shown yet (MemoShownAt zero), oldest first
	// (At, then ID), with their memos.
	Memos []HandoverMemo
}

// HandoverMemo is a handover with the memo the previous advisor writes.
type HandoverMemo struct {
	Handover Handover
	// Written: the memo session is completed. Answers are its answers like
	// Answers (by step, then revision).
	Written bool
	Answers []Answer
	// FromName is the previous advisor's name ("" when they have none or
	// there was no previous advisor).
	FromName string
}
