-- 0010_access: the normalised company-name key (looked up by the bot's
-- company-name normaliser), access requests and handovers (引継ぎ).
-- Conventions as in 0001. Rows written before 0010 get their key when the
-- bot starts (name_key = '' until then).

ALTER TABLE companies ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX companies_by_key ON companies (name_key);

CREATE TABLE access_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id   INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    requester_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at   TEXT    NOT NULL,
    decided_by   INTEGER REFERENCES people (id) ON DELETE SET NULL,
    decided_at   TEXT
) STRICT;
-- One pending request per requester and company.
CREATE UNIQUE INDEX access_requests_pending ON access_requests (company_id, requester_id) WHERE status = 'pending';

CREATE TABLE handovers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id      INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    from_id         INTEGER REFERENCES people (id) ON DELETE SET NULL,
    to_id           INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    by_id           INTEGER REFERENCES people (id) ON DELETE SET NULL,
    at              TEXT    NOT NULL,
    memo_session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    memo_shown_at   TEXT,
    owner_told_at   TEXT
) STRICT;
CREATE INDEX handovers_company ON handovers (company_id, at);
CREATE INDEX handovers_at ON handovers (at);
