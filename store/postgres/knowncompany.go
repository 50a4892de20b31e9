package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// FindCompanyFor is FindCompany with the person's assignment beside it: one
// statement (the assignment is a primary-key probe).
func (t *tx) FindCompanyFor(ctx context.Context, key, name string, personID int64) (store.Company, bool, error) {
	var c store.Company
	var assigned bool
	err := t.tx.QueryRow(ctx, `
		SELECT `+companyCols+`,
			EXISTS (SELECT 1 FROM assignments a WHERE a.company_id = c.id AND a.advisor_id = $3)
		FROM companies c
		WHERE (c.name_key = $1 AND c.name_key <> '') OR c.name = $2
		ORDER BY (c.name_key = $1 AND c.name_key <> '') DESC, c.id
		LIMIT 1`, key, name, personID).
		Scan(&c.ID, &c.Name, &c.Industry, &c.Stage, &c.Municipality, &c.CreatedAt, &assigned)
	return c, assigned, storeErr("find company for", err)
}

// answerJSON is the answer a as a JSON object whose keys are store.Answer's
// field names, so it decodes into one.
const answerJSON = `json_build_object('SessionID', a.session_id, 'StepID', a.step_id, 'Revision', a.revision,
	'Value', a.value, 'Raw', a.raw, 'Skipped', a.skipped, 'Tag', a.tag, 'Sensitive', a.sensitive,
	'ByPersonID', a.by_person_id, 'At', a.at)`

// companyMemorySQL reads a company's memory in one statement, each part a
// subquery bounded by the company's own rows: its latest commitment
// (commitments_company), the newest answer of each tag in $2 (its completed
// sessions, then answers_session_tag, like LatestTagged), the newest
// completed session of the check-in flow $3 (sessions_company_flow, one
// index step) with its answers, and the handover memos for $4 not shown
// yet (handovers_company) with theirs. Rows come back as JSON objects keyed
// by the store's field names.
const companyMemorySQL = `
	SELECT
		(SELECT json_build_object('ID', c.id, 'CompanyID', c.company_id, 'SessionID', c.session_id,
				'Text', c.text, 'Due', COALESCE(to_char(c.due, 'YYYY-MM-DD'), ''), 'Status', c.status,
				'CreatedAt', c.created_at)
			FROM commitments c
			WHERE c.company_id = $1
			ORDER BY c.created_at DESC, c.id DESC
			LIMIT 1),
		(SELECT json_agg(` + answerJSON + `)
			FROM unnest($2::text[]) want(tag) CROSS JOIN LATERAL (
				SELECT l.* FROM sessions s CROSS JOIN LATERAL (
					SELECT * FROM answers
					WHERE session_id = s.id AND tag = want.tag
					ORDER BY at DESC, revision DESC
					LIMIT 1
				) l
				WHERE s.company_id = $1 AND s.status = 'completed'
				ORDER BY l.at DESC, l.session_id DESC, l.revision DESC
				LIMIT 1
			) a),
		(SELECT json_build_object(
				'Session', json_build_object('ID', s.id, 'FlowID', s.flow_id, 'FlowVersion', s.flow_version,
					'Mode', s.mode, 'CompanyID', s.company_id, 'RespondentID', s.respondent_id,
					'Channel', s.channel, 'Status', s.status, 'Step', s.step, 'Version', s.version,
					'CreatedAt', s.created_at, 'UpdatedAt', s.updated_at, 'CompletedAt', s.completed_at),
				'Answers', (SELECT json_agg(` + answerJSON + ` ORDER BY a.step_id, a.revision)
					FROM answers a WHERE a.session_id = s.id))
			FROM sessions s
			WHERE s.company_id = $1 AND s.flow_id = $3 AND s.status = 'completed'
			ORDER BY s.created_at DESC, s.id DESC
			LIMIT 1),
		(SELECT json_agg(json_build_object(
				'Handover', json_build_object('ID', h.id, 'CompanyID', h.company_id, 'FromID', h.from_id,
					'ToID', h.to_id, 'ByID', h.by_id, 'At', h.at, 'MemoSessionID', h.memo_session_id,
					'MemoShownAt', h.memo_shown_at, 'OwnerToldAt', h.owner_told_at),
				'Written', m.status = 'completed',
				'FromName', COALESCE(p.name, ''),
				'Answers', (SELECT json_agg(` + answerJSON + ` ORDER BY a.step_id, a.revision)
					FROM answers a WHERE a.session_id = m.id))
				ORDER BY h.at, h.id)
			FROM handovers h
			JOIN sessions m ON m.id = h.memo_session_id
			LEFT JOIN people p ON p.id = h.from_id
			WHERE h.company_id = $1 AND h.to_id = $4 AND h.memo_shown_at IS NULL)`

// CompanyMemory reads the company's memory in one statement
// (companyMemorySQL).
func (t *tx) CompanyMemory(ctx context.Context, q store.MemoryQuery) (store.Memory, error) {
	var commitment, tagged, checkin, memos []byte
	tags := q.Tags
	if tags == nil {
		tags = []string{}
	}
	err := t.tx.QueryRow(ctx, companyMemorySQL, q.CompanyID, tags, q.CheckinFlow, q.MemosFor).
		Scan(&commitment, &tagged, &checkin, &memos)
	if err != nil {
		return store.Memory{}, storeErr("company memory", err)
	}
	m, err := decodeMemory(commitment, tagged, checkin, memos)
	if err != nil {
		return store.Memory{}, fmt.Errorf("postgres: company memory of %d: %w", q.CompanyID, err)
	}
	return m, nil
}

// decodeMemory decodes the JSON columns of companyMemorySQL (NULL when a
// part has no row) and puts every time in UTC, as the store's scans do.
func decodeMemory(commitment, tagged, checkin, memos []byte) (store.Memory, error) {
	var m store.Memory
	var answers []store.Answer
	var ck struct {
		Session store.Session
		Answers []store.Answer
	}
	for _, part := range []struct {
		raw []byte
		v   any
	}{{commitment, &m.Commitment}, {tagged, &answers}, {checkin, &ck}, {memos, &m.Memos}} {
		if part.raw == nil {
			continue
		}
		if err := json.Unmarshal(part.raw, part.v); err != nil {
			return m, err
		}
	}
	m.Commitment.CreatedAt = utc(m.Commitment.CreatedAt)
	m.Tagged = make(map[string]store.Answer, len(answers))
	for _, a := range utcAnswers(answers) {
		m.Tagged[a.Tag] = a
	}
	s := &ck.Session
	s.CreatedAt, s.UpdatedAt, s.CompletedAt = utc(s.CreatedAt), utc(s.UpdatedAt), utc(s.CompletedAt)
	m.Checkin, m.CheckinAnswers = ck.Session, utcAnswers(ck.Answers)
	for i := range m.Memos {
		h := &m.Memos[i].Handover
		h.At, h.MemoShownAt, h.OwnerToldAt = utc(h.At), utc(h.MemoShownAt), utc(h.OwnerToldAt)
		m.Memos[i].Answers = utcAnswers(m.Memos[i].Answers)
	}
	return m, nil
}

// utc is t in UTC; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func utcAnswers(as []store.Answer) []store.Answer {
	for i := range as {
		as[i].At = utc(as[i].At)
	}
	return as
}
