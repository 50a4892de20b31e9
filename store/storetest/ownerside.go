package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

func testOwnerSide(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a display name is stored and read back", func(t *testing.T) {
		f := setup(t, open)
		p := f.person(store.RoleAdvisor, "")
		f.do("set name", func(ctx context.Context, tx store.Tx) error { return tx.SetPersonName(ctx, p.ID, "佐藤 花子") })
		got := must(f, "person", func(ctx context.Context, tx store.Tx) (store.Person, error) { return tx.Person(ctx, p.ID) })
		if got.Name != "佐藤 花子" {
			t.Errorf("name = %q, want 佐藤 花子", got.Name)
		}
		err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error { return tx.SetPersonName(ctx, p.ID+1000, "x") })
		wantErr(t, "SetPersonName of nobody", err, store.ErrNotFound)
	})
	t.Run("an alert ref is saved, replaced, and erased with its company", func(t *testing.T) {
		f := setup(t, open)
		c := f.company("やまと製菓")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.AlertRef, error) {
			return tx.AlertRefOf(ctx, "callback:s1", "slack", "U1")
		})
		wantErr(t, "AlertRefOf before any", err, store.ErrNotFound)
		first := store.AlertRef{Key: "callback:s1", CompanyID: c.ID, Channel: "slack", UserID: "U1", Ref: "D1:1.000", At: at(1)}
		f.do("save", func(ctx context.Context, tx store.Tx) error { return tx.SaveAlertRef(ctx, first) })
		second := first
		second.Ref, second.At = "D1:2.000", at(2)
		f.do("save again", func(ctx context.Context, tx store.Tx) error { return tx.SaveAlertRef(ctx, second) })
		got := must(f, "ref", func(ctx context.Context, tx store.Tx) (store.AlertRef, error) {
			return tx.AlertRefOf(ctx, "callback:s1", "slack", "U1")
		})
		sameRecord(t, "alert ref", got, second)
		_, err = get(f, func(ctx context.Context, tx store.Tx) (store.AlertRef, error) {
			return tx.AlertRefOf(ctx, "callback:s1", "slack", "U2")
		})
		wantErr(t, "AlertRefOf another advisor", err, store.ErrNotFound)
		f.do("erase", func(ctx context.Context, tx store.Tx) error { _, err := tx.EraseCompany(ctx, c.ID); return err })
		_, err = get(f, func(ctx context.Context, tx store.Tx) (store.AlertRef, error) {
			return tx.AlertRefOf(ctx, "callback:s1", "slack", "U1")
		})
		wantErr(t, "AlertRefOf after the erasure", err, store.ErrNotFound)
	})
}
