package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

// testCompanyRecords adds records out of time order to two companies and
// reads each company's back: oldest first, ties by id, nothing foreign.
func testCompanyRecords(t *testing.T, open opener) {
	f := setup(t, open)
	v, other := f.visit("やまと製菓"), f.visit("丸一商店")
	if got := f.companyRecords(v.company.ID); !emptyRecords(got) {
		t.Errorf("records of a company without any = %+v, want four empty lists", got)
	}
	c, s := v.company.ID, v.session.ID
	late := f.commit(store.Commitment{CompanyID: c, SessionID: s, Text: "見積りを出す", Due: "2026-04-30", Status: "open", CreatedAt: at(20)})
	early := f.commit(store.Commitment{CompanyID: c, Text: "名刺を作る", Status: "done", CreatedAt: at(10)})
	tie := f.commit(store.Commitment{CompanyID: c, SessionID: s, Text: "同時刻", Status: "open", CreatedAt: at(20)})
	f.commit(store.Commitment{CompanyID: other.company.ID, Text: "other", Status: "open", CreatedAt: at(5)})

	fuLate := f.followup(store.Followup{CompanyID: c, AdvisorID: v.advisor.ID, SessionID: s, Due: "2026-05-01", Status: "open", CreatedAt: at(30)})
	fuEarly := f.followup(store.Followup{CompanyID: c, AdvisorID: other.advisor.ID, Due: "2026-06-01", Status: "done", CreatedAt: at(3)})
	f.followup(store.Followup{CompanyID: other.company.ID, AdvisorID: v.advisor.ID, Due: "2026-01-01", Status: "open", CreatedAt: at(1)})

	refLate := f.refer(store.Referral{CompanyID: c, SessionID: s, Targets: []string{"yorozu", "商工会"}, Reason: "資金繰り", Status: "pending", CreatedAt: at(40)})
	refEarly := f.refer(store.Referral{CompanyID: c, Reason: "行き先未定", Status: "pending", CreatedAt: at(4)})
	refEarly.Targets = []string{} // no targets read back as an empty list
	f.refer(store.Referral{CompanyID: other.company.ID, Targets: []string{"x"}, Status: "done", CreatedAt: at(0)})

	winLate := f.win(store.SmallWin{CompanyID: c, SessionID: s, Text: "初めて黒字", Source: "owner", CreatedAt: at(50)})
	winEarly := f.win(store.SmallWin{CompanyID: c, Text: "新商品", Source: "advisor", CreatedAt: at(5)})
	f.win(store.SmallWin{CompanyID: other.company.ID, Text: "other", Source: "owner", CreatedAt: at(0)})

	got := f.companyRecords(c)
	sameList(t, "commitments", got.Commitments, []store.Commitment{early, late, tie})
	sameList(t, "follow-ups", got.Followups, []store.Followup{fuEarly, fuLate})
	sameList(t, "referrals", got.Referrals, []store.Referral{refEarly, refLate})
	sameList(t, "small wins", got.SmallWins, []store.SmallWin{winEarly, winLate})
	theirs := f.companyRecords(other.company.ID)
	if len(theirs.Commitments) != 1 || len(theirs.Followups) != 1 || len(theirs.Referrals) != 1 || len(theirs.SmallWins) != 1 {
		t.Errorf("the other company's records = %+v, want one of each", theirs)
	}
	if got := f.companyRecords(unknownID); !emptyRecords(got) {
		t.Errorf("records of an unknown company = %+v, want four empty lists", got)
	}
}

func emptyRecords(r store.Records) bool {
	return len(r.Commitments)+len(r.Followups)+len(r.Referrals)+len(r.SmallWins) == 0
}

func (f *fixture) companyRecords(companyID int64) store.Records {
	f.t.Helper()
	return must(f, "company records", func(ctx context.Context, tx store.Tx) (store.Records, error) {
		return tx.CompanyRecords(ctx, companyID)
	})
}

func (f *fixture) refer(r store.Referral) store.Referral {
	f.t.Helper()
	got := must(f, "add referral", func(ctx context.Context, tx store.Tx) (store.Referral, error) {
		return tx.AddReferral(ctx, r)
	})
	r.ID = got.ID
	return r
}

func (f *fixture) win(w store.SmallWin) store.SmallWin {
	f.t.Helper()
	got := must(f, "add small win", func(ctx context.Context, tx store.Tx) (store.SmallWin, error) {
		return tx.AddSmallWin(ctx, w)
	})
	w.ID = got.ID
	return w
}

func testCommitmentStatus(t *testing.T, open opener) {
	f := setup(t, open)
	v := f.visit("やまと製菓")
	first := f.commit(store.Commitment{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "見積りを出す", Status: "open", CreatedAt: at(10)})
	second := f.commit(store.Commitment{CompanyID: v.company.ID, SessionID: v.session.ID, Text: "試作する", Status: "open", CreatedAt: at(20)})
	f.setCommitmentStatus(first.ID, "done")
	f.setCommitmentStatus(second.ID, "dropped")
	f.setCommitmentStatus(second.ID, "open") // reopened
	first.Status = "done"
	sameList(t, "commitments", f.companyRecords(v.company.ID).Commitments, []store.Commitment{first, second})
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.SetCommitmentStatus(ctx, unknownID, "done")
	})
	wantErr(t, "SetCommitmentStatus of an unknown commitment", err, store.ErrNotFound)
}

func (f *fixture) setCommitmentStatus(id int64, status string) {
	f.t.Helper()
	f.do("set commitment status "+status, func(ctx context.Context, tx store.Tx) error {
		return tx.SetCommitmentStatus(ctx, id, status)
	})
}

func testCloseFollowups(t *testing.T, open opener) {
	f := setup(t, open)
	v, other := f.visit("やまと製菓"), f.visit("丸一商店")
	mine := []store.Followup{
		f.followup(store.Followup{CompanyID: v.company.ID, AdvisorID: v.advisor.ID, Due: "2026-04-01", Status: "open", CreatedAt: at(1)}),
		f.followup(store.Followup{CompanyID: v.company.ID, AdvisorID: other.advisor.ID, Due: "2026-04-02", Status: "open", CreatedAt: at(2)}),
		f.followup(store.Followup{CompanyID: v.company.ID, AdvisorID: v.advisor.ID, Due: "2026-03-01", Status: "done", CreatedAt: at(3)}),
	}
	theirs := f.followup(store.Followup{CompanyID: other.company.ID, AdvisorID: v.advisor.ID, Due: "2026-05-01", Status: "open", CreatedAt: at(4)})

	if n := f.closeFollowups(v.company.ID); n != 2 {
		t.Errorf("CloseFollowups = %d, want 2", n)
	}
	for i := range mine {
		mine[i].Status = "done"
	}
	sameList(t, "the company's follow-ups", f.companyRecords(v.company.ID).Followups, mine)
	sameList(t, "open follow-ups of the advisor", f.openFollowups(v.advisor.ID), []store.Followup{theirs})
	if n := f.closeFollowups(v.company.ID); n != 0 {
		t.Errorf("CloseFollowups again = %d, want 0", n)
	}
}

func (f *fixture) closeFollowups(companyID int64) int64 {
	f.t.Helper()
	return must(f, "close follow-ups", func(ctx context.Context, tx store.Tx) (int64, error) {
		return tx.CloseFollowups(ctx, companyID)
	})
}
