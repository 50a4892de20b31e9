// Package portfolio assembles the facts about many companies
// (store.Tx.PortfolioFacts) from the rows a SQL backend reads with one
// statement per kind of record. The backends keep the SQL; the assembly is
// written once, here.
package portfolio

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// Reader reads, for the companies asked about, one kind of row per
// method, each with a single statement.
type Reader interface {
	// Advisors are the companies' advisors, by company, the most recently
	// assigned first.
	Advisors(ctx context.Context) ([]Advisor, error)
	// LastVisits are when each company's newest completed visit session
	// completed (companies without one are left out).
	LastVisits(ctx context.Context) ([]Visit, error)
	// Answers are the newest answer per company and tag, in completed
	// sessions.
	Answers(ctx context.Context) ([]store.CompanyAnswer, error)
	// Commitments are the newest open commitment per company.
	Commitments(ctx context.Context) ([]store.Commitment, error)
	// Followups are the earliest open follow-up per company.
	Followups(ctx context.Context) ([]store.Followup, error)
	// Referrals are the newest referral per company.
	Referrals(ctx context.Context) ([]store.Referral, error)
}

// Advisor is one company's advisor.
type Advisor struct {
	CompanyID int64
	Person    store.Person
}

// Visit is when a company's newest completed visit completed.
type Visit struct {
	CompanyID int64
	At        time.Time
}

// Facts reads through r and assembles the facts by company; every id in
// companyIDs has an entry, with a non-nil Tagged map.
func Facts(ctx context.Context, companyIDs []int64, r Reader) (map[int64]store.CompanyFacts, error) {
	fs := facts{}
	for _, id := range companyIDs {
		fs.of(id)
	}
	if err := fs.addPeople(ctx, r); err != nil {
		return nil, err
	}
	if err := fs.addRecords(ctx, r); err != nil {
		return nil, err
	}
	out := make(map[int64]store.CompanyFacts, len(fs))
	for id, f := range fs {
		out[id] = *f
	}
	return out, nil
}

// facts are the facts being assembled, by company.
type facts map[int64]*store.CompanyFacts

// of is company id's facts, created on first use.
func (fs facts) of(id int64) *store.CompanyFacts {
	f, ok := fs[id]
	if !ok {
		f = &store.CompanyFacts{Tagged: map[string]store.Answer{}}
		fs[id] = f
	}
	return f
}

// addPeople adds the advisors, the last visits and the tagged answers.
func (fs facts) addPeople(ctx context.Context, r Reader) error {
	advisors, err := r.Advisors(ctx)
	if err != nil {
		return fmt.Errorf("advisors: %w", err)
	}
	for _, a := range advisors {
		f := fs.of(a.CompanyID)
		f.Advisors = append(f.Advisors, a.Person)
	}
	visits, err := r.LastVisits(ctx)
	if err != nil {
		return fmt.Errorf("visits: %w", err)
	}
	for _, v := range visits {
		fs.of(v.CompanyID).LastVisit = v.At
	}
	answers, err := r.Answers(ctx)
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	for _, x := range answers {
		fs.of(x.CompanyID).Tagged[x.Tag] = x.Answer
	}
	return nil
}

// addRecords adds the open commitment, the next follow-up and the
// referral.
func (fs facts) addRecords(ctx context.Context, r Reader) error {
	commitments, err := r.Commitments(ctx)
	if err != nil {
		return fmt.Errorf("commitments: %w", err)
	}
	for _, c := range commitments {
		fs.of(c.CompanyID).Commitment = c
	}
	followups, err := r.Followups(ctx)
	if err != nil {
		return fmt.Errorf("follow-ups: %w", err)
	}
	for _, x := range followups {
		fs.of(x.CompanyID).NextFollowup = x
	}
	referrals, err := r.Referrals(ctx)
	if err != nil {
		return fmt.Errorf("referrals: %w", err)
	}
	for _, x := range referrals {
		fs.of(x.CompanyID).Referral = x
	}
	return nil
}
