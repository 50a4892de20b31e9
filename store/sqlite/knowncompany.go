package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/bansou/bansou/store"
)

// FindCompanyFor is FindCompany with the person's assignment beside it, in
// one statement.
func (t *tx) FindCompanyFor(ctx context.Context, key, name string, personID int64) (store.Company, bool, error) {
	var c store.Company
	var assigned bool
	err := t.tx.QueryRowContext(ctx, `
		SELECT c.id, c.name, c.industry, c.stage, c.municipality, c.created_at,
			EXISTS (SELECT 1 FROM assignments a WHERE a.company_id = c.id AND a.advisor_id = ?)
		FROM companies c
		WHERE (c.name_key = ? AND c.name_key <> '') OR c.name = ?
		ORDER BY (c.name_key = ? AND c.name_key <> '') DESC, c.id
		LIMIT 1`, personID, key, name, key).
		Scan(&c.ID, &c.Name, &c.Industry, &c.Stage, &c.Municipality, timeCol{&c.CreatedAt}, &assigned)
	if err != nil {
		return store.Company{}, false, fmt.Errorf("sqlite: find company for %d: %w", personID, storeErr(err))
	}
	return c, assigned, nil
}

// CompanyMemory runs one statement per part (one per tag), plus one per
// handover memo shown: each bounded by the company's own rows.
func (t *tx) CompanyMemory(ctx context.Context, q store.MemoryQuery) (store.Memory, error) {
	m := store.Memory{Tagged: make(map[string]store.Answer, len(q.Tags))}
	c, err := t.LatestCommitment(ctx, q.CompanyID)
	switch {
	case err == nil:
		m.Commitment = c
	case !errors.Is(err, store.ErrNotFound):
		return m, err
	}
	for _, tag := range q.Tags {
		a, err := t.LatestTagged(ctx, q.CompanyID, tag)
		switch {
		case err == nil:
			m.Tagged[tag] = a
		case !errors.Is(err, store.ErrNotFound):
			return m, err
		}
	}
	if q.CheckinFlow != "" {
		if m.Checkin, m.CheckinAnswers, err = t.latestCompleted(ctx, q.CompanyID, q.CheckinFlow); err != nil {
			return m, err
		}
	}
	if q.MemosFor != 0 {
		if m.Memos, err = t.memosFor(ctx, q.CompanyID, q.MemosFor); err != nil {
			return m, err
		}
	}
	return m, nil
}

// latestCompleted is the company's newest completed session of flowID
// (sessions_company_flow) with its answers; a zero session when none.
func (t *tx) latestCompleted(ctx context.Context, companyID int64, flowID string) (store.Session, []store.Answer, error) {
	s, err := scanSession(t.tx.QueryRowContext(ctx, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, '{}', version, created_at, updated_at, completed_at
		FROM sessions
		WHERE company_id = ? AND flow_id = ? AND status = 'completed'
		ORDER BY created_at DESC, id DESC
		LIMIT 1`, companyID, flowID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return store.Session{}, nil, nil
	case err != nil:
		return s, nil, fmt.Errorf("sqlite: latest %s of company %d: %w", flowID, companyID, err)
	}
	s.State = nil
	answers, err := t.Answers(ctx, s.ID)
	return s, answers, err
}

// memosFor lists the company's handovers to personID with a memo not shown
// yet, each with its memo's answers and the previous advisor's name.
func (t *tx) memosFor(ctx context.Context, companyID, personID int64) ([]store.HandoverMemo, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT h.id, h.company_id, h.from_id, h.to_id, h.by_id, h.at, h.memo_session_id, h.memo_shown_at,
		       h.owner_told_at, m.status = 'completed', COALESCE(p.name, '')
		FROM handovers h
		JOIN sessions m ON m.id = h.memo_session_id
		LEFT JOIN people p ON p.id = h.from_id
		WHERE h.company_id = ? AND h.to_id = ? AND h.memo_shown_at IS NULL
		ORDER BY h.at, h.id`, companyID, personID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: memos of company %d: %w", companyID, err)
	}
	memos, err := collect(rows, func(row rowScanner) (store.HandoverMemo, error) {
		var m store.HandoverMemo
		h := &m.Handover
		err := row.Scan(&h.ID, &h.CompanyID, idCol{&h.FromID}, &h.ToID, idCol{&h.ByID}, timeCol{&h.At},
			idCol{&h.MemoSessionID}, timeCol{&h.MemoShownAt}, timeCol{&h.OwnerToldAt}, &m.Written, &m.FromName)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: memos of company %d: %w", companyID, err)
	}
	for i := range memos {
		if memos[i].Answers, err = t.Answers(ctx, memos[i].Handover.MemoSessionID); err != nil {
			return nil, err
		}
	}
	return memos, nil
}
