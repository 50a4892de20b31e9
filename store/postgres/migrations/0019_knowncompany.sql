-- 0019_knowncompany: the owner's latest check-in, read when an advisor
-- chooses a company (CompanyMemory), is the company's newest completed
-- session of one flow: this index finds it in one step, however many
-- sessions the company has (before, every completed session of the
-- company was read and sorted).
CREATE INDEX sessions_company_flow ON sessions (company_id, flow_id, created_at, id) WHERE status = 'completed';
