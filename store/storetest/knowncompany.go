package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

func testKnownCompany(t *testing.T, open opener) {
	t.Run("a company is found with whether the person is assigned to it", func(t *testing.T) {
		t.Parallel()
		testFindCompanyFor(t, open)
	})
	t.Run("a company's memory comes back in one read, as the single reads see it", func(t *testing.T) {
		t.Parallel()
		testCompanyMemory(t, open)
	})
	t.Run("a company without records has an empty memory", func(t *testing.T) {
		t.Parallel()
		testEmptyMemory(t, open)
	})
}

func testFindCompanyFor(t *testing.T, open opener) {
	f := setup(t, open)
	sato, suzuki := f.person(store.RoleAdvisor, "佐藤"), f.person(store.RoleAdvisor, "鈴木")
	type found struct {
		c        store.Company
		assigned bool
	}
	find := func(key, name string, personID int64) (found, error) {
		return get(f, func(ctx context.Context, tx store.Tx) (found, error) {
			c, ok, err := tx.FindCompanyFor(ctx, key, name, personID)
			return found{c, ok}, err
		})
	}
	_, err := find("やまだ", "山田製作所", sato.ID)
	wantErr(t, "find in an empty store", err, store.ErrNotFound)

	old := f.company("山田製作所（旧）") // a row from before keys: no key
	keyed := must(f, "create keyed", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CreateKeyedCompany(ctx, store.Company{Name: "株式会社山田製作所", CreatedAt: at(1)}, "やまだ")
	})
	f.do("assign 佐藤 to the keyed company", func(ctx context.Context, tx store.Tx) error {
		return tx.Assign(ctx, keyed.ID, sato.ID, at(2))
	})
	got, err := find("やまだ", "山田製作所（旧）", sato.ID)
	if err != nil || !got.assigned {
		t.Errorf("佐藤 finds the keyed company: assigned = %v (%v), want true", got.assigned, err)
	}
	sameRecord(t, "found by key", got.c, keyed)
	if got, err := find("やまだ", "山田製作所（旧）", suzuki.ID); err != nil || got.c.ID != keyed.ID || got.assigned {
		t.Errorf("鈴木 finds %+v, assigned %v (%v); want company %d, not assigned", got.c, got.assigned, err, keyed.ID)
	}
	if got, err := find("さとう", "山田製作所（旧）", sato.ID); err != nil || got.c.ID != old.ID || got.assigned {
		t.Errorf("find by an old row's exact name = %+v, assigned %v (%v); want %d, not assigned", got.c, got.assigned, err, old.ID)
	}
	_, err = find("", "存在しない", sato.ID)
	wantErr(t, "find with an empty key and an unknown name", err, store.ErrNotFound)
	// The same answer as FindCompany and IsAssigned.
	same := must(f, "FindCompany and IsAssigned", func(ctx context.Context, tx store.Tx) (found, error) {
		c, err := tx.FindCompany(ctx, "やまだ", "山田製作所（旧）")
		if err != nil {
			return found{}, err
		}
		ok, err := tx.IsAssigned(ctx, c.ID, sato.ID)
		return found{c, ok}, err
	})
	if same.c.ID != keyed.ID || !same.assigned {
		t.Errorf("FindCompany and IsAssigned say %+v; FindCompanyFor said company %d, assigned", same, keyed.ID)
	}
}

