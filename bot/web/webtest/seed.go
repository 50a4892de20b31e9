// Package webtest fills a store with a coordinator's portfolio — advisors,
// companies, debriefs with 要配慮 answers, owners' check-ins, commitments,
// follow-ups, referrals and small wins — for the web desk's tests, its
// browser test and its benchmark.
package webtest

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// Options size the portfolio.
type Options struct {
	Companies int
	Advisors  int
	Now       time.Time // the story's today; records lie up to ~200 days before
}

// Seed is what Fill created.
type Seed struct {
	Coordinator store.Person
	Advisors    []store.Person // Slack ids U-ADV-0, U-ADV-1, …
	Companies   []store.Company
	AdvisorOf   map[int64]int64 // company id → advisor id
	Walls       []Dated         // each debrief's main wall (option id)
	Wins        []time.Time     // each small win
	Followups   []Dated         // each follow-up's due day; Value "on time" when it was done in time
	Overdue     map[int64]bool  // companies whose next follow-up is overdue
	Sensitive   string          // the text of every 要配慮 answer
}

// Dated is a value recorded at a time.
type Dated struct {
	CompanyID int64
	Value     string
	At        time.Time
}

// CoordinatorSlackID is the Slack id of the seeded coordinator.
const CoordinatorSlackID = "U-COORD"

// AdvisorSlackID is the Slack id of the seeded advisor with index i.
func AdvisorSlackID(i int) string { return fmt.Sprintf("U-ADV-%d", i) }

// WallIDs are the options of the debrief's wall.main step (D15).
var WallIDs = []string{"mienai", "mukiawanai", "jikkou_dekinai", "tsuite_konai", "tarinai"}

var (
	municipalities = []string{"富山市", "高岡市", "射水市", "魚津市"}
	stages         = []string{"創業期", "成長期", "成熟期", "承継期"}
)

// SensitiveText is the text of every seeded 要配慮 answer.
const SensitiveText = "家族の介護で店を閉める日が増えている"

// Fill creates the portfolio in st, a hundred companies per transaction.
func Fill(ctx context.Context, st store.Store, o Options) (Seed, error) {
	s := Seed{AdvisorOf: map[int64]int64{}, Overdue: map[int64]bool{}, Sensitive: SensitiveText}
	at := o.Now.Add(-400 * 24 * time.Hour)
	err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		s.Coordinator, err = tx.CreatePerson(ctx, store.Person{Role: store.RoleCoordinator, Name: "佐藤 まゆみ", Locale: "ja", CreatedAt: at}, "slack", CoordinatorSlackID)
		if err != nil {
			return err
		}
		for i := range o.Advisors {
			p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: fmt.Sprintf("支援者%02d", i+1), Locale: "ja", CreatedAt: at}, "slack", AdvisorSlackID(i))
			if err != nil {
				return err
			}
			s.Advisors = append(s.Advisors, p)
		}
		return nil
	})
	if err != nil {
		return s, fmt.Errorf("webtest: staff: %w", err)
	}
	for start := 0; start < o.Companies; start += 100 {
		err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			for i := start; i < min(start+100, o.Companies); i++ {
				if err := s.company(ctx, tx, i, o.Now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return s, fmt.Errorf("webtest: companies: %w", err)
		}
	}
	return s, nil
}

