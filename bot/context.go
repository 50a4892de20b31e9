package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// sessionContext is what a session's prompts need from outside the session:
// the placeholder values of its company (name and memory, see contextVars)
// and, while the company step is asked, the advisor's companies to choose
// from. It is read when the session starts or its company is chosen, and
// kept in the session's JSON next to the engine state, so an ordinary answer
// reads nothing but the person and the session.
type sessionContext struct {
	CompanyID int64             `json:"company_id"`
	Vars      map[string]string `json:"vars,omitempty"`
	// Companies is kept only while a company step is asked. Not omitempty:
	// an advisor without companies keeps [] (read), apart from null (not
	// read yet).
	Companies []string `json:"companies"`
}

// savedState is a session's JSON: the engine state with the context beside
// it. Sessions saved before the context existed have none; it is read on
// their next turn.
type savedState struct {
	flows.State
	Context *sessionContext `json:"cached,omitempty"` // not "context": flows.State has that key
}

// decodeSaved reads a session's JSON.
func decodeSaved(s store.Session) (flows.State, *sessionContext, error) {
	var saved savedState
	if err := json.Unmarshal(s.State, &saved); err != nil {
		return saved.State, nil, fmt.Errorf("decode state of session %d: %w", s.ID, err)
	}
	if saved.Answers == nil {
		saved.Answers = map[string]flows.Answer{}
	}
	return saved.State, saved.Context, nil
}

// encodeSaved writes a session's JSON.
func encodeSaved(st flows.State, sc *sessionContext) ([]byte, error) {
	data, err := json.Marshal(savedState{State: st, Context: sc})
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return data, nil
}

// contextOf returns the context of the session about companyID: the one
// the session keeps, or else the one read now (and kept from now on).
func (t *turn) contextOf(ctx context.Context, companyID int64) (*sessionContext, error) {
	if t.sc != nil && t.sc.CompanyID == companyID {
		return t.sc, nil
	}
	c := store.Company{ID: companyID}
	var m memory
	if companyID != 0 {
		var err error
		if c, err = t.tx.Company(ctx, companyID); err != nil {
			return nil, err
		}
		if m, err = t.memory(ctx, companyID); err != nil {
			return nil, err
		}
	}
	return t.keepContext(ctx, c, m)
}

// keepContext makes the context of company c, whose memory is m, the
// session's.
func (t *turn) keepContext(ctx context.Context, c store.Company, m memory) (*sessionContext, error) {
	vars, err := t.contextVars(ctx, c, m)
	if err != nil {
		return nil, err
	}
	t.sc = &sessionContext{CompanyID: c.ID, Vars: vars}
	return t.sc, nil
}

// companies returns the advisor's companies, for a company step: kept in the
// session's context from when the step was asked, or read now.
func (t *turn) companies(ctx context.Context) ([]string, error) {
	if t.person.Role == store.RoleOwner {
		return nil, nil
	}
	if t.sc != nil && t.sc.Companies != nil {
		return t.sc.Companies, nil
	}
	cs, err := t.tx.CompaniesOf(ctx, t.person.ID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		names = append(names, c.Name)
	}
	if t.sc == nil {
		t.sc = &sessionContext{}
	}
	t.sc.Companies = names
	return names, nil
}

// asking reports whether st is asking a company step, whose answer is read
// against the advisor's companies.
func asking(f *flows.Flow, st flows.State) bool {
	s, ok := f.Step(st.Cursor)
	return ok && s.Kind == flows.KindCompany && st.Phase == flows.PhaseAsk
}

// withCompanies renders p again with the advisor's companies as choices when
// it asks a company step.
func (t *turn) withCompanies(ctx context.Context, f *flows.Flow, st flows.State, env *flows.Env, p *flows.Prompt) (*flows.Prompt, error) {
	if p == nil || p.Kind != flows.KindCompany || env.Companies != nil {
		return p, nil
	}
	var err error
	if env.Companies, err = t.companies(ctx); err != nil || env.Companies == nil {
		return p, err
	}
	return f.Render(st, *env), nil
}
