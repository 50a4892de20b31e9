package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/portfolio"
)

// jsonList is a list passed as one parameter, read in SQL with json_each.
func jsonList[T any](xs []T) string {
	if xs == nil {
		return "[]"
	}
	b, _ := json.Marshal(xs) // ints and strings always marshal
	return string(b)
}

// PortfolioFacts runs six statements, whatever the number of companies.
func (t *tx) PortfolioFacts(ctx context.Context, companyIDs []int64, visitFlows, tags []string) (map[int64]store.CompanyFacts, error) {
	out, err := portfolio.Facts(ctx, companyIDs, portfolioReads{t: t, ids: jsonList(companyIDs), flows: jsonList(visitFlows), tags: jsonList(tags)})
	if err != nil {
		return nil, fmt.Errorf("sqlite: portfolio: %w", err)
	}
	return out, nil
}

// portfolioReads are PortfolioFacts' statements; the lists are JSON.
type portfolioReads struct {
	t                *tx
	ids, flows, tags string
}

func (r portfolioReads) Advisors(ctx context.Context) ([]portfolio.Advisor, error) {
	return queryAll(ctx, r.t, func(row rowScanner) (portfolio.Advisor, error) {
		var a portfolio.Advisor
		p := &a.Person
		err := row.Scan(&a.CompanyID, &p.ID, &p.Role, &p.Name, &p.Locale, timeCol{&p.CreatedAt})
		return a, err
	}, `
		SELECT a.company_id, p.id, p.role, p.name, p.locale, p.created_at
		FROM assignments a JOIN people p ON p.id = a.advisor_id
		WHERE a.company_id IN (SELECT value FROM json_each(?))
		ORDER BY a.company_id, a.assigned_at DESC, p.id DESC`, r.ids)
}

func (r portfolioReads) LastVisits(ctx context.Context) ([]portfolio.Visit, error) {
	return queryAll(ctx, r.t, func(row rowScanner) (portfolio.Visit, error) {
		var v portfolio.Visit
		err := row.Scan(&v.CompanyID, timeCol{&v.At})
		return v, err
	}, `
		SELECT company_id, max(completed_at)
		FROM sessions
		WHERE company_id IN (SELECT value FROM json_each(?)) AND status = 'completed'
		  AND flow_id IN (SELECT value FROM json_each(?))
		GROUP BY company_id`, r.ids, r.flows)
}

func (r portfolioReads) Answers(ctx context.Context) ([]store.CompanyAnswer, error) {
	return queryAll(ctx, r.t, scanCompanyAnswer, `
		SELECT company_id, session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at
		FROM (SELECT s.company_id, a.*, row_number() OVER (
		          PARTITION BY s.company_id, a.tag ORDER BY a.at DESC, a.session_id DESC, a.revision DESC) AS n
		      FROM answers a JOIN sessions s ON s.id = a.session_id
		      WHERE s.company_id IN (SELECT value FROM json_each(?)) AND s.status = 'completed'
		        AND a.tag IN (SELECT value FROM json_each(?)))
		WHERE n = 1`, r.ids, r.tags)
}

func (r portfolioReads) Commitments(ctx context.Context) ([]store.Commitment, error) {
	return queryAll(ctx, r.t, scanCommitment, `
		SELECT id, company_id, session_id, text, due, status, created_at
		FROM (SELECT c.*, row_number() OVER (PARTITION BY company_id ORDER BY created_at DESC, id DESC) AS n
		      FROM commitments c
		      WHERE company_id IN (SELECT value FROM json_each(?)) AND status = 'open')
		WHERE n = 1`, r.ids)
}

func (r portfolioReads) Followups(ctx context.Context) ([]store.Followup, error) {
	return queryAll(ctx, r.t, scanFollowup, `
		SELECT id, company_id, advisor_id, session_id, due, status, created_at
		FROM (SELECT f.*, row_number() OVER (PARTITION BY company_id ORDER BY due, id) AS n
		      FROM followups f
		      WHERE company_id IN (SELECT value FROM json_each(?)) AND status = 'open')
		WHERE n = 1`, r.ids)
}

func (r portfolioReads) Referrals(ctx context.Context) ([]store.Referral, error) {
	return queryAll(ctx, r.t, scanReferral, `
		SELECT id, company_id, session_id, targets, reason, status, created_at
		FROM (SELECT r.*, row_number() OVER (PARTITION BY company_id ORDER BY created_at DESC, id DESC) AS n
		      FROM referrals r
		      WHERE company_id IN (SELECT value FROM json_each(?)))
		WHERE n = 1`, r.ids)
}

func scanCompanyAnswer(row rowScanner) (store.CompanyAnswer, error) {
	var x store.CompanyAnswer
	err := row.Scan(&x.CompanyID, &x.SessionID, &x.StepID, &x.Revision, &x.Value, &x.Raw, &x.Skipped,
		&x.Tag, &x.Sensitive, idCol{&x.ByPersonID}, timeCol{&x.At})
	return x, err
}

// PeriodRecords runs four statements, whatever the number of companies.
func (t *tx) PeriodRecords(ctx context.Context, companyIDs []int64, from, to time.Time, tags []string) (store.PeriodRecords, error) {
	r, err := portfolio.Period(ctx, periodReads{t: t, ids: jsonList(companyIDs), from: from, to: to, tags: jsonList(tags)})
	if err != nil {
		return store.PeriodRecords{}, fmt.Errorf("sqlite: period: %w", err)
	}
	return r, nil
}

// periodReads are PeriodRecords' statements; the lists are JSON.
type periodReads struct {
	t         *tx
	ids, tags string
	from, to  time.Time
}

func (r periodReads) Sessions(ctx context.Context) ([]store.Session, error) {
	return queryAll(ctx, r.t, scanSession, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions
		WHERE company_id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id`, r.ids, timeText(r.from), timeText(r.to))
}

func (r periodReads) Answers(ctx context.Context) ([]store.CompanyAnswer, error) {
	return queryAll(ctx, r.t, scanCompanyAnswer, `
		SELECT s.company_id, a.session_id, a.step_id, a.revision, a.value, a.raw, a.skipped, a.tag,
		       a.sensitive, a.by_person_id, a.at
		FROM answers a JOIN sessions s ON s.id = a.session_id
		WHERE s.company_id IN (SELECT value FROM json_each(?)) AND s.status = 'completed'
		  AND s.created_at >= ? AND s.created_at < ?
		  AND a.tag IN (SELECT value FROM json_each(?))
		  AND a.revision = (SELECT max(revision) FROM answers l WHERE l.session_id = a.session_id AND l.step_id = a.step_id)
		ORDER BY a.at, a.session_id, a.step_id`, r.ids, timeText(r.from), timeText(r.to), r.tags)
}

func (r periodReads) Followups(ctx context.Context) ([]store.Followup, error) {
	return queryAll(ctx, r.t, scanFollowup, `
		SELECT id, company_id, advisor_id, session_id, due, status, created_at
		FROM followups
		WHERE company_id IN (SELECT value FROM json_each(?)) AND due >= ? AND due < ?
		ORDER BY due, id`, r.ids, r.from.Format(time.DateOnly), r.to.Format(time.DateOnly))
}

func (r periodReads) SmallWins(ctx context.Context) ([]store.SmallWin, error) {
	return queryAll(ctx, r.t, scanSmallWin, `
		SELECT id, company_id, session_id, text, source, created_at
		FROM small_wins
		WHERE company_id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id`, r.ids, timeText(r.from), timeText(r.to))
}
