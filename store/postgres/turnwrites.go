package postgres

import (
	"context"
	"time"

	"github.com/bansou/bansou/store"
)

// FindCompany looks the company up by key and by exact name in one
// statement, preferring the key.
func (t *tx) FindCompany(ctx context.Context, key, name string) (store.Company, error) {
	c, err := queryOne(ctx, t, scanCompany, `
		SELECT `+companyCols+` FROM companies c
		WHERE (c.name_key = $1 AND c.name_key <> '') OR c.name = $2
		ORDER BY (c.name_key = $1 AND c.name_key <> '') DESC, c.id
		LIMIT 1`, key, name)
	return c, storeErr("find company", err)
}

// CreateKeyedCompany inserts c with its key unless its name is taken.
func (t *tx) CreateKeyedCompany(ctx context.Context, c store.Company, key string) (store.Company, error) {
	c.CreatedAt = t.orNow(c.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO companies (name, industry, stage, municipality, created_at, name_key)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (name) DO NOTHING
		RETURNING id`,
		c.Name, c.Industry, c.Stage, c.Municipality, c.CreatedAt, key)
	if err != nil {
		return store.Company{}, storeErr("create company", conflictIfNone(err))
	}
	c.ID = id
	return c, nil
}

// CreateSessionWithAnswers inserts the session and, from arrays, its
// answers and the audit entries of revisions: one statement.
func (t *tx) CreateSessionWithAnswers(ctx context.Context, s store.Session, answers []store.Answer) (store.Session, []store.Answer, error) {
	if s.Status == "" {
		s.Status = store.SessionActive
	}
	s.State = stateOrEmpty(s.State)
	s.CreatedAt = t.orNow(s.CreatedAt)
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	answers = numbered(answers, t.orNow)
	n := len(answers)
	steps, values, raws, tags := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	revisions, by := make([]int32, n), make([]int64, n)
	skipped, sensitive := make([]bool, n), make([]bool, n)
	ats := make([]time.Time, n)
	for i, a := range answers {
		steps[i], values[i], raws[i], tags[i] = a.StepID, a.Value, a.Raw, a.Tag
		revisions[i], by[i], skipped[i], sensitive[i], ats[i] = int32(a.Revision), a.ByPersonID, a.Skipped, a.Sensitive, a.At
	}
	id, err := returningID(ctx, t, `
		WITH s AS (
			INSERT INTO sessions (flow_id, flow_version, mode, company_id, respondent_id, channel,
				status, step, state, version, created_at, updated_at, completed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12)
			ON CONFLICT (respondent_id) WHERE status = 'active' DO NOTHING
			RETURNING id
		), answer AS (
			INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at)
			SELECT s.id, u.step_id, u.revision, u.value, u.raw, u.skipped, u.tag, u.sensitive, NULLIF(u.by_person_id, 0), u.at
			FROM s, unnest($13::text[], $14::int[], $15::text[], $16::text[], $17::bool[], $18::text[], $19::bool[],
				$20::bigint[], $21::timestamptz[]) AS u(step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at)
			RETURNING session_id, step_id, revision, by_person_id, at
		), edit AS (
			INSERT INTO audit_log (actor_id, action, subject, detail, at)
			SELECT by_person_id, 'answer.edit', 'session:' || session_id || '/step:' || step_id,
				'revision ' || revision, at
			FROM answer WHERE revision > 1
		)
		SELECT id FROM s`,
		s.FlowID, s.FlowVersion, s.Mode, nullID(s.CompanyID), s.RespondentID, s.Channel,
		s.Status, s.Step, s.State, s.CreatedAt, s.UpdatedAt, nullTime(s.CompletedAt),
		steps, revisions, values, raws, skipped, tags, sensitive, by, ats)
	if err != nil {
		return store.Session{}, nil, storeErr("create session with answers", conflictIfNone(err))
	}
	s.ID, s.Version = id, 1
	for i := range answers {
		answers[i].SessionID = id
	}
	return s, answers, nil
}

// numbered copies answers with their At set (by orNow) and revisions
// counted per step, in order, from 1.
func numbered(answers []store.Answer, orNow func(time.Time) time.Time) []store.Answer {
	out := make([]store.Answer, len(answers))
	seen := map[string]int{}
	for i, a := range answers {
		seen[a.StepID]++
		a.Revision, a.At = seen[a.StepID], orNow(a.At)
		out[i] = a
	}
	return out
}
