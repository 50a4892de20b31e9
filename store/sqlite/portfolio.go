package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
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
	out := make(map[int64]store.CompanyFacts, len(companyIDs))
	for _, id := range companyIDs {
		out[id] = store.CompanyFacts{Tagged: map[string]store.Answer{}}
	}
	ids := jsonList(companyIDs)
	fail := func(what string, err error) (map[int64]store.CompanyFacts, error) {
		return nil, fmt.Errorf("sqlite: portfolio %s: %w", what, err)
	}
	type advisor struct {
		company int64
		p       store.Person
	}
	advisors, err := queryAll(ctx, t, func(r rowScanner) (advisor, error) {
		var a advisor
		err := r.Scan(&a.company, &a.p.ID, &a.p.Role, &a.p.Name, &a.p.Locale, timeCol{&a.p.CreatedAt})
		return a, err
	}, `
		SELECT a.company_id, p.id, p.role, p.name, p.locale, p.created_at
		FROM assignments a JOIN people p ON p.id = a.advisor_id
		WHERE a.company_id IN (SELECT value FROM json_each(?))
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
	visits, err := queryAll(ctx, t, func(r rowScanner) (visit, error) {
		var v visit
		err := r.Scan(&v.company, timeCol{&v.at})
		return v, err
	}, `
		SELECT company_id, max(completed_at)
		FROM sessions
		WHERE company_id IN (SELECT value FROM json_each(?)) AND status = 'completed'
		  AND flow_id IN (SELECT value FROM json_each(?))
		GROUP BY company_id`, ids, jsonList(visitFlows))
	if err != nil {
		return fail("visits", err)
	}
	for _, v := range visits {
		f := out[v.company]
		f.LastVisit = v.at
		out[v.company] = f
	}
	type tagged struct {
		company int64
		a       store.Answer
	}
	answers, err := queryAll(ctx, t, func(r rowScanner) (tagged, error) {
		var x tagged
		err := r.Scan(&x.company, &x.a.SessionID, &x.a.StepID, &x.a.Revision, &x.a.Value, &x.a.Raw, &x.a.Skipped,
			&x.a.Tag, &x.a.Sensitive, idCol{&x.a.ByPersonID}, timeCol{&x.a.At})
		return x, err
	}, `
		SELECT company_id, session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at
		FROM (SELECT s.company_id, a.*, row_number() OVER (
		          PARTITION BY s.company_id, a.tag ORDER BY a.at DESC, a.session_id DESC, a.revision DESC) AS n
		      FROM answers a JOIN sessions s ON s.id = a.session_id
		      WHERE s.company_id IN (SELECT value FROM json_each(?)) AND s.status = 'completed'
		        AND a.tag IN (SELECT value FROM json_each(?)))
		WHERE n = 1`, ids, jsonList(tags))
	if err != nil {
		return fail("answers", err)
	}
	for _, x := range answers {
		out[x.company].Tagged[x.a.Tag] = x.a
	}
	commitments, err := queryAll(ctx, t, scanCommitment, `
		SELECT id, company_id, session_id, text, due, status, created_at
		FROM (SELECT c.*, row_number() OVER (PARTITION BY company_id ORDER BY created_at DESC, id DESC) AS n
		      FROM commitments c
		      WHERE company_id IN (SELECT value FROM json_each(?)) AND status = 'open')
		WHERE n = 1`, ids)
	if err != nil {
		return fail("commitments", err)
	}
	for _, c := range commitments {
		f := out[c.CompanyID]
		f.Commitment = c
		out[c.CompanyID] = f
	}
	followups, err := queryAll(ctx, t, scanFollowup, `
		SELECT id, company_id, advisor_id, session_id, due, status, created_at
		FROM (SELECT f.*, row_number() OVER (PARTITION BY company_id ORDER BY due, id) AS n
		      FROM followups f
		      WHERE company_id IN (SELECT value FROM json_each(?)) AND status = 'open')
		WHERE n = 1`, ids)
	if err != nil {
		return fail("follow-ups", err)
	}
	for _, x := range followups {
		f := out[x.CompanyID]
		f.NextFollowup = x
		out[x.CompanyID] = f
	}
	referrals, err := queryAll(ctx, t, scanReferral, `
		SELECT id, company_id, session_id, targets, reason, status, created_at
		FROM (SELECT r.*, row_number() OVER (PARTITION BY company_id ORDER BY created_at DESC, id DESC) AS n
		      FROM referrals r
		      WHERE company_id IN (SELECT value FROM json_each(?)))
		WHERE n = 1`, ids)
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

// PeriodRecords runs four statements, whatever the number of companies.
func (t *tx) PeriodRecords(ctx context.Context, companyIDs []int64, from, to time.Time, tags []string) (store.PeriodRecords, error) {
	var r store.PeriodRecords
	ids := jsonList(companyIDs)
	fail := func(what string, err error) (store.PeriodRecords, error) {
		return store.PeriodRecords{}, fmt.Errorf("sqlite: period %s: %w", what, err)
	}
	var err error
	if r.Sessions, err = queryAll(ctx, t, scanSession, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions
		WHERE company_id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id`, ids, timeText(from), timeText(to)); err != nil {
		return fail("sessions", err)
	}
	if r.Answers, err = queryAll(ctx, t, func(row rowScanner) (store.CompanyAnswer, error) {
		var x store.CompanyAnswer
		err := row.Scan(&x.CompanyID, &x.SessionID, &x.StepID, &x.Revision, &x.Value, &x.Raw, &x.Skipped,
			&x.Tag, &x.Sensitive, idCol{&x.ByPersonID}, timeCol{&x.At})
		return x, err
	}, `
		SELECT s.company_id, a.session_id, a.step_id, a.revision, a.value, a.raw, a.skipped, a.tag,
		       a.sensitive, a.by_person_id, a.at
		FROM answers a JOIN sessions s ON s.id = a.session_id
		WHERE s.company_id IN (SELECT value FROM json_each(?)) AND s.status = 'completed'
		  AND s.created_at >= ? AND s.created_at < ?
		  AND a.tag IN (SELECT value FROM json_each(?))
		  AND a.revision = (SELECT max(revision) FROM answers l WHERE l.session_id = a.session_id AND l.step_id = a.step_id)
		ORDER BY a.at, a.session_id, a.step_id`, ids, timeText(from), timeText(to), jsonList(tags)); err != nil {
		return fail("answers", err)
	}
	if r.Followups, err = queryAll(ctx, t, scanFollowup, `
		SELECT id, company_id, advisor_id, session_id, due, status, created_at
		FROM followups
		WHERE company_id IN (SELECT value FROM json_each(?)) AND due >= ? AND due < ?
		ORDER BY due, id`, ids, from.Format(time.DateOnly), to.Format(time.DateOnly)); err != nil {
		return fail("follow-ups", err)
	}
	if r.SmallWins, err = queryAll(ctx, t, scanSmallWin, `
		SELECT id, company_id, session_id, text, source, created_at
		FROM small_wins
		WHERE company_id IN (SELECT value FROM json_each(?)) AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id`, ids, timeText(from), timeText(to)); err != nil {
		return fail("small wins", err)
	}
	return r, nil
}
