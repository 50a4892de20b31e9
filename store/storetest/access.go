package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// testAccess covers the company-name key, assignment checks, access
// requests and handovers.
func testAccess(t *testing.T, open opener) {
	t.Parallel()
	t.Run("CompanyKey", func(t *testing.T) { testCompanyKey(t, open) })
	t.Run("Unassign", func(t *testing.T) { testUnassign(t, open) })
	t.Run("AccessRequests", func(t *testing.T) { testAccessRequests(t, open) })
	t.Run("Handovers", func(t *testing.T) { testHandovers(t, open) })
	t.Run("Reassign", func(t *testing.T) { testReassign(t, open) })
}

func testCompanyKey(t *testing.T, open opener) {
	f := setup(t, open)
	c := f.company("株式会社山田製作所")
	other := f.company("佐藤商店")
	without := must(f, "companies without key", func(ctx context.Context, tx store.Tx) ([]store.Company, error) {
		return tx.CompaniesWithoutKey(ctx)
	})
	if len(without) != 2 {
		t.Fatalf("companies without key = %d, want 2", len(without))
	}
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) { return tx.CompanyByKey(ctx, "") })
	wantErr(t, "empty key", err, store.ErrNotFound)
	f.do("set keys", func(ctx context.Context, tx store.Tx) error {
		if err := tx.SetCompanyKey(ctx, c.ID, "山田製作所"); err != nil {
			return err
		}
		return tx.SetCompanyKey(ctx, other.ID, "佐藤商店")
	})
	got := must(f, "by key", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CompanyByKey(ctx, "山田製作所")
	})
	if got.ID != c.ID || got.Name != "株式会社山田製作所" {
		t.Errorf("by key = %+v, want %+v", got, c)
	}
	_, err = get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) { return tx.CompanyByKey(ctx, "山田") })
	wantErr(t, "partial key", err, store.ErrNotFound)
	err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.SetCompanyKey(ctx, unknownID, "x") })
	wantErr(t, "key of unknown company", err, store.ErrNotFound)
	without = must(f, "companies without key", func(ctx context.Context, tx store.Tx) ([]store.Company, error) {
		return tx.CompaniesWithoutKey(ctx)
	})
	if len(without) != 0 {
		t.Errorf("companies without key after setting = %v", without)
	}
}

func testUnassign(t *testing.T, open opener) {
	f := setup(t, open)
	a := f.person(store.RoleAdvisor, "佐藤")
	b := f.person(store.RoleAdvisor, "鈴木")
	c := f.company("山田製作所")
	f.do("assign", func(ctx context.Context, tx store.Tx) error { return tx.Assign(ctx, c.ID, a.ID, at(1)) })
	check := func(who store.Person, want bool) {
		t.Helper()
		got := must(f, "is assigned", func(ctx context.Context, tx store.Tx) (bool, error) { return tx.IsAssigned(ctx, c.ID, who.ID) })
		if got != want {
			t.Errorf("IsAssigned(%s) = %v, want %v", who.Name, got, want)
		}
	}
	check(a, true)
	check(b, false)
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.Unassign(ctx, c.ID, b.ID) })
	wantErr(t, "unassign someone not assigned", err, store.ErrNotFound)
	f.do("unassign", func(ctx context.Context, tx store.Tx) error { return tx.Unassign(ctx, c.ID, a.ID) })
	check(a, false)
	cs := must(f, "companies of", func(ctx context.Context, tx store.Tx) ([]store.Company, error) { return tx.CompaniesOf(ctx, a.ID) })
	if len(cs) != 0 {
		t.Errorf("companies of unassigned advisor = %v", cs)
	}
}

func testAccessRequests(t *testing.T, open opener) {
	f := setup(t, open)
	a := f.person(store.RoleAdvisor, "佐藤")
	coord := f.person(store.RoleCoordinator, "田中")
	c := f.company("山田製作所")
	r := must(f, "request", func(ctx context.Context, tx store.Tx) (store.AccessRequest, error) {
		return tx.CreateAccessRequest(ctx, store.AccessRequest{CompanyID: c.ID, RequesterID: a.ID, CreatedAt: at(1)})
	})
	if r.ID == 0 || r.Status != store.RequestPending {
		t.Fatalf("created request = %+v", r)
	}
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.AccessRequest, error) {
		return tx.CreateAccessRequest(ctx, store.AccessRequest{CompanyID: c.ID, RequesterID: a.ID, CreatedAt: at(2)})
	})
	wantErr(t, "second pending request", err, store.ErrConflict)
	f.do("approve", func(ctx context.Context, tx store.Tx) error {
		return tx.DecideAccessRequest(ctx, r.ID, store.RequestApproved, coord.ID, at(3))
	})
	got := must(f, "read", func(ctx context.Context, tx store.Tx) (store.AccessRequest, error) {
		return tx.AccessRequest(ctx, r.ID)
	})
	want := store.AccessRequest{ID: r.ID, CompanyID: c.ID, RequesterID: a.ID, Status: store.RequestApproved,
		CreatedAt: at(1), DecidedBy: coord.ID, DecidedAt: at(3)}
	sameRecord(t, "decided request", got, want)
	err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.DecideAccessRequest(ctx, r.ID, store.RequestRejected, coord.ID, at(4))
	})
	wantErr(t, "decide twice", err, store.ErrConflict)
	err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.DecideAccessRequest(ctx, unknownID, store.RequestRejected, coord.ID, at(4))
	})
	wantErr(t, "decide unknown", err, store.ErrNotFound)
	// Once decided, the advisor may ask again.
	must(f, "request again", func(ctx context.Context, tx store.Tx) (store.AccessRequest, error) {
		return tx.CreateAccessRequest(ctx, store.AccessRequest{CompanyID: c.ID, RequesterID: a.ID, CreatedAt: at(5)})
	})
}

