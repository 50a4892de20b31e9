-- 0013_inbox: the durable inbox (every acknowledged inbound event is a row
-- before the platform gets its 2xx; workers run the turns from it) and the
-- prompt messages (which Slack message carries a session step's buttons).
-- Conventions as in 0001: fixed-width UTC TEXT timestamps, NULL for "not set".

CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key  TEXT    NOT NULL UNIQUE,
    channel     TEXT    NOT NULL,
    person_key  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    received_at TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    lease_until TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    done_at     TEXT
) STRICT;
CREATE INDEX inbox_pending ON inbox (person_key, id) WHERE status = 'pending';
CREATE INDEX inbox_done ON inbox (done_at) WHERE status <> 'pending';

CREATE TABLE prompt_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step_id    TEXT    NOT NULL,
    channel_id TEXT    NOT NULL, -- '' on a mark: answered before the message was recorded
    ts         TEXT    NOT NULL,
    closed     INTEGER NOT NULL CHECK (closed IN (0, 1)),
    body       BLOB    NOT NULL, -- the message without its buttons, for whoever closes it
    answer     TEXT    NOT NULL DEFAULT '',
    at         TEXT    NOT NULL
) STRICT;
CREATE INDEX prompt_messages_session ON prompt_messages (session_id, id);
CREATE INDEX prompt_messages_at ON prompt_messages (at) WHERE closed = 1;
