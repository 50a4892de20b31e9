package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// MarkEvent records eventID; false means it was recorded before.
func (t *tx) MarkEvent(ctx context.Context, eventID string, at time.Time) (bool, error) {
	n, err := affected(t.tx.ExecContext(ctx, `
		INSERT INTO inbound_events (event_id, received_at) VALUES (?, ?)
		ON CONFLICT (event_id) DO NOTHING`,
		eventID, timeText(t.orNow(at))))
	if err != nil {
		return false, fmt.Errorf("sqlite: mark event: %w", err)
	}
	return n == 1, nil
}

func (t *tx) PersonByIdentity(ctx context.Context, channel, externalID string) (store.Person, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT p.id, p.role, p.name, p.locale, p.created_at
		FROM identities i JOIN people p ON p.id = i.person_id
		WHERE i.channel = ? AND i.external_id = ?`,
		channel, externalID)
	p, err := scanPerson(row)
	if err != nil {
		return store.Person{}, fmt.Errorf("sqlite: person by identity: %w", storeErr(err))
	}
	return p, nil
}

func (t *tx) Person(ctx context.Context, id int64) (store.Person, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, role, name, locale, created_at FROM people WHERE id = ?`, id)
	p, err := scanPerson(row)
	if err != nil {
		return store.Person{}, fmt.Errorf("sqlite: person %d: %w", id, storeErr(err))
	}
	return p, nil
}

func scanPerson(row rowScanner) (store.Person, error) {
	var p store.Person
	err := row.Scan(&p.ID, &p.Role, &p.Name, &p.Locale, timeCol{&p.CreatedAt})
	return p, err
}

// CreatePerson creates p linked to (channel, externalID). The identity is
// checked first so that a conflict leaves no orphan person behind.
func (t *tx) CreatePerson(ctx context.Context, p store.Person, channel, externalID string) (store.Person, error) {
	var taken int
	err := t.tx.QueryRowContext(ctx, `
		SELECT count(*) FROM identities WHERE channel = ? AND external_id = ?`,
		channel, externalID).Scan(&taken)
	if err != nil {
		return store.Person{}, fmt.Errorf("sqlite: create person: %w", err)
	}
	if taken > 0 {
		return store.Person{}, fmt.Errorf("sqlite: create person: identity %s/%s: %w", channel, externalID, store.ErrConflict)
	}
	p.CreatedAt = t.orNow(p.CreatedAt)
	err = t.tx.QueryRowContext(ctx, `
		INSERT INTO people (role, name, locale, created_at) VALUES (?, ?, ?, ?)
		RETURNING id`,
		p.Role, p.Name, p.Locale, timeText(p.CreatedAt)).Scan(&p.ID)
	if err != nil {
		return store.Person{}, fmt.Errorf("sqlite: create person: %w", storeErr(err))
	}
	_, err = t.tx.ExecContext(ctx, `
		INSERT INTO identities (channel, external_id, person_id) VALUES (?, ?, ?)`,
		channel, externalID, p.ID)
	if err != nil {
		return store.Person{}, fmt.Errorf("sqlite: create person: link identity: %w", storeErr(err))
	}
	return p, nil
}

func (t *tx) CompanyByName(ctx context.Context, name string) (store.Company, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, name, industry, stage, municipality, created_at
		FROM companies WHERE name = ?`, name)
	c, err := scanCompany(row)
	if err != nil {
		return store.Company{}, fmt.Errorf("sqlite: company by name: %w", storeErr(err))
	}
	return c, nil
}

func (t *tx) Company(ctx context.Context, id int64) (store.Company, error) {
	row := t.tx.QueryRowContext(ctx, `
		SELECT id, name, industry, stage, municipality, created_at
		FROM companies WHERE id = ?`, id)
	c, err := scanCompany(row)
	if err != nil {
		return store.Company{}, fmt.Errorf("sqlite: company %d: %w", id, storeErr(err))
	}
	return c, nil
}

func scanCompany(row rowScanner) (store.Company, error) {
	var c store.Company
	err := row.Scan(&c.ID, &c.Name, &c.Industry, &c.Stage, &c.Municipality, timeCol{&c.CreatedAt})
	return c, err
}

func (t *tx) CreateCompany(ctx context.Context, c store.Company) (store.Company, error) {
	c.CreatedAt = t.orNow(c.CreatedAt)
	err := t.tx.QueryRowContext(ctx, `
		INSERT INTO companies (name, industry, stage, municipality, created_at)
		VALUES (?, ?, ?, ?, ?)
		RETURNING id`,
		c.Name, c.Industry, c.Stage, c.Municipality, timeText(c.CreatedAt)).Scan(&c.ID)
	if err != nil {
		return store.Company{}, fmt.Errorf("sqlite: create company: %w", storeErr(err))
	}
	return c, nil
}

// Assign links the advisor to the company, or moves an existing link's
// time to at, which makes the company the advisor's most recent.
func (t *tx) Assign(ctx context.Context, companyID, advisorID int64, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO assignments (company_id, advisor_id, assigned_at) VALUES (?, ?, ?)
		ON CONFLICT (company_id, advisor_id) DO UPDATE SET assigned_at = excluded.assigned_at`,
		companyID, advisorID, timeText(t.orNow(at)))
	if err != nil {
		return fmt.Errorf("sqlite: assign: %w", storeErr(err))
	}
	return nil
}

