package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// portfolioStory is two companies with a history and one without.
type portfolioStory struct {
	a, b, c                store.Company
	x, y, owner            store.Person
	visit, verify, checkin store.Session
	wall, confidence       store.Answer
	openCommitment         store.Commitment
	nextFollowup, late     store.Followup
	referral               store.Referral
	win                    store.SmallWin
}

func newPortfolioStory(f *fixture) portfolioStory {
	f.t.Helper()
	var s portfolioStory
	s.a, s.b, s.c = f.company("あおば食堂"), f.company("北陸精工"), f.company("丸一商店")
	s.x, s.y, s.owner = f.person(store.RoleAdvisor, "田中"), f.person(store.RoleAdvisor, "鈴木"), f.person(store.RoleOwner, "青葉")
	f.do("assign", func(ctx context.Context, tx store.Tx) error {
		if err := tx.Assign(ctx, s.a.ID, s.x.ID, at(0)); err != nil {
			return err
		}
		if err := tx.Assign(ctx, s.b.ID, s.x.ID, at(1)); err != nil {
			return err
		}
		return tx.Assign(ctx, s.a.ID, s.y.ID, at(5))
	})
	run := func(flow string, by int64, company int64, start, end int, answers func(store.Session)) store.Session {
		ss := newSession(by, company)
		ss.FlowID, ss.CreatedAt, ss.UpdatedAt = flow, at(start), at(start)
		ss = must(f, "create session", func(ctx context.Context, tx store.Tx) (store.Session, error) { return tx.CreateSession(ctx, ss) })
		answers(ss)
		if end < 0 {
			return ss
		}
		return f.end(ss, store.SessionCompleted, at(end))
	}
	s.visit = run("debrief", s.x.ID, s.a.ID, 10, 12, func(ss store.Session) {
		f.answer(ss, s.x.ID, "D9", "cash", "wall.main", at(11))
	})
	s.verify = run("verify", s.y.ID, s.a.ID, 20, 22, func(ss store.Session) {
		f.answer(ss, s.y.ID, "V3", "sales", "wall.main", at(21))
		s.wall = f.answer(ss, s.y.ID, "V3", "people", "wall.main", at(21)) // revision 2 wins
	})
	s.checkin = run("checkin", s.owner.ID, s.a.ID, 30, 31, func(ss store.Session) {
		s.confidence = f.answer(ss, s.owner.ID, "C6", "4", "checkin.confidence", at(30))
	})
	run("debrief", s.x.ID, s.c.ID, 15, 16, func(ss store.Session) { // another company, not asked about
		f.answer(ss, s.x.ID, "D9", "cash", "wall.main", at(15))
	})
	run("debrief", s.x.ID, s.a.ID, 40, -1, func(ss store.Session) { // still active: not a visit, not memory
		f.answer(ss, s.x.ID, "D9", "market", "wall.main", at(41))
	})
	add := func(what string, fn func(ctx context.Context, tx store.Tx) error) { f.do(what, fn) }
	add("records", func(ctx context.Context, tx store.Tx) error {
		for i, c := range []store.Commitment{
			{CompanyID: s.a.ID, Text: "価格表を作り直す", Due: "2026-03-31", Status: "open", CreatedAt: at(12)},
			{CompanyID: s.a.ID, Text: "仕入先に相談する", Due: "2026-04-10", Status: "open", CreatedAt: at(22)},
			{CompanyID: s.a.ID, Text: "もう終わった", Status: "done", CreatedAt: at(25)},
			{CompanyID: s.c.ID, Text: "他社", Status: "open", CreatedAt: at(26)},
		} {
			got, err := tx.AddCommitment(ctx, c)
			if err != nil {
				return err
			}
			if i == 1 {
				s.openCommitment = got
			}
		}
		for i, fu := range []store.Followup{
			{CompanyID: s.a.ID, AdvisorID: s.x.ID, Due: "2026-04-01", Status: "open", CreatedAt: at(12)},
			{CompanyID: s.a.ID, AdvisorID: s.y.ID, Due: "2026-03-20", Status: "open", CreatedAt: at(22)},
			{CompanyID: s.a.ID, AdvisorID: s.x.ID, Due: "2026-03-01", Status: "done", CreatedAt: at(2)},
		} {
			got, err := tx.AddFollowup(ctx, fu)
			if err != nil {
				return err
			}
			switch i {
			case 1:
				s.nextFollowup = got
			case 2:
				s.late = got
			}
		}
		if _, err := tx.AddReferral(ctx, store.Referral{CompanyID: s.a.ID, Targets: []string{"yorozu"}, Reason: "販路", Status: "done", CreatedAt: at(12)}); err != nil {
			return err
		}
		var err error
		if s.referral, err = tx.AddReferral(ctx, store.Referral{CompanyID: s.a.ID, Targets: []string{"bank", "jfc"}, Reason: "資金", Status: "pending", CreatedAt: at(22)}); err != nil {
			return err
		}
		s.win, err = tx.AddSmallWin(ctx, store.SmallWin{CompanyID: s.a.ID, Text: "初めて黒字", Source: "owner", CreatedAt: at(31)})
		return err
	})
	return s
}

