package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// legalForms are the words for a company's legal form that people put
// before or after its name, or leave out (after NFKC, ㈱ and （株） read
// "(株)").
var legalForms = strings.NewReplacer(
	"株式会社", "", "(株)", "", "有限会社", "", "(有)", "", "合同会社", "", "(同)", "",
	"合資会社", "", "(資)", "", "合名会社", "", "(名)", "", " ", "")

// CompanyKey is the one company-name normaliser: width (全角/半角, NFKC),
// case, white space and the legal form (株式会社, ㈱, (株), 有限会社, 合同会社 …,
// before or after the name) do not matter, so 「株式会社山田製作所」,
// 「山田製作所」 and 「ﾔﾏﾀﾞ製作所（株）」-style spellings of one name meet.
func CompanyKey(name string) string {
	s := flows.Fold(norm.NFKC.String(name))
	return strings.ToLower(legalForms.Replace(s))
}

// MatchCompanies compares query with names (the companies the person may
// see) by their keys. It returns the exact match, if any, and otherwise the
// prefix matches then the other partial matches.
func MatchCompanies(query string, names []string) (exact string, close []string) {
	q := CompanyKey(query)
	if q == "" {
		return "", nil
	}
	var partial []string
	for _, n := range names {
		k := CompanyKey(n)
		switch {
		case k == q:
			return n, nil
		case strings.HasPrefix(k, q):
			close = append(close, n)
		case strings.Contains(k, q) || strings.Contains(q, k):
			partial = append(partial, n)
		}
	}
	return "", append(close, partial...)
}

// findCompany finds the company a name means, by its key (or, for a row
// written before keys existed, by its exact name).
func findCompany(ctx context.Context, tx store.Tx, name string) (store.Company, error) {
	name = strings.TrimSpace(name)
	key := CompanyKey(name)
	if key == "" {
		return store.Company{}, store.ErrNotFound
	}
	return tx.FindCompany(ctx, key, name)
}

// createCompany creates a company with its key.
func createCompany(ctx context.Context, tx store.Tx, name string, at time.Time) (store.Company, error) {
	name = strings.TrimSpace(name)
	return tx.CreateKeyedCompany(ctx, store.Company{Name: name, CreatedAt: at}, CompanyKey(name))
}

// IndexCompanyNames gives the companies created before names were
// normalised their key. serve and try run it at start; it is idempotent.
func (b *Bot) IndexCompanyNames(ctx context.Context) error {
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		cs, err := tx.CompaniesWithoutKey(ctx)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if err := tx.SetCompanyKey(ctx, c.ID, CompanyKey(c.Name)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: index company names: %w", err)
	}
	return nil
}

// found is a company name looked up in this turn: the flow's context and
// the company step both look up the name the advisor typed.
type found struct {
	c        store.Company
	assigned bool // the person of the turn is assigned to c
	err      error
}

// findCompany is findCompany, remembered for the turn, with whether the
// person is assigned to the company (for CanSeeFound). A company created
// later in the turn is not looked up again (company creates and returns it).
func (t *turn) findCompany(ctx context.Context, name string) (store.Company, bool, error) {
	name = strings.TrimSpace(name)
	key := CompanyKey(name)
	if f, ok := t.found[key]; ok {
		return f.c, f.assigned, f.err
	}
	var f found
	if key == "" {
		f.err = store.ErrNotFound
	} else {
		f.c, f.assigned, f.err = t.tx.FindCompanyFor(ctx, key, name, t.person.ID)
	}
	if f.err == nil || errors.Is(f.err, store.ErrNotFound) {
		if t.found == nil {
			t.found = map[string]found{}
		}
		t.found[key] = f
	}
	return f.c, f.assigned, f.err
}

// markAssigned records that the person was assigned to the company named name
// in this turn.
func (t *turn) markAssigned(name string) {
	key := CompanyKey(strings.TrimSpace(name))
	if f, ok := t.found[key]; ok && f.err == nil {
		f.assigned = true
		t.found[key] = f
	}
}
