package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

func testRecords(t *testing.T, open opener) {
	t.Parallel()
	t.Run("the latest commitment is the newest, ties broken by id", func(t *testing.T) {
		testCommitments(t, open)
	})
	t.Run("open follow-ups of one advisor come earliest due first", func(t *testing.T) {
		testFollowups(t, open)
	})
	t.Run("referrals keep their targets", func(t *testing.T) {
		testReferrals(t, open)
	})
	t.Run("small wins are stored", func(t *testing.T) {
		testSmallWins(t, open)
	})
	t.Run("a company's records come oldest first, each list only its own", func(t *testing.T) {
		testCompanyRecords(t, open)
	})
	t.Run("a commitment's status changes", func(t *testing.T) {
		testCommitmentStatus(t, open)
	})
	t.Run("closing a company's follow-ups closes only its open ones", func(t *testing.T) {
		testCloseFollowups(t, open)
	})
}

// visit is a company with a completed debrief, what records hang off.
type visit struct {
	owner, advisor store.Person
	company        store.Company
	session        store.Session
}

func (f *fixture) visit(name string) visit {
	f.t.Helper()
	v := visit{owner: f.person(store.RoleOwner, name+"社長"), advisor: f.person(store.RoleAdvisor, name+"担当")}
	v.company = f.company(name)
	v.session = f.end(f.startSession(v.advisor.ID, v.company.ID), store.SessionCompleted, at(1))
	return v
}

func testCommitments(t *testing.T, open opener) {
	f := setup(t, open)
	v, other := f.visit("やまと製菓"), f.visit("丸一商店")
	_, err := f.latestCommitment(v.company.ID)
	wantErr(t, "LatestCommitment with none", err, store.ErrNotFound)

	first := f.commit(store.Commitment{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "月末までに見積りを出す", Due: "2026-04-30", Status: "open", CreatedAt: at(20)})
	f.commit(store.Commitment{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "older, added later", Status: "done", CreatedAt: at(10)})
	f.commit(store.Commitment{CompanyID: other.company.ID, SessionID: other.session.ID, Text: "other company", Status: "open", CreatedAt: at(90)})
	got, err := f.latestCommitment(v.company.ID)
	if err != nil {
		t.Fatalf("LatestCommitment: %v", err)
	}
	sameRecord(t, "latest", got, first)

	tie := f.commit(store.Commitment{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "同時刻、後から", Status: "open", CreatedAt: at(20)})
	if tie.ID <= first.ID {
		t.Fatalf("ids do not grow: %d after %d", tie.ID, first.ID)
	}
	got, err = f.latestCommitment(v.company.ID)
	if err != nil {
		t.Fatalf("LatestCommitment: %v", err)
	}
	sameRecord(t, "latest after a tie", got, tie) // Due "" stays ""
}

func (f *fixture) commit(c store.Commitment) store.Commitment {
	f.t.Helper()
	got := must(f, "add commitment", func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
		return tx.AddCommitment(ctx, c)
	})
	if got.ID == 0 {
		f.t.Fatalf("AddCommitment returned ID 0")
	}
	c.ID = got.ID
	sameEcho(f.t, "added commitment", got, c)
	return c
}

func (f *fixture) latestCommitment(companyID int64) (store.Commitment, error) {
	return get(f, func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
		return tx.LatestCommitment(ctx, companyID)
	})
}

func testFollowups(t *testing.T, open opener) {
	f := setup(t, open)
	v, other := f.visit("やまと製菓"), f.visit("丸一商店")
	if got := f.openFollowups(v.advisor.ID); len(got) != 0 {
		t.Errorf("OpenFollowups with none = %+v, want none", got)
	}
	march := f.followup(store.Followup{CompanyID: v.company.ID, AdvisorID: v.advisor.ID, SessionID: v.session.ID, Due: "2026-03-10", Status: "open", CreatedAt: at(1)})
	f.followup(store.Followup{CompanyID: v.company.ID, AdvisorID: v.advisor.ID, SessionID: v.session.ID, Due: "2026-01-01", Status: "done", CreatedAt: at(2)})
	feb := f.followup(store.Followup{CompanyID: other.company.ID, AdvisorID: v.advisor.ID, SessionID: other.session.ID, Due: "2026-02-01", Status: "open", CreatedAt: at(3)})
	december := f.followup(store.Followup{CompanyID: other.company.ID, AdvisorID: other.advisor.ID, SessionID: other.session.ID, Due: "2025-12-01", Status: "open", CreatedAt: at(4)})
	nextYear := f.followup(store.Followup{CompanyID: v.company.ID, AdvisorID: v.advisor.ID, SessionID: v.session.ID, Due: "2027-01-05", Status: "open", CreatedAt: at(5)})

	sameList(t, "open follow-ups", f.openFollowups(v.advisor.ID), []store.Followup{feb, march, nextYear})
	sameList(t, "the other advisor's", f.openFollowups(other.advisor.ID), []store.Followup{december})
}

