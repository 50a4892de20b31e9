// Package digesttest seeds stores with situations the coordinator digest
// must report, for the tests of the packages that render or send it.
package digesttest

import (
	"context"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Overdue describes one company whose follow-up is 10 days overdue at Now.
type Overdue struct {
	Company string    // its name
	Wall    string    // the main wall (option id of wall.main)
	Quote   string    // the owner's words in the last debrief
	Secret  string    // planted in two sensitive answers: it must never show
	Now     time.Time // the digest's moment
}

// SeedOverdue stores, through tx: the advisor 佐藤 (Slack U1) assigned to
// the company; a debrief 30 days before Now with the owner's words, the
// main wall, a follow-up date 10 days before Now and a sensitive note; that
// open follow-up; and a check-in 2 days before Now whose owner's words are
// marked sensitive (were they shown, they would be the quote on the overdue
// line).
func SeedOverdue(ctx context.Context, tx store.Tx, o Overdue) error {
	adv, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤", Locale: "ja"}, "slack", "U1")
	if err != nil {
		return err
	}
	c, err := tx.CreateCompany(ctx, store.Company{Name: o.Company})
	if err != nil {
		return err
	}
	at := o.Now.AddDate(0, 0, -30)
	if err := tx.Assign(ctx, c.ID, adv.ID, at); err != nil {
		return err
	}
	s, err := tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, CompanyID: c.ID, RespondentID: adv.ID,
		Channel: "slack", Status: store.SessionCompleted, CreatedAt: at, UpdatedAt: at, CompletedAt: at})
	if err != nil {
		return err
	}
	due := flows.DateOf(o.Now).AddDays(-10).String()
	for _, a := range []store.Answer{
		{StepID: "D6a", Value: o.Secret, Sensitive: true},
		{StepID: "D7", Tag: "owner.words", Value: o.Quote},
		{StepID: "D15", Tag: "wall.main", Value: o.Wall},
		{StepID: "D34", Tag: "followup.date", Value: due},
	} {
		a.SessionID, a.ByPersonID, a.At = s.ID, adv.ID, at
		if _, err := tx.AddAnswer(ctx, a); err != nil {
			return err
		}
	}
	if _, err := tx.AddFollowup(ctx, store.Followup{CompanyID: c.ID, AdvisorID: adv.ID, SessionID: s.ID, Due: due, Status: "open", CreatedAt: at}); err != nil {
		return err
	}
	in := o.Now.AddDate(0, 0, -2)
	cs, err := tx.CreateSession(ctx, store.Session{FlowID: "checkin", FlowVersion: 1, CompanyID: c.ID, RespondentID: adv.ID,
		Channel: "line", Status: store.SessionCompleted, CreatedAt: in, UpdatedAt: in, CompletedAt: in})
	if err != nil {
		return err
	}
	_, err = tx.AddAnswer(ctx, store.Answer{SessionID: cs.ID, StepID: "L2c", Tag: "owner.words", Value: "「" + o.Secret + "」", Sensitive: true, At: in})
	return err
}