// CompaniesOf lists the advisor's companies, most recently assigned first.
func (t *tx) CompaniesOf(ctx context.Context, advisorID int64) ([]store.Company, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT c.id, c.name, c.industry, c.stage, c.municipality, c.created_at
		FROM assignments a JOIN companies c ON c.id = a.company_id
		WHERE a.advisor_id = ?
		ORDER BY a.assigned_at DESC, c.id DESC`, advisorID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: companies of %d: %w", advisorID, err)
	}
	companies, err := collect(rows, scanCompany)
	if err != nil {
		return nil, fmt.Errorf("sqlite: companies of %d: %w", advisorID, err)
	}
	return companies, nil
}

// SetRole changes the person's role; an unknown person is store.ErrNotFound.
func (t *tx) SetRole(ctx context.Context, personID int64, role store.Role) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE people SET role = ? WHERE id = ?`, role, personID)
	if err := oneRow(res, err, store.ErrNotFound); err != nil {
		return fmt.Errorf("sqlite: set role of %d: %w", personID, err)
	}
	return nil
}

// PeopleByRole lists the people with role, by id.
func (t *tx) PeopleByRole(ctx context.Context, role store.Role) ([]store.Person, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT id, role, name, locale, created_at FROM people WHERE role = ? ORDER BY id`, role)
	if err != nil {
		return nil, fmt.Errorf("sqlite: people with role %s: %w", role, err)
	}
	people, err := collect(rows, scanPerson)
	if err != nil {
		return nil, fmt.Errorf("sqlite: people with role %s: %w", role, err)
	}
	return people, nil
}

// Identities lists the person's (channel, external id) pairs by channel,
// then external id.
func (t *tx) Identities(ctx context.Context, personID int64) ([]store.Identity, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT channel, external_id FROM identities WHERE person_id = ?
		ORDER BY channel, external_id`, personID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: identities of %d: %w", personID, err)
	}
	ids, err := collect(rows, func(row rowScanner) (store.Identity, error) {
		var i store.Identity
		err := row.Scan(&i.Channel, &i.ExternalID)
		return i, err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: identities of %d: %w", personID, err)
	}
	return ids, nil
}

// AdvisorsOf lists the company's advisors, most recently assigned first.
func (t *tx) AdvisorsOf(ctx context.Context, companyID int64) ([]store.Person, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT p.id, p.role, p.name, p.locale, p.created_at
		FROM assignments a JOIN people p ON p.id = a.advisor_id
		WHERE a.company_id = ?
		ORDER BY a.assigned_at DESC, p.id DESC`, companyID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: advisors of %d: %w", companyID, err)
	}
	people, err := collect(rows, scanPerson)
	if err != nil {
		return nil, fmt.Errorf("sqlite: advisors of %d: %w", companyID, err)
	}
	return people, nil
}

// Companies lists every company by name (bytewise), then id.
func (t *tx) Companies(ctx context.Context) ([]store.Company, error) {
	rows, err := t.tx.QueryContext(ctx, `
		SELECT id, name, industry, stage, municipality, created_at
		FROM companies ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: companies: %w", err)
	}
	companies, err := collect(rows, scanCompany)
	if err != nil {
		return nil, fmt.Errorf("sqlite: companies: %w", err)
	}
	return companies, nil
}