func (f *fixture) followup(fu store.Followup) store.Followup {
	f.t.Helper()
	got := must(f, "add follow-up", func(ctx context.Context, tx store.Tx) (store.Followup, error) {
		return tx.AddFollowup(ctx, fu)
	})
	if got.ID == 0 {
		f.t.Fatalf("AddFollowup returned ID 0")
	}
	fu.ID = got.ID
	sameEcho(f.t, "added follow-up", got, fu)
	return fu
}

func (f *fixture) openFollowups(advisorID int64) []store.Followup {
	f.t.Helper()
	return must(f, "open follow-ups", func(ctx context.Context, tx store.Tx) ([]store.Followup, error) {
		return tx.OpenFollowups(ctx, advisorID)
	})
}

// Referrals and small wins have no read method yet: the suite checks what
// the write returns and that ids are distinct.
func testReferrals(t *testing.T, open opener) {
	f := setup(t, open)
	v := f.visit("やまと製菓")
	refs := []store.Referral{
		{CompanyID: v.company.ID, SessionID: v.session.ID, Targets: []string{"yorozu", "shinkin.toyama", "商工会"}, Reason: "資金繰りの相談", Status: "pending", CreatedAt: at(2)},
		{CompanyID: v.company.ID, SessionID: v.session.ID, Targets: []string{"yorozu"}, Reason: "販路", Status: "accepted", CreatedAt: at(3)},
	}
	var ids []int64
	for _, r := range refs {
		got := must(f, "add referral", func(ctx context.Context, tx store.Tx) (store.Referral, error) {
			return tx.AddReferral(ctx, r)
		})
		r.ID = got.ID
		sameEcho(t, "referral", got, r)
		ids = append(ids, got.ID)
	}
	if ids[0] == 0 || ids[0] == ids[1] {
		t.Errorf("referral ids %v, want two distinct non-zero ids", ids)
	}
}

func testSmallWins(t *testing.T, open opener) {
	f := setup(t, open)
	v := f.visit("やまと製菓")
	wins := []store.SmallWin{
		{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "初めて黒字の月", Source: "owner", CreatedAt: at(2)},
		{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "新商品が完成", Source: "advisor", CreatedAt: at(3)},
	}
	var ids []int64
	for _, w := range wins {
		got := must(f, "add small win", func(ctx context.Context, tx store.Tx) (store.SmallWin, error) {
			return tx.AddSmallWin(ctx, w)
		})
		w.ID = got.ID
		sameEcho(t, "small win", got, w)
		ids = append(ids, got.ID)
	}
	if ids[0] == 0 || ids[0] == ids[1] {
		t.Errorf("small win ids %v, want two distinct non-zero ids", ids)
	}
}

func testAudit(t *testing.T, open opener) {
	t.Parallel()
	t.Run("entries are listed per subject, oldest first", func(t *testing.T) {
		f := setup(t, open)
		coordinator := f.person(store.RoleCoordinator, "中村")
		entries := []store.AuditEntry{
			{ActorID: coordinator.ID, Action: "company.erase", Subject: "company:3", Detail: "requested by owner", At: at(20)},
			{ActorID: 0, Action: "company.merge", Subject: "company:3", Detail: "", At: at(10)},
			{ActorID: coordinator.ID, Action: "company.erase", Subject: "company:4", Detail: "other", At: at(15)},
			{ActorID: coordinator.ID, Action: "company.note", Subject: "company:3", Detail: "同時刻", At: at(20)},
		}
		for _, e := range entries {
			f.do("add audit", func(ctx context.Context, tx store.Tx) error { return tx.AddAudit(ctx, e) })
		}
		got := f.audit("company:3")
		for i := range got {
			if got[i].ID == 0 {
				t.Errorf("entry %d has ID 0", i)
			}
			got[i].ID = 0
		}
		sameList(t, "company:3", got, []store.AuditEntry{entries[1], entries[0], entries[3]})
		if got := f.audit("company:99"); len(got) != 0 {
			t.Errorf("audit of an untouched subject = %+v, want none", got)
		}
	})
}
