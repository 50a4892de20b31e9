package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

// OpenTurn sends, in one round trip (with the transaction's BEGIN), the
// event's insert (not for an added inbox row: its dedupe key is the
// event's record), the inbox row's done-marking (as FinishInbox: the
// commit need not wait for the WAL flush, since a turn lost in a crash
// leaves its row pending and runs again) or the insert of a row already
// done (under the person's lock, committed with the WAL flushed: it is
// what makes the event durable), and one SELECT of the person joined with
// their active session.
func (t *tx) OpenTurn(ctx context.Context, k store.TurnKey) (store.TurnStart, error) {
	ts := store.TurnStart{Fresh: true}
	b := &pgx.Batch{}
	m := k.Inbox
	switch {
	case m != nil && m.Add != nil:
		it := m.Add
		b.Queue(lockInboxPerson, it.PersonKey)
		b.Queue(addInboxDone, it.DedupeKey, it.Channel, it.PersonKey, it.Kind, bytesOrEmpty(it.Payload), it.ReceivedAt, m.At)
	case m != nil:
		b.Queue(`SET LOCAL synchronous_commit = off`)
		b.Queue(`
			UPDATE inbox SET status = 'done', done_at = $3, lease_until = NULL
			WHERE id = $1 AND attempts = $2 AND status = 'pending'`, m.ID, m.Attempts, m.At)
	}
	markEvent := k.EventID != "" && (m == nil || m.Add == nil) // an added row's dedupe key stands for the event
	if markEvent {
		b.Queue(`
			INSERT INTO inbound_events (event_id, received_at) VALUES ($1, $2)
			ON CONFLICT (event_id) DO NOTHING`, k.EventID, t.orNow(k.At))
	}
	b.Queue(`
		SELECT `+personCols+`, s.id, s.flow_id, s.flow_version, s.mode, COALESCE(s.company_id, 0), s.channel,
			s.status, s.step, s.state, s.version, s.created_at, s.updated_at, s.completed_at
		FROM identities i JOIN people p ON p.id = i.person_id
		LEFT JOIN sessions s ON s.respondent_id = p.id AND s.status = 'active'
		WHERE i.channel = $1 AND i.external_id = $2`, k.Channel, k.ExternalID)
	br := t.tx.SendBatch(ctx, b)
	defer br.Close()
	marked := true
	if m != nil {
		if _, err := br.Exec(); err != nil {
			return ts, storeErr("open turn: inbox", err)
		}
		tag, err := br.Exec()
		if err != nil {
			return ts, storeErr("open turn: inbox row", err)
		}
		marked = tag.RowsAffected() == 1
	}
	if markEvent {
		tag, err := br.Exec()
		if err != nil {
			return ts, storeErr("open turn: mark event", err)
		}
		ts.Fresh = tag.RowsAffected() == 1
	}
	rows, _ := br.Query()
	found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (bool, error) {
		return scanPersonSession(row, &ts)
	})
	if err != nil {
		return ts, storeErr("open turn: person and session", err)
	}
	if err := br.Close(); err != nil {
		return ts, storeErr("open turn", err)
	}
	ts.PersonFound = len(found) > 0
	switch {
	case !marked && m.Add != nil:
		return ts, storeErr("open turn: add inbox", store.ErrInboxTaken)
	case !ts.Fresh:
		return store.TurnStart{PersonFound: ts.PersonFound, Person: ts.Person}, nil
	case !marked:
		return ts, storeErr("open turn: finish inbox", store.ErrLeaseLost)
	}
	return ts, nil
}

// scanPersonSession reads a person and, when the LEFT JOIN found one, their
// active session.
func scanPersonSession(row pgx.CollectableRow, ts *store.TurnStart) (bool, error) {
	var (
		p                             = &ts.Person
		sid, flowVersion, companyID   *int64
		flowID, mode, channel, status *string
		step                          *string
		state                         []byte
		version                       *int
		created, updated, completed   *time.Time
	)
	err := row.Scan(&p.ID, &p.Role, &p.Name, &p.Locale, &p.CreatedAt, &sid, &flowID, &flowVersion, &mode,
		&companyID, &channel, &status, &step, &state, &version, &created, &updated, &completed)
	if err != nil || sid == nil {
		return true, err
	}
	ts.SessionFound = true
	ts.Session = store.Session{ID: *sid, FlowID: *flowID, FlowVersion: int(*flowVersion), Mode: *mode,
		CompanyID: *companyID, RespondentID: p.ID, Channel: *channel, Status: store.SessionStatus(*status),
		Step: *step, State: state, Version: *version, CreatedAt: *created, UpdatedAt: *updated,
		CompletedAt: timeOrZero(completed)}
	return true, nil
}

// SaveTurn updates the session under its version check and, only when the
// update found its row, appends the answer revision (and its audit entry
// for an edit): one statement.
func (t *tx) SaveTurn(ctx context.Context, s store.Session, a *store.Answer) (store.Session, error) {
	if a == nil {
		return t.UpdateSession(ctx, s)
	}
	s.State = stateOrEmpty(s.State)
	s.UpdatedAt = t.orNow(s.UpdatedAt)
	at := t.orNow(a.At)
	var version *int
	err := t.tx.QueryRow(ctx, `
		WITH saved AS (
			UPDATE sessions SET flow_id = $3, flow_version = $4, mode = $5, company_id = $6, channel = $7,
				status = $8, step = $9, state = $10, updated_at = $11, completed_at = $12,
				version = version + 1
			WHERE id = $1 AND version = $2
			RETURNING version
		), answer AS (
			INSERT INTO answers (session_id, step_id, revision, value, raw, skipped, tag, sensitive, by_person_id, at)
			SELECT $1, $13, COALESCE(max(revision), 0) + 1, $14, $15, $16, $17, $18, $19, $20
			FROM answers WHERE session_id = $1 AND step_id = $13
			HAVING EXISTS (SELECT FROM saved)
			RETURNING session_id, step_id, revision, by_person_id, at
		), edit AS (
			INSERT INTO audit_log (actor_id, action, subject, detail, at)
			SELECT by_person_id, 'answer.edit', 'session:' || session_id || '/step:' || step_id,
				'revision ' || revision, at
			FROM answer WHERE revision > 1
		)
		SELECT (SELECT version FROM saved)`,
		s.ID, s.Version, s.FlowID, s.FlowVersion, s.Mode, nullID(s.CompanyID), s.Channel,
		s.Status, s.Step, s.State, s.UpdatedAt, nullTime(s.CompletedAt),
		a.StepID, a.Value, a.Raw, a.Skipped, a.Tag, a.Sensitive, nullID(a.ByPersonID), at).Scan(&version)
	if err != nil {
		return store.Session{}, storeErr("save turn", err)
	}
	if version == nil {
		return store.Session{}, storeErr("save turn", store.ErrConflict)
	}
	s.Version = *version
	return s, nil
}
