package store

import "context"

// TurnWrites are the writes of a turn's rarer steps (choosing a company,
// saving a conversation that handed off to another flow), each one
// statement on PostgreSQL. SQLite may run them statement by statement.
type TurnWrites interface {
	// FindCompany returns the company whose normalised name key is key (the
	// oldest, should two share it) or, when none has that key, the one
	// named exactly name (a row written before keys existed), like
	// CompanyByKey then CompanyByName. ErrNotFound when neither finds one.
	FindCompany(ctx context.Context, key, name string) (Company, error)
	// CreateKeyedCompany creates c with the name key key, like CreateCompany
	// then SetCompanyKey. ErrConflict when the name is taken (the
	// transaction stays usable).
	CreateKeyedCompany(ctx context.Context, c Company, key string) (Company, error)
	// CreateSessionWithAnswers creates s like CreateSession and appends
	// answers to it like AddAnswer in order (their SessionID is the new
	// session's; a step answered twice gets revision 2 and its audit
	// entry). It returns the session and the answers as stored.
	CreateSessionWithAnswers(ctx context.Context, s Session, answers []Answer) (Session, []Answer, error)
}
