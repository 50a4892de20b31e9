package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bansou/bansou/store"
)

func testAnswers(t *testing.T, open opener) {
	t.Parallel()
	t.Run("revisions count up per session and step and read back in order", func(t *testing.T) {
		testRevisions(t, open)
	})
	t.Run("an edit is audited without the answer's text", func(t *testing.T) {
		testEditAudit(t, open)
	})
	t.Run("a session without answers has none", func(t *testing.T) {
		f := setup(t, open)
		owner := f.person(store.RoleOwner, "山田")
		s := f.startSession(owner.ID, 0)
		if got := f.answers(s.ID); len(got) != 0 {
			t.Errorf("Answers = %+v, want none", got)
		}
	})
}

func testRevisions(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	advisor := f.person(store.RoleAdvisor, "佐藤")
	s := f.startSession(owner.ID, 0)
	other := f.startSession(advisor.ID, 0)

	wall := store.Answer{SessionID: s.ID, StepID: "wall", Value: "staff,cash", Raw: "人手と資金", Tag: "wall.main", ByPersonID: owner.ID, At: at(1)}
	goal1 := store.Answer{SessionID: s.ID, StepID: "goal", Value: "売上を伸ばす", Raw: "売上を伸ばす", ByPersonID: owner.ID, At: at(2)}
	goal2 := store.Answer{SessionID: s.ID, StepID: "goal", Skipped: true, Sensitive: true, ByPersonID: advisor.ID, At: at(3)}
	goal3 := store.Answer{SessionID: s.ID, StepID: "goal", Value: "2026-12-03", Raw: "12月3日", Tag: "goal.date", ByPersonID: advisor.ID, At: at(4)}
	elsewhere := store.Answer{SessionID: other.ID, StepID: "goal", Value: "true", Raw: "はい", ByPersonID: advisor.ID, At: at(5)}

	var want []store.Answer
	for i, a := range []store.Answer{wall, goal1, goal2, goal3, elsewhere} {
		wantRev := []int{1, 1, 2, 3, 1}[i]
		got := must(f, "add "+a.StepID, func(ctx context.Context, tx store.Tx) (store.Answer, error) {
			return tx.AddAnswer(ctx, a)
		})
		a.Revision = wantRev
		sameEcho(t, fmt.Sprintf("added #%d", i), got, a)
		want = append(want, a)
	}
	// Ordered by step then revision: goal 1, 2, 3, then wall.
	sameList(t, "answers", f.answers(s.ID), []store.Answer{want[1], want[2], want[3], want[0]})
	sameList(t, "answers of the other session", f.answers(other.ID), want[4:])
}

func testEditAudit(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	advisor := f.person(store.RoleAdvisor, "佐藤")
	s := f.startSession(owner.ID, 0)
	f.answer(s, owner.ID, "wall", "秘密の借入先A銀行", "wall.main", at(1))
	f.answer(s, advisor.ID, "wall", "秘密の借入先B信金", "wall.main", at(2))
	f.answer(s, owner.ID, "wall", "秘密の借入先C信組", "wall.main", at(3))
	f.answer(s, owner.ID, "goal", "売上拡大の秘訣", "", at(4))

	subject := fmt.Sprintf("session:%d/step:wall", s.ID)
	entries := f.audit(subject)
	if len(entries) != 2 {
		t.Fatalf("audit of %s: %d entries, want 2 (revisions 2 and 3): %+v", subject, len(entries), entries)
	}
	for i, e := range entries {
		wantActor, wantAt := []int64{advisor.ID, owner.ID}[i], at(2+i)
		if e.Action != "answer.edit" || e.Subject != subject || e.ActorID != wantActor || e.ID == 0 {
			t.Errorf("entry %d = %+v, want action answer.edit, subject %s, actor %d, an id", i, e, subject, wantActor)
		}
		if diff := storedTime(e.At, wantAt); diff != "" {
			t.Errorf("entry %d At: %s", i, diff)
		}
		if strings.Contains(e.Detail, "秘密") {
			t.Errorf("entry %d Detail %q holds answer text", i, e.Detail)
		}
	}
	if got := f.audit(fmt.Sprintf("session:%d/step:goal", s.ID)); len(got) != 0 {
		t.Errorf("a first answer was audited: %+v", got)
	}
}

func (f *fixture) audit(subject string) []store.AuditEntry {
	f.t.Helper()
	return must(f, "audit "+subject, func(ctx context.Context, tx store.Tx) ([]store.AuditEntry, error) {
		return tx.Audit(ctx, subject)
	})
}

// testLatestTagged builds a company's history: the memory is the newest
// tagged answer of a completed session about that company, nothing else.
func testLatestTagged(t *testing.T, open opener) {
	t.Parallel()
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	advisor := f.person(store.RoleAdvisor, "佐藤")
	company, elsewhere := f.company("株式会社やまと製菓"), f.company("丸一商店")

	s1 := f.startSession(owner.ID, company.ID)
	f.answer(s1, owner.ID, "wall", "old", "wall.main", at(1))
	f.end(s1, store.SessionCompleted, at(2))

	s2 := f.startSession(owner.ID, company.ID)
	f.answer(s2, owner.ID, "wall", "newer", "wall.main", at(3))
	f.answer(s2, owner.ID, "wall", "newest, edited", "wall.main", at(4))
	f.answer(s2, owner.ID, "goal", "later but other tag", "goal.main", at(5))
	f.end(s2, store.SessionCompleted, at(6))

	draft := f.startSession(owner.ID, company.ID) // still active
	f.answer(draft, owner.ID, "wall", "draft", "wall.main", at(7))
	dropped := f.startSession(advisor.ID, company.ID)
	f.answer(dropped, advisor.ID, "wall", "abandoned", "wall.main", at(8))
	f.end(dropped, store.SessionCancelled, at(9))
	foreign := f.startSession(advisor.ID, elsewhere.ID)
	f.answer(foreign, advisor.ID, "wall", "other company", "wall.main", at(10))
	f.end(foreign, store.SessionCompleted, at(11))

	got, err := f.latestTagged(company.ID, "wall.main")
	if err != nil {
		t.Fatalf("LatestTagged: %v", err)
	}
	sameRecord(t, "memory", got, store.Answer{
		SessionID: s2.ID, StepID: "wall", Revision: 2, Value: "newest, edited", Raw: "newest, edited",
		Tag: "wall.main", ByPersonID: owner.ID, At: at(4),
	})
	_, err = f.latestTagged(company.ID, "budget.main")
	wantErr(t, "LatestTagged of an unused tag", err, store.ErrNotFound)
	quiet := f.company("新規開業")
	_, err = f.latestTagged(quiet.ID, "wall.main")
	wantErr(t, "LatestTagged of a company without sessions", err, store.ErrNotFound)

	f.end(draft, store.SessionCompleted, at(12))
	got, err = f.latestTagged(company.ID, "wall.main")
	if err != nil || got.SessionID != draft.ID || got.Value != "draft" {
		t.Errorf("after completing the draft: LatestTagged = %+v, %v; want the draft's answer", got, err)
	}
}

func (f *fixture) latestTagged(companyID int64, tag string) (store.Answer, error) {
	return get(f, func(ctx context.Context, tx store.Tx) (store.Answer, error) {
		return tx.LatestTagged(ctx, companyID, tag)
	})
}
