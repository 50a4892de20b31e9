package digest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// snapshot is what the digest reads from the store, gathered in one
// transaction. Sensitive answers never enter it.
type snapshot struct {
	companies []*company // by name
	people    map[int64]store.Person
	failed    []store.Reminder // deliveries that failed this week
	held      []store.Reminder // check-ins held until the LINE quota resets
}

// company is one company with everything recorded about it.
type company struct {
	store.Company
	advisors []store.Person // most recently assigned first
	sessions []*session     // oldest first
	records  store.Records
	audit    []store.AuditEntry // oldest first
}

// session is a session with its latest answers. Answers of active or
// cancelled sessions are not loaded.
type session struct {
	store.Session
	audience flows.Audience
	byStep   map[string]store.Answer // latest revision per step; skipped and sensitive answers left out
	byTag    map[string]store.Answer
	hidden   map[string]bool // tags answered with a sensitive answer: records derived from them stay hidden
}

// at is when the session ended (or last moved, while not completed).
func (s *session) at() time.Time {
	if !s.CompletedAt.IsZero() {
		return s.CompletedAt
	}
	return s.UpdatedAt
}

func (s *session) completed() bool { return s.Status == store.SessionCompleted }

// tag returns the non-empty answer carrying tag.
func (s *session) tag(tag string) (store.Answer, bool) {
	a, ok := s.byTag[tag]
	return a, ok && a.Value != ""
}

func (s *session) step(id string) (store.Answer, bool) {
	a, ok := s.byStep[id]
	return a, ok && a.Value != ""
}

func load(ctx context.Context, tx store.Tx, from time.Time, l labels) (*snapshot, error) {
	cs, err := tx.Companies(ctx)
	if err != nil {
		return nil, fmt.Errorf("companies: %w", err)
	}
	s := &snapshot{people: map[int64]store.Person{}}
	for _, c := range cs {
		x, err := loadCompany(ctx, tx, c, l)
		if err != nil {
			return nil, fmt.Errorf("company %d: %w", c.ID, err)
		}
		s.companies = append(s.companies, x)
		for _, p := range x.advisors {
			s.people[p.ID] = p
		}
	}
	if err := s.loadFailed(ctx, tx, from); err != nil {
		return nil, err
	}
	if err := s.loadHeld(ctx, tx); err != nil {
		return nil, err
	}
	return s, s.loadPeople(ctx, tx)
}

func loadCompany(ctx context.Context, tx store.Tx, c store.Company, l labels) (*company, error) {
	x := &company{Company: c}
	var err error
	if x.advisors, err = tx.AdvisorsOf(ctx, c.ID); err != nil {
		return nil, err
	}
	if x.records, err = tx.CompanyRecords(ctx, c.ID); err != nil {
		return nil, err
	}
	if x.audit, err = tx.Audit(ctx, fmt.Sprintf("company:%d", c.ID)); err != nil {
		return nil, err
	}
	ss, err := tx.CompanySessions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(ss) // oldest first
	for _, raw := range ss {
		sess, err := loadSession(ctx, tx, raw, l)
		if err != nil {
			return nil, err
		}
		x.sessions = append(x.sessions, sess)
	}
	return x, nil
}

func loadSession(ctx context.Context, tx store.Tx, raw store.Session, l labels) (*session, error) {
	s := &session{Session: raw, audience: l.audience(raw.FlowID),
		byStep: map[string]store.Answer{}, byTag: map[string]store.Answer{}, hidden: map[string]bool{}}
	if !s.completed() {
		return s, nil
	}
	answers, err := tx.Answers(ctx, raw.ID)
	if err != nil {
		return nil, err
	}
	latest := map[string]store.Answer{} // Answers is ordered by step, then revision
	for _, a := range answers {
		latest[a.StepID] = a
	}
	for id, a := range latest {
		switch {
		case a.Sensitive:
			// 要配慮: never in a digest, nor anything derived from it.
			if a.Tag != "" {
				s.hidden[a.Tag] = true
			}
		case !a.Skipped:
			s.byStep[id] = a
			if a.Tag != "" {
				s.byTag[a.Tag] = a
			}
		}
	}
	return s, nil
}

// loadFailed keeps the reminders that failed to be delivered this week.
func (s *snapshot) loadFailed(ctx context.Context, tx store.Tx, from time.Time) error {
	rs, err := tx.Reminders(ctx, store.ReminderFilter{Status: store.ReminderFailed})
	if err != nil {
		return fmt.Errorf("failed reminders: %w", err)
	}
	for _, r := range rs {
		if !r.DueAt.Before(from) {
			s.failed = append(s.failed, r)
		}
	}
	return nil
}

// loadPeople names everyone the digest mentions: respondents, follow-up
// owners, reminder recipients.
func (s *snapshot) loadPeople(ctx context.Context, tx store.Tx) error {
	var ids []int64
	for _, c := range s.companies {
		for _, x := range c.sessions {
			ids = append(ids, x.RespondentID)
		}
		for _, f := range c.records.Followups {
			ids = append(ids, f.AdvisorID)
		}
	}
	for _, r := range s.failed {
		ids = append(ids, r.RecipientID)
	}
	for _, id := range ids {
		if _, ok := s.people[id]; ok || id == 0 {
			continue
		}
		p, err := tx.Person(ctx, id)
		if err != nil {
			return fmt.Errorf("person %d: %w", id, err)
		}
		s.people[id] = p
	}
	return nil
}

// name is a person's name, or "" when unknown.
func (s *snapshot) name(id int64) string { return s.people[id].Name }

// company returns the company with id.
func (s *snapshot) company(id int64) (*company, bool) {
	for _, c := range s.companies {
		if c.ID == id {
			return c, true
		}
	}
	return nil, false
}

// advisor names who looks after the company: the most recently assigned
// advisor, or else whoever filed its last advisor session.
func (c *company) advisor(s *snapshot) string {
	if len(c.advisors) > 0 {
		return c.advisors[0].Name
	}
	for _, x := range slices.Backward(c.sessions) {
		if x.audience != flows.AudienceOwner {
			return s.name(x.RespondentID)
		}
	}
	return ""
}

// completed lists the company's completed sessions of flowID (all flows
// when ""), oldest first.
func (c *company) completed(flowID string) []*session {
	var out []*session
	for _, x := range c.sessions {
		if x.completed() && (flowID == "" || x.FlowID == flowID) {
			out = append(out, x)
		}
	}
	return out
}

// latestTag is the newest non-sensitive answer carrying tag in a completed
// session, with its session.
func (c *company) latestTag(tag string) (store.Answer, *session, bool) {
	for _, x := range slices.Backward(c.sessions) {
		if a, ok := x.tag(tag); ok && x.completed() {
			return a, x, true
		}
	}
	return store.Answer{}, nil, false
}

// advisorContactAfter reports whether an advisor filed a session about the
// company (a debrief, a verification, an intake) after t.
func (c *company) advisorContactAfter(t time.Time) bool {
	for _, x := range c.sessions {
		if x.audience != flows.AudienceOwner && x.Status != store.SessionCancelled && x.CreatedAt.After(t) {
			return true
		}
	}
	return false
}

// sessionByID finds one of the company's sessions.
func (c *company) sessionByID(id int64) (*session, bool) {
	for _, x := range c.sessions {
		if x.ID == id {
			return x, true
		}
	}
	return nil, false
}
