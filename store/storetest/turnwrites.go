package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/bansou/bansou/store"
)

func testTurnWrites(t *testing.T, open opener) {
	t.Run("a company is found by its key first, then by its exact name; created with its key", func(t *testing.T) {
		testFindCompany(t, open)
	})
	t.Run("a session is created with its answers at once, revisions counted per step", func(t *testing.T) {
		testCreateSessionWithAnswers(t, open)
	})
}

func testFindCompany(t *testing.T, open opener) {
	f := setup(t, open)
	find := func(key, name string) (store.Company, error) {
		return get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.FindCompany(ctx, key, name)
		})
	}
	create := func(name, key string) store.Company {
		return must(f, "create "+name, func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.CreateKeyedCompany(ctx, store.Company{Name: name, CreatedAt: at(1)}, key)
		})
	}
	_, err := find("やまだ", "山田製作所")
	wantErr(t, "find in an empty store", err, store.ErrNotFound)

	old := f.company("山田製作所（旧）") // a row from before keys: no key
	keyed := create("株式会社山田製作所", "やまだ")
	if got, err := find("やまだ", "山田製作所（旧）"); err != nil || got.ID != keyed.ID {
		t.Errorf("find by key and an old name = %+v, %v; want the keyed company %d first", got, err, keyed.ID)
	}
	if got, err := find("さとう", "山田製作所（旧）"); err != nil || got.ID != old.ID {
		t.Errorf("find by the exact name of a row without key = %+v, %v; want %d", got, err, old.ID)
	}
	if got, err := find("", "存在しない"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("find with an empty key matched %+v (%v); an empty key matches nothing", got, err)
	}
	sameRecord(t, "created company", must(f, "company", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.Company(ctx, keyed.ID)
	}), keyed)
	// Its key is stored: CompanyByKey sees it.
	byKey := must(f, "company by key", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CompanyByKey(ctx, "やまだ")
	})
	if byKey.ID != keyed.ID {
		t.Errorf("CompanyByKey after CreateKeyedCompany = %d, want %d", byKey.ID, keyed.ID)
	}
	// A taken name is a conflict, and the transaction stays usable.
	f.do("create a taken name", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateKeyedCompany(ctx, store.Company{Name: "株式会社山田製作所", CreatedAt: at(2)}, "やまだ2")
		wantErr(t, "create a taken name", err, store.ErrConflict)
		_, err = tx.Company(ctx, keyed.ID)
		return err
	})
}

func testCreateSessionWithAnswers(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	yamada := f.company("山田製作所")
	s := store.Session{FlowID: "intake", FlowVersion: 1, Mode: "basic", CompanyID: yamada.ID,
		RespondentID: advisor.ID, Channel: "slack", Status: store.SessionCompleted, State: []byte(`{"phase":"done"}`),
		CreatedAt: at(1), UpdatedAt: at(2), CompletedAt: at(2)}
	answers := []store.Answer{
		{StepID: "I2", Value: "製造業", Raw: "1", Tag: "industry", ByPersonID: advisor.ID, At: at(2)},
		{StepID: "I3", Value: "みどり市", Raw: "みどり市", ByPersonID: advisor.ID, At: at(2)},
		{StepID: "I4", Skipped: true, Sensitive: true, At: at(2)},
		{StepID: "I2", Value: "小売業", Raw: "2", Tag: "industry", ByPersonID: advisor.ID, At: at(3)},
	}
	var stored []store.Answer
	created := must(f, "create session with answers", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		s, as, err := tx.CreateSessionWithAnswers(ctx, s, answers)
		stored = as
		return s, err
	})
	if created.ID == 0 || created.Version != 1 {
		t.Fatalf("created session %+v, want an ID and version 1", created)
	}
	want := s
	want.ID, want.Version = created.ID, 1
	sameRecord(t, "created session", f.session(created.ID), want)
	revs := []int{1, 1, 1, 2}
	for i := range answers {
		answers[i].SessionID, answers[i].Revision = created.ID, revs[i]
	}
	if len(stored) != len(answers) {
		t.Fatalf("returned %d answers, want %d", len(stored), len(answers))
	}
	for i, a := range stored {
		if a.SessionID != created.ID || a.Revision != revs[i] || a.StepID != answers[i].StepID {
			t.Errorf("returned answer %d: session %d step %s revision %d, want %d %s %d",
				i, a.SessionID, a.StepID, a.Revision, created.ID, answers[i].StepID, revs[i])
		}
	}
	// Stored by step, then revision.
	sameList(t, "stored answers", f.answers(created.ID), []store.Answer{answers[0], answers[3], answers[1], answers[2]})
	if audit := f.audit(fmt.Sprintf("session:%d/step:I2", created.ID)); len(audit) != 1 || audit[0].Action != "answer.edit" {
		t.Errorf("audit of the second I2 revision = %+v, want one answer.edit", audit)
	}

	// No answers: just the session.
	bare := must(f, "create session without answers", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		s, _, err := tx.CreateSessionWithAnswers(ctx, s, nil)
		return s, err
	})
	if got := f.answers(bare.ID); len(got) != 0 {
		t.Errorf("a session created without answers has %d", len(got))
	}
}
