package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

// PortfolioFacts runs six statements, whatever the number of companies.
func (t *tx) PortfolioFacts(ctx context.Context, companyIDs []int64, visitFlows, tags []string) (map[int64]store.CompanyFacts, error) {
	out := make(map[int64]store.CompanyFacts, len(companyIDs))
	for _, id := range companyIDs {
		out[id] = store.CompanyFacts{Tagged: map[string]store.Answer{}}
	}
	ids := nonNil(companyIDs)
	fail := func(what string, err error) (map[int64]store.CompanyFacts, error) {
		return nil, storeErr("portfolio "+what, err)
	}
	type advisor struct {
		company int64
		p       store.Person
	}
	advisors, err := queryAll(ctx, t, func(row pgx.CollectableRow) (advisor, error) {
		var a advisor
		err := row.Scan(&a.company, &a.p.ID, &a.p.Role, &a.p.Name, &a.p.Locale, &a.p.CreatedAt)
		return a, err
	}, `
		SELECT a.company_id, `+personCols+`
		FROM assignments a JOIN people p ON p.id = a.advisor_id
		WHERE a.company_id IN (SELECT unnest($1::bigint[]))
		ORDER BY a.company_id, a.assigned_at DESC, p.id DESC`, ids)
	if err != nil {
		return fail("advisors", err)
	}
	for _, a := range advisors {
		f := out[a.company]
		f.Advisors = append(f.Advisors, a.p)
		out[a.company] = f
	}
	type visit struct {
		company int64
		at      time.Time
	}
	visits, err := queryAll(ctx, t, func(row pgx.CollectableRow) (visit, error) {
		var v visit
		err := row.Scan(&v.company, &v.at)
		return v, err
	}, `
		SELECT company_id, max(completed_at)
		FROM sessions
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND status = 'completed' AND flow_id = ANY ($2)
		GROUP BY company_id`, ids, nonNil(visitFlows))
	if err != nil {
		return fail("visits", err)
	}
	for _, v := range visits {
		f := out[v.company]
		f.LastVisit = v.at
		out[v.company] = f
	}
	answers, err := queryAll(ctx, t, scanCompanyAnswer, `
		SELECT DISTINCT ON (s.company_id, a.tag) s.company_id, `+answerCols+`
		FROM answers a JOIN sessions s ON s.id = a.session_id
		WHERE s.company_id IN (SELECT unnest($1::bigint[])) AND s.status = 'completed' AND a.tag = ANY ($2)
		ORDER BY s.company_id, a.tag, a.at DESC, a.session_id DESC, a.revision DESC`, ids, nonNil(tags))
	if err != nil {
		return fail("answers", err)
	}
	for _, x := range answers {
		out[x.CompanyID].Tagged[x.Tag] = x.Answer
	}
	commitments, err := queryAll(ctx, t, scanCommitment, `
		SELECT DISTINCT ON (company_id) id, company_id, COALESCE(session_id, 0), text,
			COALESCE(to_char(due, 'YYYY-MM-DD'), ''), status, created_at
		FROM commitments
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND status = 'open'
		ORDER BY company_id, created_at DESC, id DESC`, ids)
	if err != nil {
		return fail("commitments", err)
	}
	for _, c := range commitments {
		f := out[c.CompanyID]
		f.Commitment = c
		out[c.CompanyID] = f
	}
	followups, err := queryAll(ctx, t, scanFollowup, `
		SELECT DISTINCT ON (company_id) id, company_id, advisor_id, COALESCE(session_id, 0),
			to_char(due, 'YYYY-MM-DD'), status, created_at
		FROM followups
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND status = 'open'
		ORDER BY company_id, due, id`, ids)
	if err != nil {
		return fail("follow-ups", err)
	}
	for _, x := range followups {
		f := out[x.CompanyID]
		f.NextFollowup = x
		out[x.CompanyID] = f
	}
	referrals, err := queryAll(ctx, t, scanReferral, `
		SELECT DISTINCT ON (company_id) id, company_id, COALESCE(session_id, 0), targets, reason, status, created_at
		FROM referrals
		WHERE company_id IN (SELECT unnest($1::bigint[]))
		ORDER BY company_id, created_at DESC, id DESC`, ids)
	if err != nil {
		return fail("referrals", err)
	}
	for _, r := range referrals {
		f := out[r.CompanyID]
		f.Referral = r
		out[r.CompanyID] = f
	}
	return out, nil
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
	var r store.PeriodRecords
	ids := nonNil(companyIDs)
	fail := func(what string, err error) (store.PeriodRecords, error) {
		return store.PeriodRecords{}, fmt.Errorf("postgres: period %s: %w", what, err)
	}
	var err error
	if r.Sessions, err = queryAll(ctx, t, scanSession, `
		SELECT `+sessionCols+` FROM sessions
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND created_at >= $2 AND created_at < $3
		ORDER BY created_at, id`, ids, from, to); err != nil {
		return fail("sessions", err)
	}
	if r.Answers, err = queryAll(ctx, t, scanCompanyAnswer, `
		SELECT * FROM (
			SELECT DISTINCT ON (a.session_id, a.step_id) s.company_id, `+answerCols+`
			FROM answers a JOIN sessions s ON s.id = a.session_id
			WHERE s.company_id IN (SELECT unnest($1::bigint[])) AND s.status = 'completed'
			  AND s.created_at >= $2 AND s.created_at < $3 AND a.tag = ANY ($4)
			ORDER BY a.session_id, a.step_id, a.revision DESC) latest
		ORDER BY at, session_id, step_id`, ids, from, to, nonNil(tags)); err != nil {
		return fail("answers", err)
	}
	if r.Followups, err = queryAll(ctx, t, scanFollowup, `
		SELECT id, company_id, advisor_id, COALESCE(session_id, 0), to_char(due, 'YYYY-MM-DD'), status, created_at
		FROM followups
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND due >= $2::date AND due < $3::date
		ORDER BY due, id`, ids, from.Format(time.DateOnly), to.Format(time.DateOnly)); err != nil {
		return fail("follow-ups", err)
	}
	if r.SmallWins, err = queryAll(ctx, t, scanSmallWin, `
		SELECT id, company_id, COALESCE(session_id, 0), text, source, created_at
		FROM small_wins
		WHERE company_id IN (SELECT unnest($1::bigint[])) AND created_at >= $2 AND created_at < $3
		ORDER BY created_at, id`, ids, from, to); err != nil {
		return fail("small wins", err)
	}
	return r, nil
}
