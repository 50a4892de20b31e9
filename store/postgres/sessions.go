package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/internal/sqlval"
)

const sessionCols = `id, flow_id, flow_version, mode, COALESCE(company_id, 0), respondent_id, channel,
	status, step, state, version, created_at, updated_at, completed_at`

func scanSession(row pgx.CollectableRow) (store.Session, error) {
	var s store.Session
	var completed *time.Time
	err := row.Scan(&s.ID, &s.FlowID, &s.FlowVersion, &s.Mode, &s.CompanyID, &s.RespondentID, &s.Channel,
		&s.Status, &s.Step, &s.State, &s.Version, &s.CreatedAt, &s.UpdatedAt, &completed)
	s.CompletedAt = timeOrZero(completed)
	return s, err
}

func (t *tx) ActiveSession(ctx context.Context, respondentID int64) (store.Session, error) {
	s, err := queryOne(ctx, t, scanSession, `
		SELECT `+sessionCols+` FROM sessions
		WHERE respondent_id = $1 AND status = 'active'`, respondentID)
	return s, storeErr("active session", err)
}

func (t *tx) Session(ctx context.Context, id int64) (store.Session, error) {
	s, err := queryOne(ctx, t, scanSession, `SELECT `+sessionCols+` FROM sessions WHERE id = $1`, id)
	return s, storeErr("session", err)
}

// CreateSession inserts s at version 1 unless it would be the respondent's
// second active session (store.ErrConflict, and the transaction stays
// usable). An empty status means active, an empty state {}, a zero
// CreatedAt now and a zero UpdatedAt CreatedAt.
func (t *tx) CreateSession(ctx context.Context, s store.Session) (store.Session, error) {
	if s.Status == "" {
		s.Status = store.SessionActive
	}
	s.State = stateOrEmpty(s.State)
	s.CreatedAt = t.orNow(s.CreatedAt)
	if s.UpdatedAt.IsZero() {
		s.UpdatedAt = s.CreatedAt
	}
	id, err := returningID(ctx, t, `
		INSERT INTO sessions (flow_id, flow_version, mode, company_id, respondent_id, channel,
			status, step, state, version, created_at, updated_at, completed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12)
		ON CONFLICT (respondent_id) WHERE status = 'active' DO NOTHING
		RETURNING id`,
		s.FlowID, s.FlowVersion, s.Mode, sqlval.NullID(s.CompanyID), s.RespondentID, s.Channel,
		s.Status, s.Step, s.State, s.CreatedAt, s.UpdatedAt, nullTime(s.CompletedAt))
	if err != nil {
		return store.Session{}, storeErr("create session", conflictIfNone(err))
	}
	s.ID, s.Version = id, 1
	return s, nil
}

// UpdateSession saves s only if the stored version is still s.Version. A
// racing transaction that updated the row first makes this one wait for its
// commit; PostgreSQL then re-checks the WHERE clause against the new row,
// finds the version moved on and updates nothing: store.ErrConflict.
func (t *tx) UpdateSession(ctx context.Context, s store.Session) (store.Session, error) {
	s.State = stateOrEmpty(s.State)
	s.UpdatedAt = t.orNow(s.UpdatedAt)
	var version int
	err := t.tx.QueryRow(ctx, `
		UPDATE sessions SET flow_id = $3, flow_version = $4, mode = $5, company_id = $6, channel = $7,
			status = $8, step = $9, state = $10, updated_at = $11, completed_at = $12,
			version = version + 1
		WHERE id = $1 AND version = $2
		RETURNING version`,
		s.ID, s.Version, s.FlowID, s.FlowVersion, s.Mode, sqlval.NullID(s.CompanyID), s.Channel,
		s.Status, s.Step, s.State, s.UpdatedAt, nullTime(s.CompletedAt)).Scan(&version)
	if err != nil {
		return store.Session{}, storeErr("update session", conflictIfNone(err))
	}
	s.Version = version
	return s, nil
}

// stateOrEmpty is the engine state to store: an empty one is {}.
func stateOrEmpty(state []byte) []byte {
	if len(state) == 0 {
		return []byte("{}")
	}
	return state
}

func (t *tx) CompanySessions(ctx context.Context, companyID int64) ([]store.Session, error) {
	ss, err := queryAll(ctx, t, scanSession, `
		SELECT `+sessionCols+` FROM sessions
		WHERE company_id = $1
		ORDER BY created_at DESC, id DESC`, companyID)
	return ss, storeErr("sessions of company", err)
}

func (t *tx) SessionsBetween(ctx context.Context, from, to time.Time) ([]store.Session, error) {
	ss, err := queryAll(ctx, t, scanSession, `
		SELECT `+sessionCols+` FROM sessions
		WHERE created_at >= $1 AND created_at < $2
		ORDER BY created_at, id`, from, to)
	return ss, storeErr("sessions between", err)
}
