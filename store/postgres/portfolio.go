package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/portfolio"
)

// PortfolioFacts runs six statements, whatever the number of companies.
func (t *tx) PortfolioFacts(ctx context.Context, companyIDs []int64, visitFlows, tags []string) (map[int64]store.CompanyFacts, error) {
	out, err := portfolio.Facts(ctx, companyIDs, portfolioReads{t: t, ids: nonNil(companyIDs), flows: nonNil(visitFlows), tags: nonNil(tags)})
	return out, storeErr("portfolio", err)
}

// portfolioReads are PortfolioFacts' statements.
type portfolioReads struct {
	t           *tx
	ids         []int64
	flows, tags []string
}

func (r portfolioReads) Advisors(ctx context.Context) ([]portfolio.Advisor, error) {
	return queryAll(ctx, r.t, func(row pgx.CollectableRow) (portfolio.Advisor, error) {
		var a portfolio.Advisor
		p := &a.Person
		err := row.Scan(&a.CompanyID, &p.ID, &p.Role, &p.Name, &p.Locale, &p.CreatedAt)
		return a, err
	}, `
		SELECT a.company_id, `+personCols+`
		FROM assignments a JOIN people p ON p.id = a.advisor_id
		WHERE a.company_id IN (SELECT unnest($1::bigint[]))
		ORDER BY a.company_id, a.assigned_at DESC, p.id DESC`, r.ids)
}

func (r portfolioReads) LastVisits(ctx context.Context) ([]portfolio.Visit, error) {
	return queryAll(ctx, r.t, pgx.RowToStructByPos[portfolio.Visit], `
		SELECT company_id, max(completed_at)
		FROM sessions
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND status = 'completed' AND flow_id = ANY ($2)
		GROUP BY company_id`, r.ids, r.flows)
}

func (r portfolioReads) Answers(ctx context.Context) ([]store.CompanyAnswer, error) {
	return queryAll(ctx, r.t, scanCompanyAnswer, `
		SELECT DISTINCT ON (s.company_id, a.tag) s.company_id, `+answerCols+`
		FROM answers a JOIN sessions s ON s.id = a.session_id
		WHERE s.company_id IN (SELECT unnest($1::bigint[])) AND s.status = 'completed' AND a.tag = ANY ($2)
		ORDER BY s.company_id, a.tag, a.at DESC, a.session_id DESC, a.revision DESC`, r.ids, r.tags)
}

func (r portfolioReads) Commitments(ctx context.Context) ([]store.Commitment, error) {
	return queryAll(ctx, r.t, scanCommitment, `
		SELECT DISTINCT ON (company_id) id, company_id, COALESCE(session_id, 0), text,
			COALESCE(to_char(due, 'YYYY-MM-DD'), ''), status, created_at
		FROM commitments
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND status = 'open'
		ORDER BY company_id, created_at DESC, id DESC`, r.ids)
}

func (r portfolioReads) Followups(ctx context.Context) ([]store.Followup, error) {
	return queryAll(ctx, r.t, scanFollowup, `
		SELECT DISTINCT ON (company_id) id, company_id, advisor_id, COALESCE(session_id, 0),
			to_char(due, 'YYYY-MM-DD'), status, created_at
		FROM followups
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND status = 'open'
		ORDER BY company_id, due, id`, r.ids)
}

func (r portfolioReads) Referrals(ctx context.Context) ([]store.Referral, error) {
	return queryAll(ctx, r.t, scanReferral, `
		SELECT DISTINCT ON (company_id) id, company_id, COALESCE(session_id, 0), targets, reason, status, created_at
		FROM referrals
		WHERE company_id IN (SELECT unnest($1::bigint[]))
		ORDER BY company_id, created_at DESC, id DESC`, r.ids)
}

func scanCompanyAnswer(row pgx.CollectableRow) (store.CompanyAnswer, error) {
	var x store.CompanyAnswer
	err := row.Scan(&x.CompanyID, &x.SessionID, &x.StepID, &x.Revision, &x.Value, &x.Raw, &x.Skipped, &x.Tag,
		&x.Sensitive, &x.ByPersonID, &x.At)
	return x, err
}

// nonNil keeps a nil list from being sent as NULL (= ANY (NULL) is never
// true, which is right, but an empty array says what is meant).
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// PeriodRecords runs four statements, whatever the number of companies.
func (t *tx) PeriodRecords(ctx context.Context, companyIDs []int64, from, to time.Time, tags []string) (store.PeriodRecords, error) {
	r, err := portfolio.Period(ctx, periodReads{t: t, ids: nonNil(companyIDs), from: from, to: to, tags: nonNil(tags)})
	return r, storeErr("period", err)
}

// periodReads are PeriodRecords' statements.
type periodReads struct {
	t        *tx
	ids      []int64
	from, to time.Time
	tags     []string
}

func (r periodReads) Sessions(ctx context.Context) ([]store.Session, error) {
	return queryAll(ctx, r.t, scanSession, `
		SELECT `+sessionCols+` FROM sessions
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND created_at >= $2 AND created_at < $3
		ORDER BY created_at, id`, r.ids, r.from, r.to)
}

func (r periodReads) Answers(ctx context.Context) ([]store.CompanyAnswer, error) {
	return queryAll(ctx, r.t, scanCompanyAnswer, `
		SELECT * FROM (
			SELECT DISTINCT ON (a.session_id, a.step_id) s.company_id, `+answerCols+`
			FROM answers a JOIN sessions s ON s.id = a.session_id
			WHERE s.company_id IN (SELECT unnest($1::bigint[])) AND s.status = 'completed'
			  AND s.created_at >= $2 AND s.created_at < $3 AND a.tag = ANY ($4)
			ORDER BY a.session_id, a.step_id, a.revision DESC) latest
		ORDER BY at, session_id, step_id`, r.ids, r.from, r.to, r.tags)
}

func (r periodReads) Followups(ctx context.Context) ([]store.Followup, error) {
	return queryAll(ctx, r.t, scanFollowup, `
		SELECT id, company_id, advisor_id, COALESCE(session_id, 0), to_char(due, 'YYYY-MM-DD'), status, created_at
		FROM followups
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND due >= $2::date AND due < $3::date
		ORDER BY due, id`, r.ids, r.from.Format(time.DateOnly), r.to.Format(time.DateOnly))
}

func (r periodReads) SmallWins(ctx context.Context) ([]store.SmallWin, error) {
	return queryAll(ctx, r.t, scanSmallWin, `
		SELECT id, company_id, COALESCE(session_id, 0), text, source, created_at
		FROM small_wins
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND created_at >= $2 AND created_at < $3
		ORDER BY created_at, id`, r.ids, r.from, r.to)
}
