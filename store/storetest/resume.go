package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

func testResume(t *testing.T, open opener) {
	t.Parallel()
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	other := f.person(store.RoleAdvisor, "鈴木")
	f.end(f.startSession(advisor.ID, 0), store.SessionCancelled, at(10))
	latest := f.end(f.startSession(advisor.ID, 0), store.SessionCancelled, at(20))
	f.end(f.startSession(advisor.ID, 0), store.SessionCompleted, at(30))
	f.end(f.startSession(other.ID, 0), store.SessionCancelled, at(40))
	last := func(respondent int64, sinceMinutes int) (store.Session, error) {
		return get(f, func(ctx context.Context, tx store.Tx) (store.Session, error) {
			return tx.LastCancelled(ctx, respondent, at(sinceMinutes))
		})
	}
	got, err := last(advisor.ID, 20)
	if err != nil || got.ID != latest.ID || got.Status != store.SessionCancelled {
		t.Errorf("LastCancelled since 20 = %d %q, %v; want session %d", got.ID, got.Status, err, latest.ID)
	}
	_, err = last(advisor.ID, 21)
	wantErr(t, "LastCancelled after the last cancellation", err, store.ErrNotFound)
}
