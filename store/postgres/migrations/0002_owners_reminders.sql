-- 0002_owners_reminders: the PostgreSQL twin of
-- store/sqlite/migrations/0002_owners_reminders.sql. Who created and used an
-- invite, owners linked to their company, and what the reminder dispatcher
-- needs (payload, when it was sent, when it was enqueued). Columns added to
-- existing tables get a constant default: the zero time (0001-01-01 UTC, read
-- back as Go's zero time) stands for "unknown" on rows written before 0002.

ALTER TABLE invites ADD COLUMN created_by bigint REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE invites ADD COLUMN created_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00';
ALTER TABLE invites ADD COLUMN used_by bigint REFERENCES people (id) ON DELETE SET NULL;
CREATE INDEX invites_company ON invites (company_id);

-- An owner belongs to one company: person_id is the key, and linking again
-- moves the owner.
CREATE TABLE owner_links (
    person_id  bigint      PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    company_id bigint      NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    linked_at  timestamptz NOT NULL,
    reachable  boolean     NOT NULL
);
CREATE INDEX owner_links_company ON owner_links (company_id, linked_at);

ALTER TABLE reminders ADD COLUMN payload text NOT NULL DEFAULT '';
ALTER TABLE reminders ADD COLUMN sent_at timestamptz;
ALTER TABLE reminders ADD COLUMN created_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00';
-- Claims look for expired leases; filters and erasure go by company and
-- recipient.
CREATE INDEX reminders_lease ON reminders (status, lease_until);
CREATE INDEX reminders_company ON reminders (company_id);
CREATE INDEX reminders_recipient ON reminders (recipient_id);
