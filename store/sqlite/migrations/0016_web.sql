-- 0016_web: sign-in to the web desk. A link is a single-use token DMed in
-- Slack; using it opens a session kept by a cookie. Only SHA-256 hashes of
-- the tokens are stored. Deleting a person deletes their links and sessions.

CREATE TABLE web_links (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT    NOT NULL UNIQUE,
    person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX web_links_person ON web_links (person_id);

CREATE TABLE web_sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT    NOT NULL UNIQUE,
    person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL
) STRICT;
CREATE INDEX web_sessions_person ON web_sessions (person_id);
