package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

func testLocale(t *testing.T, open opener) {
	t.Parallel()
	f := setup(t, open)
	p := f.person(store.RoleAdvisor, "佐藤")
	f.do("set locale", func(ctx context.Context, tx store.Tx) error { return tx.SetLocale(ctx, p.ID, "en") })
	got := must(f, "read person", func(ctx context.Context, tx store.Tx) (store.Person, error) { return tx.Person(ctx, p.ID) })
	if got.Locale != "en" {
		t.Errorf("locale after SetLocale = %q, want en", got.Locale)
	}
	_, err := get(f, func(ctx context.Context, tx store.Tx) (struct{}, error) {
		return struct{}{}, tx.SetLocale(ctx, unknownID, "en")
	})
	wantErr(t, "SetLocale of an unknown person", err, store.ErrNotFound)
}