func testCompanyMemory(t *testing.T, open opener) {
	f := setup(t, open)
	sato, suzuki, takahashi := f.person(store.RoleAdvisor, "佐藤"), f.person(store.RoleAdvisor, "鈴木"), f.person(store.RoleAdvisor, "")
	owner := f.person(store.RoleOwner, "山田")
	yamada, other := f.company("山田製作所"), f.company("丸一商店")

	// Two debriefs: the newest answer of each tag wins, edits included.
	d1 := f.startSession(sato.ID, yamada.ID)
	f.answer(d1, sato.ID, "D15", "old", "wall.main", at(1))
	f.answer(d1, sato.ID, "I9", "founding", "stage", at(1))
	f.end(d1, store.SessionCompleted, at(2))
	f.do("commitments", func(ctx context.Context, tx store.Tx) error {
		for i, text := range []string{"古い一歩", "朝礼で目標を話す"} {
			_, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: yamada.ID, SessionID: d1.ID, Text: text,
				Due: "2026-04-01", Status: "open", CreatedAt: at(3 + i)})
			if err != nil {
				return err
			}
		}
		_, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: other.ID, Text: "他社の一歩", Status: "open", CreatedAt: at(50)})
		return err
	})
	d2 := f.startSession(sato.ID, yamada.ID)
	f.answer(d2, sato.ID, "D15", "newer", "wall.main", at(5))
	f.answer(d2, sato.ID, "D15", "newest, edited", "wall.main", at(6))
	f.end(d2, store.SessionCompleted, at(7))
	// Not memory: an active session, another company's session.
	draft := f.startSession(suzuki.ID, yamada.ID)
	f.answer(draft, suzuki.ID, "D15", "draft", "wall.main", at(8))
	foreign := f.startSession(sato.ID, other.ID)
	f.answer(foreign, sato.ID, "D15", "other company", "wall.main", at(9))
	f.answer(foreign, sato.ID, "C1", "他社の近況", "checkin.status", at(9))
	f.end(foreign, store.SessionCompleted, at(9))

	// Check-ins: two completed, the newer wins; a newer cancelled one and a
	// newer completed session of another flow do not count.
	checkin := func(created int, status store.SessionStatus, flow string, answers ...string) store.Session {
		s := newSession(owner.ID, yamada.ID)
		s.FlowID, s.CreatedAt, s.UpdatedAt = flow, at(created), at(created)
		s = must(f, "create check-in", func(ctx context.Context, tx store.Tx) (store.Session, error) {
			return tx.CreateSession(ctx, s)
		})
		for i, v := range answers {
			f.answer(s, owner.ID, "C"+string(rune('1'+i)), v, "checkin.status", at(created+1))
		}
		return f.end(s, status, at(created+2))
	}
	checkin(10, store.SessionCompleted, "checkin", "前回")
	latest := checkin(20, store.SessionCompleted, "checkin", "順調", "少し遅れ")
	f.answer(latest, owner.ID, "C1", "順調（訂正）", "checkin.status", at(23))
	checkin(30, store.SessionCancelled, "checkin", "途中")
	checkin(40, store.SessionCompleted, "verify", "検証")

	// Handovers: to 佐藤 with a written memo, with an unwritten one, one
	// shown already, one without a memo; to 鈴木; of another company.
	memo := func(by int64, status store.SessionStatus) store.Session {
		s := newSession(by, yamada.ID)
		s.FlowID, s.Status = "handover", status
		if status != store.SessionActive {
			s.CompletedAt = at(61)
		}
		s = must(f, "create memo", func(ctx context.Context, tx store.Tx) (store.Session, error) {
			return tx.CreateSession(ctx, s)
		})
		f.answer(s, by, "H1", "数字で話すと喜ぶ", "handover.cares", at(60))
		return s
	}
	handover := func(companyID, from, to int64, minute int, memoSession int64, shown bool) store.Handover {
		return must(f, "handover", func(ctx context.Context, tx store.Tx) (store.Handover, error) {
			h, err := tx.AddHandover(ctx, store.Handover{CompanyID: companyID, FromID: from, ToID: to, At: at(minute)})
			if err != nil || memoSession == 0 {
				return h, err
			}
			if err := tx.SetHandoverMemo(ctx, h.ID, memoSession); err != nil {
				return h, err
			}
			h.MemoSessionID = memoSession
			if shown {
				if err := tx.MarkHandoverMemoShown(ctx, h.ID, at(minute+1)); err != nil {
					return h, err
				}
			}
			return h, nil
		})
	}
	handover(yamada.ID, suzuki.ID, sato.ID, 62, memo(suzuki.ID, store.SessionCompleted).ID, true)
	written := memo(suzuki.ID, store.SessionCompleted)
	unwritten := memo(takahashi.ID, store.SessionActive)
	h1 := handover(yamada.ID, suzuki.ID, sato.ID, 70, written.ID, false)
	h2 := handover(yamada.ID, takahashi.ID, sato.ID, 71, unwritten.ID, false)
	handover(yamada.ID, suzuki.ID, sato.ID, 72, 0, false)
	handover(yamada.ID, sato.ID, suzuki.ID, 73, memo(sato.ID, store.SessionCompleted).ID, false)
	otherMemo := memo(suzuki.ID, store.SessionCompleted)
	handover(other.ID, suzuki.ID, sato.ID, 74, otherMemo.ID, false)

	tags := []string{"wall.main", "stage", "issue.hidden"}
	got := must(f, "company memory", func(ctx context.Context, tx store.Tx) (store.Memory, error) {
		return tx.CompanyMemory(ctx, store.MemoryQuery{CompanyID: yamada.ID, Tags: tags, CheckinFlow: "checkin", MemosFor: sato.ID})
	})

	// What the single reads say.
	sameRecord(t, "commitment", got.Commitment, must(f, "latest commitment", func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
		return tx.LatestCommitment(ctx, yamada.ID)
	}))
	if got.Commitment.Text != "朝礼で目標を話す" {
		t.Errorf("commitment = %q, want the latest", got.Commitment.Text)
	}
	if len(got.Tagged) != 2 {
		t.Errorf("tagged = %+v, want wall.main and stage only (no issue.hidden was answered)", got.Tagged)
	}
	for _, tag := range []string{"wall.main", "stage"} {
		want, err := f.latestTagged(yamada.ID, tag)
		if err != nil {
			t.Fatalf("LatestTagged %s: %v", tag, err)
		}
		sameRecord(t, "tagged "+tag, got.Tagged[tag], want)
	}
	if got.Tagged["wall.main"].Value != "newest, edited" || got.Tagged["stage"].Value != "founding" {
		t.Errorf("tagged = %+v, want the newest wall and the stage", got.Tagged)
	}
	wantCheckin := f.session(latest.ID)
	wantCheckin.State = nil
	sameRecord(t, "check-in", got.Checkin, wantCheckin)
	sameList(t, "check-in answers", got.CheckinAnswers, f.answers(latest.ID))
	if len(got.CheckinAnswers) != 3 {
		t.Errorf("check-in answers = %+v, want 3 revisions", got.CheckinAnswers)
	}

	wantMemos := []store.HandoverMemo{
		{Handover: h1, Written: true, Answers: f.answers(written.ID), FromName: "鈴木"},
		{Handover: h2, Written: false, Answers: f.answers(unwritten.ID), FromName: ""},
	}
	if len(got.Memos) != len(wantMemos) {
		t.Fatalf("memos = %+v, want the 2 not shown with a memo session, to 佐藤, about 山田製作所", got.Memos)
	}
	for i, w := range wantMemos {
		g := got.Memos[i]
		sameRecord(t, "memo handover", g.Handover, w.Handover)
		sameList(t, "memo answers", g.Answers, w.Answers)
		if g.Written != w.Written || g.FromName != w.FromName {
			t.Errorf("memo %d: written %v from %q, want %v from %q", i, g.Written, g.FromName, w.Written, w.FromName)
		}
	}
	// Handovers lists the same ones, among the others.
	all := must(f, "handovers", func(ctx context.Context, tx store.Tx) ([]store.Handover, error) {
		return tx.Handovers(ctx, yamada.ID)
	})
	var pending []store.Handover
	for _, h := range all {
		if h.ToID == sato.ID && h.MemoSessionID != 0 && h.MemoShownAt.IsZero() {
			pending = append(pending, h)
		}
	}
	sameList(t, "pending memos by Handovers", pending, []store.Handover{h1, h2})

	// Asking for less reads less.
	bare := must(f, "company memory, commitment only", func(ctx context.Context, tx store.Tx) (store.Memory, error) {
		return tx.CompanyMemory(ctx, store.MemoryQuery{CompanyID: yamada.ID})
	})
	if bare.Commitment.ID != got.Commitment.ID || len(bare.Tagged) != 0 || bare.Checkin.ID != 0 || len(bare.Memos) != 0 {
		t.Errorf("memory without tags, check-in flow or person = %+v; want the commitment only", bare)
	}
}

