package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

func (t *tx) ActiveSession(ctx context.Context, respondentID int64) (store.Session, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions WHERE respondent_id = ? AND status = 'active'`, respondentID)
	s, err := scanSession(row)
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: active session of %d: %w", respondentID, storeErr(err))
	}
	return s, nil
}

func (t *tx) Session(ctx context.Context, id int64) (store.Session, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions WHERE id = ?`, id)
	s, err := scanSession(row)
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: session %d: %w", id, storeErr(err))
	}
	return s, nil
}

func scanSession(row rowScanner) (store.Session, error) {
	var s store.Session
	var state string
	err := row.Scan(&s.ID, &s.FlowID, &s.FlowVersion, &s.Mode, idCol{&s.CompanyID}, &s.RespondentID,
		&s.Channel, &s.Status, &s.Step, &state, &s.Version,
		timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt}, timeCol{&s.CompletedAt})
	s.State = []byte(state)
	return s, err
}

// CreateSession stores s as version 1. An empty status means active, empty
// state means {}, and zero times mean now.
func (t *tx) CreateSession(ctx context.Context, s store.Session) (store.Session, error) {
	if s.Status == "" {
		s.Status = store.SessionActive
	}
	if len(s.State) == 0 {
		s.State = []byte("{}")
	}
	s.CreatedAt = t.orNow(s.CreatedAt)
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	s.Version = 1
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO sessions (flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		                      step, state, version, created_at, updated_at, completed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
		RETURNING id`,
		s.FlowID, s.FlowVersion, s.Mode, sqlval.NullID(s.CompanyID), s.RespondentID, s.Channel, s.Status,
		s.Step, string(s.State), timeText(s.CreatedAt), timeText(s.UpdatedAt), nullTime(s.CompletedAt),
	).Scan(&s.ID)
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: create session: %w", storeErr(err))
	}
	return s, nil
}

// UpdateSession saves s if the stored version is still s.Version. The
// respondent and creation time never change.
func (t *tx) UpdateSession(ctx context.Context, s store.Session) (store.Session, error) {
	if len(s.State) == 0 {
		s.State = []byte("{}")
	}
	s.UpdatedAt = t.orNow(s.UpdatedAt)
	res, err := t.tx.ExecContext(ctx, `
		UPDATE sessions
		SET flow_id = ?, flow_version = ?, mode = ?, company_id = ?, channel = ?, status = ?,
		    step = ?, state = ?, updated_at = ?, completed_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		s.FlowID, s.FlowVersion, s.Mode, sqlval.NullID(s.CompanyID), s.Channel, s.Status,
		s.Step, string(s.State), timeText(s.UpdatedAt), nullTime(s.CompletedAt),
		s.ID, s.Version)
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: update session %d: %w", s.ID, storeErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: update session %d: %w", s.ID, err)
	}
	if n == 0 {
		return store.Session{}, fmt.Errorf("sqlite: update session %d at version %d: %w", s.ID, s.Version, store.ErrConflict)
	}
	s.Version++
	return s, nil
}

func (t *tx) CompanySessions(ctx context.Context, companyID int64) ([]store.Session, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions WHERE company_id = ?
		ORDER BY created_at DESC, id DESC`, companyID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: sessions of company %d: %w", companyID, err)
	}
	sessions, err := collect(rows, scanSession)
	if err != nil {
		return nil, fmt.Errorf("sqlite: sessions of company %d: %w", companyID, err)
	}
	return sessions, nil
}

// SessionsBetween lists the sessions created in [from, to), oldest first.
func (t *tx) SessionsBetween(ctx context.Context, from, to time.Time) ([]store.Session, error) {
	sessions, err := queryAll(ctx, t, scanSession, `
		SELECT id, flow_id, flow_version, mode, company_id, respondent_id, channel, status,
		       step, state, version, created_at, updated_at, completed_at
		FROM sessions WHERE created_at >= ? AND created_at < ?
		ORDER BY created_at, id`, timeText(from), timeText(to))
	if err != nil {
		return nil, fmt.Errorf("sqlite: sessions between %v and %v: %w", from, to, err)
	}
	return sessions, nil
}