func testPortfolio(t *testing.T, open opener) {
	t.Parallel()
	t.Run("facts of many companies at once", func(t *testing.T) {
		f := setup(t, open)
		s := newPortfolioStory(f)
		facts := must(f, "portfolio facts", func(ctx context.Context, tx store.Tx) (map[int64]store.CompanyFacts, error) {
			return tx.PortfolioFacts(ctx, []int64{s.a.ID, s.b.ID}, []string{"debrief", "verify"}, []string{"wall.main", "checkin.confidence", "stage"})
		})
		if len(facts) != 2 {
			t.Fatalf("facts for %d companies, want 2 (only those asked about)", len(facts))
		}
		a := facts[s.a.ID]
		if len(a.Advisors) != 2 || a.Advisors[0].ID != s.y.ID || a.Advisors[1].ID != s.x.ID {
			t.Errorf("advisors of A = %v, want 鈴木 then 田中 (most recent first)", a.Advisors)
		}
		if d := storedTime(a.LastVisit, s.verify.CompletedAt); d != "" {
			t.Errorf("last visit (verify, not the later check-in or the active debrief): %s", d)
		}
		sameRecord(t, "wall.main (latest revision of the newest completed session)", a.Tagged["wall.main"], s.wall)
		sameRecord(t, "confidence", a.Tagged["checkin.confidence"], s.confidence)
		if _, ok := a.Tagged["stage"]; ok || len(a.Tagged) != 2 {
			t.Errorf("tagged answers of A = %v, want only wall.main and checkin.confidence", a.Tagged)
		}
		sameRecord(t, "newest open commitment", a.Commitment, s.openCommitment)
		sameRecord(t, "earliest open follow-up", a.NextFollowup, s.nextFollowup)
		sameRecord(t, "newest referral", a.Referral, s.referral)
		b := facts[s.b.ID]
		if len(b.Advisors) != 1 || b.Advisors[0].ID != s.x.ID || !b.LastVisit.IsZero() || b.Commitment.ID != 0 ||
			b.NextFollowup.ID != 0 || b.Referral.ID != 0 || b.Tagged == nil || len(b.Tagged) != 0 {
			t.Errorf("facts of B = %+v, want one advisor and nothing else (an empty, non-nil Tagged)", b)
		}
	})
	t.Run("no companies, no facts", func(t *testing.T) {
		f := setup(t, open)
		newPortfolioStory(f)
		facts := must(f, "portfolio facts", func(ctx context.Context, tx store.Tx) (map[int64]store.CompanyFacts, error) {
			return tx.PortfolioFacts(ctx, nil, nil, nil)
		})
		if len(facts) != 0 {
			t.Errorf("facts = %v, want none", facts)
		}
	})
	t.Run("a period's records", func(t *testing.T) {
		f := setup(t, open)
		s := newPortfolioStory(f)
		jst := time.FixedZone("JST", 9*60*60)
		from, to := at(11).In(jst), at(35).In(jst) // 2026-03-14 09:37 .. 10:01 JST
		r := must(f, "period records", func(ctx context.Context, tx store.Tx) (store.PeriodRecords, error) {
			return tx.PeriodRecords(ctx, []int64{s.a.ID, s.b.ID}, from, to, []string{"wall.main"})
		})
		if len(r.Sessions) != 2 || r.Sessions[0].ID != s.verify.ID || r.Sessions[1].ID != s.checkin.ID {
			t.Errorf("sessions = %v, want verify then checkin (created in the period, of A or B)", r.Sessions)
		}
		if len(r.Answers) != 1 {
			t.Fatalf("answers = %v, want the latest wall.main revision of verify only", r.Answers)
		}
		sameRecord(t, "period answer", r.Answers[0].Answer, s.wall)
		if r.Answers[0].CompanyID != s.a.ID {
			t.Errorf("answer's company = %d, want %d", r.Answers[0].CompanyID, s.a.ID)
		}
		if len(r.SmallWins) != 1 || r.SmallWins[0].ID != s.win.ID {
			t.Errorf("small wins = %v, want %v", r.SmallWins, s.win)
		}
		// Follow-ups go by local due day: [2026-03-14, 2026-03-14) is empty;
		// a month's window holds the follow-up due 03-20 only.
		if len(r.Followups) != 0 {
			t.Errorf("follow-ups due in a same-day window = %v, want none", r.Followups)
		}
		month := must(f, "period records", func(ctx context.Context, tx store.Tx) (store.PeriodRecords, error) {
			return tx.PeriodRecords(ctx, []int64{s.a.ID}, time.Date(2026, 3, 2, 0, 0, 0, 0, jst), time.Date(2026, 3, 31, 0, 0, 0, 0, jst), nil)
		})
		if len(month.Followups) != 1 || month.Followups[0].ID != s.nextFollowup.ID {
			t.Errorf("follow-ups due 03-02..03-30 = %v, want only the one due 03-20", month.Followups)
		}
		if len(month.Answers) != 0 {
			t.Errorf("answers with no tags asked = %v, want none", month.Answers)
		}
	})
}