func testEmptyMemory(t *testing.T, open opener) {
	f := setup(t, open)
	sato := f.person(store.RoleAdvisor, "佐藤")
	quiet := f.company("新規開業")
	got := must(f, "memory of a new company", func(ctx context.Context, tx store.Tx) (store.Memory, error) {
		return tx.CompanyMemory(ctx, store.MemoryQuery{CompanyID: quiet.ID, Tags: []string{"wall.main"}, CheckinFlow: "checkin", MemosFor: sato.ID})
	})
	if got.Commitment.ID != 0 || len(got.Tagged) != 0 || got.Checkin.ID != 0 || len(got.CheckinAnswers) != 0 || len(got.Memos) != 0 {
		t.Errorf("memory of a company without records = %+v, want empty", got)
	}
	got = must(f, "memory of an unknown company", func(ctx context.Context, tx store.Tx) (store.Memory, error) {
		return tx.CompanyMemory(ctx, store.MemoryQuery{CompanyID: unknownID, Tags: []string{"wall.main"}, CheckinFlow: "checkin", MemosFor: sato.ID})
	})
	if got.Commitment.ID != 0 || len(got.Tagged) != 0 || got.Checkin.ID != 0 || len(got.Memos) != 0 {
		t.Errorf("memory of an unknown company = %+v, want empty", got)
	}
}
