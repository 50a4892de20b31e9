package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/bansou/bansou/store"
)

func testWebSignIn(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a link works once and says whose it is", func(t *testing.T) {
		f := setup(t, open)
		p := f.person(store.RoleCoordinator, "佐藤")
		l := must(f, "create link", func(ctx context.Context, tx store.Tx) (store.WebLink, error) {
			return tx.CreateWebLink(ctx, store.WebLink{TokenHash: "h1", PersonID: p.ID, CreatedAt: at(0), ExpiresAt: at(10)})
		})
		used := must(f, "use link", func(ctx context.Context, tx store.Tx) (store.WebLink, error) {
			return tx.UseWebLink(ctx, "h1", at(1))
		})
		sameRecord(t, "used link", used, l)
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.WebLink, error) {
			return tx.UseWebLink(ctx, "h1", at(2))
		})
		wantErr(t, "second use", err, store.ErrConflict)
		_, err = get(f, func(ctx context.Context, tx store.Tx) (store.WebLink, error) {
			return tx.UseWebLink(ctx, "nope", at(2))
		})
		wantErr(t, "unknown link", err, store.ErrNotFound)
		_, err = get(f, func(ctx context.Context, tx store.Tx) (store.WebLink, error) {
			return tx.CreateWebLink(ctx, store.WebLink{TokenHash: "h1", PersonID: p.ID, CreatedAt: at(3), ExpiresAt: at(13)})
		})
		wantErr(t, "taken hash", err, store.ErrConflict)
	})
	t.Run("of racing uses of one link exactly one wins", func(t *testing.T) {
		f := setup(t, open)
		p := f.person(store.RoleAdvisor, "田中")
		f.do("create link", func(ctx context.Context, tx store.Tx) error {
			_, err := tx.CreateWebLink(ctx, store.WebLink{TokenHash: "race", PersonID: p.ID, CreatedAt: at(0), ExpiresAt: at(10)})
			return err
		})
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() {
				_, errs[i] = get(f, func(ctx context.Context, tx store.Tx) (store.WebLink, error) {
					return tx.UseWebLink(ctx, "race", at(1))
				})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else {
				wantErr(t, "losing use", err, store.ErrConflict)
			}
		}
		if wins != 1 {
			t.Errorf("%d uses won, want exactly 1", wins)
		}
	})
	t.Run("sessions are found by hash, touched and ended", func(t *testing.T) {
		f := setup(t, open)
		p := f.person(store.RoleAdvisor, "田中")
		other := f.person(store.RoleAdvisor, "鈴木")
		var ids []int64
		for _, h := range []string{"s1", "s2"} {
			s := must(f, "create session", func(ctx context.Context, tx store.Tx) (store.WebSession, error) {
				return tx.CreateWebSession(ctx, store.WebSession{TokenHash: h, PersonID: p.ID, CreatedAt: at(0)})
			})
			ids = append(ids, s.ID)
		}
		kept := must(f, "create other session", func(ctx context.Context, tx store.Tx) (store.WebSession, error) {
			return tx.CreateWebSession(ctx, store.WebSession{TokenHash: "s3", PersonID: other.ID, CreatedAt: at(0)})
		})
		f.do("touch", func(ctx context.Context, tx store.Tx) error { return tx.TouchWebSession(ctx, ids[0], at(30)) })
		got := must(f, "session by hash", func(ctx context.Context, tx store.Tx) (store.WebSession, error) {
			return tx.WebSessionByHash(ctx, "s1")
		})
		sameRecord(t, "touched session", got, store.WebSession{ID: ids[0], TokenHash: "s1", PersonID: p.ID, CreatedAt: at(0), LastSeenAt: at(30)})
		n := must(f, "end all", func(ctx context.Context, tx store.Tx) (int64, error) { return tx.EndWebSessions(ctx, p.ID) })
		if n != 2 {
			t.Errorf("EndWebSessions ended %d, want 2", n)
		}
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.WebSession, error) {
			return tx.WebSessionByHash(ctx, "s1")
		})
		wantErr(t, "ended session", err, store.ErrNotFound)
		err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.TouchWebSession(ctx, ids[1], at(31)) })
		wantErr(t, "touch ended session", err, store.ErrNotFound)
		still := must(f, "other's session", func(ctx context.Context, tx store.Tx) (store.WebSession, error) {
			return tx.WebSessionByHash(ctx, "s3")
		})
		sameRecord(t, "other person's session", still, kept)
		f.do("end one", func(ctx context.Context, tx store.Tx) error { return tx.EndWebSession(ctx, kept.ID) })
		_, err = get(f, func(ctx context.Context, tx store.Tx) (store.WebSession, error) {
			return tx.WebSessionByHash(ctx, "s3")
		})
		wantErr(t, "ended one", err, store.ErrNotFound)
	})
}
