-- 0015_ownerside: where an alert to an advisor was posted, so that the next
-- detail of the same request (an owner's call request, then the time slot)
-- updates it. Erased with the company.

CREATE TABLE alert_refs (
    request_key TEXT    NOT NULL,
    company_id  INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    ref         TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (request_key, channel, user_id)
) STRICT;
CREATE INDEX alert_refs_company ON alert_refs (company_id);
