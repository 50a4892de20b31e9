package sqlite

import (
	"context"
	"errors"

	"github.com/bansou/bansou/store"
)

// FindCompany runs CompanyByKey, then CompanyByName: SQLite answers
// in-process, so there is no round trip to save.
func (t *tx) FindCompany(ctx context.Context, key, name string) (store.Company, error) {
	c, err := t.CompanyByKey(ctx, key)
	if !errors.Is(err, store.ErrNotFound) {
		return c, err
	}
	return t.CompanyByName(ctx, name)
}

// CreateKeyedCompany runs CreateCompany, then SetCompanyKey.
func (t *tx) CreateKeyedCompany(ctx context.Context, c store.Company, key string) (store.Company, error) {
	c, err := t.CreateCompany(ctx, c)
	if err != nil {
		return c, err
	}
	return c, t.SetCompanyKey(ctx, c.ID, key)
}

// CreateSessionWithAnswers runs CreateSession, then AddAnswer for each
// answer.
func (t *tx) CreateSessionWithAnswers(ctx context.Context, s store.Session, answers []store.Answer) (store.Session, []store.Answer, error) {
	s, err := t.CreateSession(ctx, s)
	if err != nil {
		return s, nil, err
	}
	out := make([]store.Answer, 0, len(answers))
	for _, a := range answers {
		a.SessionID = s.ID
		if a, err = t.AddAnswer(ctx, a); err != nil {
			return s, nil, err
		}
		out = append(out, a)
	}
	return s, out, nil
}
