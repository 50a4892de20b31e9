package store

import (
	"context"
	"time"
)

// Portfolio is what the web desk reads about many companies at once. Each
// method runs a fixed number of statements whatever the number of
// companies: no query per company.
type Portfolio interface {
	// PortfolioFacts returns the facts of each of companyIDs (every id
	// given has an entry, empty when nothing is known): its advisors, its
	// last completed session of one of visitFlows, the newest answer of
	// each of tags in its completed sessions, its newest open commitment,
	// its earliest open follow-up and its newest referral.
	PortfolioFacts(ctx context.Context, companyIDs []int64, visitFlows, tags []string) (map[int64]CompanyFacts, error)
	// PeriodRecords returns what happened to companyIDs in [from, to): the
	// sessions created then (oldest first), the answers carrying one of tags
	// in those of them that completed (latest revision only), the follow-ups
	// due on a day in [from, to) in the time zone of from, and the small
	// wins recorded then (oldest first).
	PeriodRecords(ctx context.Context, companyIDs []int64, from, to time.Time, tags []string) (PeriodRecords, error)
}

// CompanyFacts are what the portfolio shows about one company. A zero ID
// (or time) means there is none.
type CompanyFacts struct {
	Advisors     []Person          // most recently assigned first
	LastVisit    time.Time         // when the newest completed visit session completed
	Tagged       map[string]Answer // newest answer per tag, in completed sessions
	Commitment   Commitment        // the newest open commitment
	NextFollowup Followup          // the earliest open follow-up
	Referral     Referral          // the newest referral
}

// PeriodRecords are a period's records about a set of companies.
type PeriodRecords struct {
	Sessions  []Session
	Answers   []CompanyAnswer
	Followups []Followup
	SmallWins []SmallWin
}

// CompanyAnswer is an answer with the company its session is about.
type CompanyAnswer struct {
	CompanyID int64
	Answer
}