func testHandovers(t *testing.T, open opener) {
	f := setup(t, open)
	a := f.person(store.RoleAdvisor, "佐藤")
	b := f.person(store.RoleAdvisor, "鈴木")
	c := f.company("山田製作所")
	s := f.startSession(a.ID, c.ID)
	h := must(f, "add", func(ctx context.Context, tx store.Tx) (store.Handover, error) {
		return tx.AddHandover(ctx, store.Handover{CompanyID: c.ID, FromID: a.ID, ToID: b.ID, At: at(10)})
	})
	f.do("memo", func(ctx context.Context, tx store.Tx) error { return tx.SetHandoverMemo(ctx, h.ID, s.ID) })
	f.do("shown", func(ctx context.Context, tx store.Tx) error { return tx.MarkHandoverMemoShown(ctx, h.ID, at(20)) })
	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.MarkHandoverMemoShown(ctx, h.ID, at(21)) })
	wantErr(t, "memo shown twice", err, store.ErrConflict)
	err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.MarkHandoverOwnerTold(ctx, unknownID, at(21)) })
	wantErr(t, "unknown handover", err, store.ErrNotFound)
	hs := must(f, "list", func(ctx context.Context, tx store.Tx) ([]store.Handover, error) { return tx.Handovers(ctx, c.ID) })
	want := store.Handover{ID: h.ID, CompanyID: c.ID, FromID: a.ID, ToID: b.ID, At: at(10), MemoSessionID: s.ID, MemoShownAt: at(20)}
	sameList(t, "handovers", hs, []store.Handover{want})
	between := func(from, to time.Time) int {
		return len(must(f, "between", func(ctx context.Context, tx store.Tx) ([]store.Handover, error) {
			return tx.HandoversBetween(ctx, from, to)
		}))
	}
	if n := between(at(0), at(10)); n != 0 {
		t.Errorf("handovers before = %d, want 0 (end is exclusive)", n)
	}
	if n := between(at(10), at(11)); n != 1 {
		t.Errorf("handovers in window = %d, want 1", n)
	}
}

func testReassign(t *testing.T, open opener) {
	f := setup(t, open)
	a := f.person(store.RoleAdvisor, "佐藤")
	b := f.person(store.RoleAdvisor, "鈴木")
	c := f.company("山田製作所")
	other := f.company("佐藤商店")
	s := f.startSession(a.ID, c.ID)
	f.do("records", func(ctx context.Context, tx store.Tx) error {
		for _, fu := range []store.Followup{
			{CompanyID: c.ID, AdvisorID: a.ID, SessionID: s.ID, Due: "2026-04-01", Status: "open", CreatedAt: at(1)},
			{CompanyID: c.ID, AdvisorID: a.ID, SessionID: s.ID, Due: "2026-03-01", Status: "done", CreatedAt: at(1)},
			{CompanyID: other.ID, AdvisorID: a.ID, SessionID: s.ID, Due: "2026-04-01", Status: "open", CreatedAt: at(1)},
		} {
			if _, err := tx.AddFollowup(ctx, fu); err != nil {
				return err
			}
		}
		for i, st := range []store.ReminderStatus{store.ReminderPending, store.ReminderSent} {
			if _, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: "followup", RecipientID: a.ID, CompanyID: c.ID,
				DueAt: at(60), DedupeKey: "followup:t" + string(rune('0'+i)), Status: st}); err != nil {
				return err
			}
		}
		_, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: "followup", RecipientID: a.ID, CompanyID: other.ID,
			DueAt: at(60), DedupeKey: "followup:other"})
		return err
	})
	n := must(f, "follow-ups", func(ctx context.Context, tx store.Tx) (int64, error) {
		return tx.ReassignFollowups(ctx, c.ID, a.ID, b.ID)
	})
	if n != 1 {
		t.Errorf("moved follow-ups = %d, want 1 (the open one of this company)", n)
	}
	n = must(f, "reminders", func(ctx context.Context, tx store.Tx) (int64, error) {
		return tx.ReassignReminders(ctx, c.ID, a.ID, b.ID)
	})
	if n != 1 {
		t.Errorf("moved reminders = %d, want 1 (the pending one of this company)", n)
	}
	fus := must(f, "open of b", func(ctx context.Context, tx store.Tx) ([]store.Followup, error) { return tx.OpenFollowups(ctx, b.ID) })
	if len(fus) != 1 || fus[0].CompanyID != c.ID {
		t.Errorf("b open follow-ups = %+v", fus)
	}
	rs := must(f, "b's reminders", func(ctx context.Context, tx store.Tx) ([]store.Reminder, error) {
		return tx.Reminders(ctx, store.ReminderFilter{RecipientID: b.ID})
	})
	if len(rs) != 1 || rs[0].DedupeKey != "followup:t0" {
		t.Errorf("b's reminders = %+v", rs)
	}
}
