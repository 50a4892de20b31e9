package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bansou/bansou/store"
)

// MarkEvent records eventID; a duplicate inserts nothing and is not fresh.
func (t *tx) MarkEvent(ctx context.Context, eventID string, at time.Time) (bool, error) {
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO inbound_events (event_id, received_at) VALUES ($1, $2)
		ON CONFLICT (event_id) DO NOTHING`, eventID, t.orNow(at))
	if err != nil {
		return false, storeErr("mark event", err)
	}
	return tag.RowsAffected() == 1, nil
}

const personCols = `p.id, p.role, p.name, p.locale, p.created_at`

func scanPerson(row pgx.CollectableRow) (store.Person, error) {
	var p store.Person
	err := row.Scan(&p.ID, &p.Role, &p.Name, &p.Locale, &p.CreatedAt)
	return p, err
}

func (t *tx) PersonByIdentity(ctx context.Context, channel, externalID string) (store.Person, error) {
	p, err := queryOne(ctx, t, scanPerson, `
		SELECT `+personCols+`
		FROM identities i JOIN people p ON p.id = i.person_id
		WHERE i.channel = $1 AND i.external_id = $2`, channel, externalID)
	return p, storeErr("person by identity", err)
}

func (t *tx) Person(ctx context.Context, id int64) (store.Person, error) {
	p, err := queryOne(ctx, t, scanPerson, `SELECT `+personCols+` FROM people p WHERE p.id = $1`, id)
	return p, storeErr("person", err)
}

// CreatePerson inserts the identity first, with the person id drawn from the
// people sequence, and the person only when the identity was free; both in
// one statement (foreign keys are checked at its end), so a taken identity
// inserts nothing and leaves the transaction usable.
func (t *tx) CreatePerson(ctx context.Context, p store.Person, channel, externalID string) (store.Person, error) {
	p.CreatedAt = t.orNow(p.CreatedAt)
	id, err := returningID(ctx, t, `
		WITH link AS (
			INSERT INTO identities (channel, external_id, person_id)
			VALUES ($1, $2, nextval(pg_get_serial_sequence('people', 'id')))
			ON CONFLICT (channel, external_id) DO NOTHING
			RETURNING person_id
		)
		INSERT INTO people (id, role, name, locale, created_at)
		SELECT person_id, $3, $4, $5, $6 FROM link
		RETURNING id`,
		channel, externalID, p.Role, p.Name, p.Locale, p.CreatedAt)
	if err != nil {
		return store.Person{}, storeErr("create person", conflictIfNone(err))
	}
	p.ID = id
	return p, nil
}

const companyCols = `c.id, c.name, c.industry, c.stage, c.municipality, c.created_at`

func scanCompany(row pgx.CollectableRow) (store.Company, error) {
	var c store.Company
	err := row.Scan(&c.ID, &c.Name, &c.Industry, &c.Stage, &c.Municipality, &c.CreatedAt)
	return c, err
}

func (t *tx) CompanyByName(ctx context.Context, name string) (store.Company, error) {
	c, err := queryOne(ctx, t, scanCompany, `SELECT `+companyCols+` FROM companies c WHERE c.name = $1`, name)
	return c, storeErr("company by name", err)
}

func (t *tx) Company(ctx context.Context, id int64) (store.Company, error) {
	c, err := queryOne(ctx, t, scanCompany, `SELECT `+companyCols+` FROM companies c WHERE c.id = $1`, id)
	return c, storeErr("company", err)
}

// CreateCompany inserts c unless its name is taken (store.ErrConflict, and
// the transaction stays usable).
func (t *tx) CreateCompany(ctx context.Context, c store.Company) (store.Company, error) {
	c.CreatedAt = t.orNow(c.CreatedAt)
	id, err := returningID(ctx, t, `
		INSERT INTO companies (name, industry, stage, municipality, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name) DO NOTHING
		RETURNING id`,
		c.Name, c.Industry, c.Stage, c.Municipality, c.CreatedAt)
	if err != nil {
		return store.Company{}, storeErr("create company", conflictIfNone(err))
	}
	c.ID = id
	return c, nil
}

// Assign links the advisor to the company, or moves an existing link's time
// to at, which makes it the advisor's most recent company.
func (t *tx) Assign(ctx context.Context, companyID, advisorID int64, at time.Time) error {
	_, err := t.tx.Exec(ctx, `
		INSERT INTO assignments (company_id, advisor_id, assigned_at) VALUES ($1, $2, $3)
		ON CONFLICT (company_id, advisor_id) DO UPDATE SET assigned_at = excluded.assigned_at`,
		companyID, advisorID, t.orNow(at))
	return storeErr("assign", err)
}

func (t *tx) CompaniesOf(ctx context.Context, advisorID int64) ([]store.Company, error) {
	cs, err := queryAll(ctx, t, scanCompany, `
		SELECT `+companyCols+`
		FROM assignments a JOIN companies c ON c.id = a.company_id
		WHERE a.advisor_id = $1
		ORDER BY a.assigned_at DESC, c.id DESC`, advisorID)
	return cs, storeErr("companies of", err)
}

// SetRole changes the person's role; an unknown person is store.ErrNotFound.
func (t *tx) SetRole(ctx context.Context, personID int64, role store.Role) error {
	tag, err := t.tx.Exec(ctx, `UPDATE people SET role = $2 WHERE id = $1`, personID, role)
	return storeErr("set role", oneRow(tag, err, store.ErrNotFound))
}

func (t *tx) PeopleByRole(ctx context.Context, role store.Role) ([]store.Person, error) {
	ps, err := queryAll(ctx, t, scanPerson, `SELECT `+personCols+` FROM people p WHERE p.role = $1 ORDER BY p.id`, role)
	return ps, storeErr("people by role", err)
}

func (t *tx) Identities(ctx context.Context, personID int64) ([]store.Identity, error) {
	ids, err := queryAll(ctx, t, func(row pgx.CollectableRow) (store.Identity, error) {
		var i store.Identity
		err := row.Scan(&i.Channel, &i.ExternalID)
		return i, err
	}, `
		SELECT channel, external_id FROM identities WHERE person_id = $1
		ORDER BY channel COLLATE "C", external_id COLLATE "C"`, personID)
	return ids, storeErr("identities", err)
}

func (t *tx) AdvisorsOf(ctx context.Context, companyID int64) ([]store.Person, error) {
	ps, err := queryAll(ctx, t, scanPerson, `
		SELECT `+personCols+`
		FROM assignments a JOIN people p ON p.id = a.advisor_id
		WHERE a.company_id = $1
		ORDER BY a.assigned_at DESC, p.id DESC`, companyID)
	return ps, storeErr("advisors of", err)
}

// Companies lists every company by name, bytewise as in SQLite whatever
// the database's collation, then id.
func (t *tx) Companies(ctx context.Context) ([]store.Company, error) {
	cs, err := queryAll(ctx, t, scanCompany, `
		SELECT `+companyCols+` FROM companies c ORDER BY c.name COLLATE "C", c.id`)
	return cs, storeErr("companies", err)
}
