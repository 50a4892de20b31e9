-- 0012_turn_indexes: indexes that follow the queries of a turn, so their
-- cost grows with the company's own history, never with everyone's.
-- A company's memory (LatestTagged) starts from the company's completed
-- sessions, then finds the tagged answer of each; before, it walked the
-- (tag, at) index across all companies until one of this company's answers
-- came up.
CREATE INDEX answers_session_tag ON answers (session_id, tag, at) WHERE tag <> '';
-- 保存 closes the company's open follow-ups (CloseFollowups): without it,
-- a sequential scan of every follow-up.
CREATE INDEX followups_company ON followups (company_id, status);