func (s *Seed) company(ctx context.Context, tx store.Tx, i int, now time.Time) error {
	day := func(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
	visit := day(i*7%200 + 1)
	c, err := tx.CreateCompany(ctx, store.Company{Name: fmt.Sprintf("企業%04d 製作所", i+1), Industry: "製造業",
		Stage: stages[i%len(stages)], Municipality: municipalities[i%len(municipalities)], CreatedAt: day(300)})
	if err != nil {
		return err
	}
	s.Companies = append(s.Companies, c)
	adv := s.Advisors[i%len(s.Advisors)]
	s.AdvisorOf[c.ID] = adv.ID
	if err := tx.Assign(ctx, c.ID, adv.ID, day(300)); err != nil {
		return err
	}
	wall := WallIDs[i%len(WallIDs)]
	deb, err := s.session(ctx, tx, "debrief", adv.ID, c.ID, visit, []store.Answer{
		{StepID: "D6a", Value: SensitiveText, Sensitive: true},
		{StepID: "D7", Value: "もう少し若い人に来てほしい", Tag: "owner.words"},
		{StepID: "D15", Value: wall, Tag: "wall.main"},
		{StepID: "D22", Value: "求人票を書き直す", Tag: "commitment.text"},
	})
	if err != nil {
		return err
	}
	s.Walls = append(s.Walls, Dated{CompanyID: c.ID, Value: wall, At: visit})
	due := visit.Add(14 * 24 * time.Hour).In(now.Location()).Format(time.DateOnly)
	if _, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, SessionID: deb.ID, Text: "求人票を書き直す", Due: due, Status: "open", CreatedAt: visit}); err != nil {
		return err
	}
	fu := store.Followup{CompanyID: c.ID, AdvisorID: adv.ID, SessionID: deb.ID, Due: due, Status: "open", CreatedAt: visit}
	// Every other company had its follow-up visit in time (10 days later).
	if again := visit.Add(10 * 24 * time.Hour); i%2 == 0 && again.Before(now) {
		if _, err := s.session(ctx, tx, "verify", adv.ID, c.ID, again, []store.Answer{
			{StepID: "V3", Value: "応募が2件あった", Tag: "facts"},
		}); err != nil {
			return err
		}
		fu.Status = "done"
	}
	if _, err := tx.AddFollowup(ctx, fu); err != nil {
		return err
	}
	s.Overdue[c.ID] = fu.Status == "open" && due < now.Format(time.DateOnly)
	done := ""
	if fu.Status == "done" {
		done = "on time"
	}
	s.Followups = append(s.Followups, Dated{CompanyID: c.ID, Value: done, At: visit.Add(14 * 24 * time.Hour)})
	if i%4 == 0 {
		if _, err := tx.AddReferral(ctx, store.Referral{CompanyID: c.ID, SessionID: deb.ID, Targets: []string{"yorozu"}, Reason: "販路開拓", Status: "pending", CreatedAt: visit}); err != nil {
			return err
		}
	}
	owner, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: fmt.Sprintf("経営者%04d", i+1), Locale: "ja", CreatedAt: visit}, "line", fmt.Sprintf("L-OWNER-%d", i))
	if err != nil {
		return err
	}
	if err := tx.LinkOwner(ctx, owner.ID, c.ID, visit); err != nil {
		return err
	}
	checkin := visit.Add(7 * 24 * time.Hour)
	if i%3 != 2 && checkin.Before(now) {
		if _, err := s.session(ctx, tx, "checkin", owner.ID, c.ID, checkin, []store.Answer{
			{StepID: "L1", Value: "doing", Tag: "checkin.status"},
			{StepID: "L2c", Value: "少しずつ応募が来ています", Tag: "owner.words"},
			{StepID: "L3", Value: fmt.Sprint(i%5 + 1), Tag: "checkin.confidence"},
		}); err != nil {
			return err
		}
	}
	if i%5 == 0 && checkin.Before(now) {
		if _, err := tx.AddSmallWin(ctx, store.SmallWin{CompanyID: c.ID, SessionID: deb.ID, Text: "初めての応募があった", Source: "owner", CreatedAt: checkin}); err != nil {
			return err
		}
		s.Wins = append(s.Wins, checkin)
	}
	return nil
}

// session stores a completed session with its answers.
func (s *Seed) session(ctx context.Context, tx store.Tx, flow string, by, companyID int64, at time.Time, answers []store.Answer) (store.Session, error) {
	ss, err := tx.CreateSession(ctx, store.Session{FlowID: flow, FlowVersion: 1, Mode: "full", CompanyID: companyID,
		RespondentID: by, Channel: channelOf(flow), Status: store.SessionActive, Step: "end", CreatedAt: at, UpdatedAt: at})
	if err != nil {
		return ss, err
	}
	for _, a := range answers {
		a.SessionID, a.ByPersonID, a.At, a.Raw = ss.ID, by, at, a.Value
		if _, err := tx.AddAnswer(ctx, a); err != nil {
			return ss, err
		}
	}
	ss.Status, ss.CompletedAt, ss.UpdatedAt = store.SessionCompleted, at, at
	return tx.UpdateSession(ctx, ss)
}

func channelOf(flow string) string {
	if flow == "checkin" {
		return "line"
	}
	return "slack"
}
