-- 0001_init: bansou's first schema.
-- Timestamps are TEXT in fixed-width UTC ("2006-01-02T15:04:05.000000Z") so
-- they compare and sort as strings; dates are TEXT YYYY-MM-DD; NULL stands
-- for "not set". Never edit this file once it has shipped: add 0002_….sql.

CREATE TABLE institutions (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT    NOT NULL UNIQUE
) STRICT;

CREATE TABLE people (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    role       TEXT    NOT NULL CHECK (role IN ('advisor', 'coordinator', 'owner')),
    name       TEXT    NOT NULL,
    locale     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;

CREATE TABLE identities (
    channel     TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (channel, external_id)
) STRICT;
CREATE INDEX identities_person ON identities (person_id);

CREATE TABLE companies (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT    NOT NULL UNIQUE,
    industry     TEXT    NOT NULL,
    stage        TEXT    NOT NULL,
    municipality TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
) STRICT;

CREATE TABLE assignments (
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    advisor_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    assigned_at TEXT    NOT NULL,
    PRIMARY KEY (company_id, advisor_id)
) STRICT;
CREATE INDEX assignments_advisor ON assignments (advisor_id, assigned_at);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    flow_id       TEXT    NOT NULL,
    flow_version  INTEGER NOT NULL,
    mode          TEXT    NOT NULL,
    company_id    INTEGER REFERENCES companies (id),
    respondent_id INTEGER NOT NULL REFERENCES people (id),
    channel       TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('active', 'completed', 'cancelled', 'expired')),
    step          TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (json_valid(state)),
    version       INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    completed_at  TEXT
) STRICT;
-- One active session per respondent.
CREATE UNIQUE INDEX sessions_one_active ON sessions (respondent_id) WHERE status = 'active';
CREATE INDEX sessions_company ON sessions (company_id, status);

CREATE TABLE answers (
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step_id      TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    value        TEXT    NOT NULL,
    raw          TEXT    NOT NULL,
    skipped      INTEGER NOT NULL,
    tag          TEXT    NOT NULL,
    sensitive    INTEGER NOT NULL,
    by_person_id INTEGER REFERENCES people (id),
    at           TEXT    NOT NULL,
    PRIMARY KEY (session_id, step_id, revision)
) STRICT;
CREATE INDEX answers_tag ON answers (tag, at) WHERE tag <> '';

CREATE TABLE commitments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    text       TEXT    NOT NULL,
    due        TEXT,
    status     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX commitments_company ON commitments (company_id, created_at);

CREATE TABLE followups (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    advisor_id INTEGER NOT NULL REFERENCES people (id),
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    due        TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX followups_advisor ON followups (advisor_id, status, due);

CREATE TABLE referrals (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    targets    TEXT    NOT NULL CHECK (json_valid(targets)),
    reason     TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX referrals_company ON referrals (company_id);

CREATE TABLE small_wins (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    text       TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX small_wins_company ON small_wins (company_id, created_at);

CREATE TABLE invites (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash  TEXT    NOT NULL UNIQUE,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
) STRICT;

CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    recipient_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    company_id   INTEGER REFERENCES companies (id) ON DELETE CASCADE,
    session_id   INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    due_at       TEXT    NOT NULL,
    dedupe_key   TEXT    NOT NULL UNIQUE,
    status       TEXT    NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    lease_until  TEXT,
    last_error   TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX reminders_due ON reminders (status, due_at);

CREATE TABLE inbound_events (
    event_id    TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
) STRICT;
CREATE INDEX inbound_events_received ON inbound_events (received_at);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id INTEGER, -- no foreign key: the log outlives erased people
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    detail   TEXT    NOT NULL,
    at       TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_subject ON audit_log (subject, at);
