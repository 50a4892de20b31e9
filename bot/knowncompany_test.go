package bot_test

import (
	"context"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// CanSeeFound, the access check of a company step (the assignment comes
// with the lookup), decides exactly as CanSee for every role and company.
func TestCanSeeFoundDecidesAsCanSee(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, be.open)
			for _, r := range []role{assigned, other, coord, owner, otherOwner} {
				for _, name := range []string{"山田製作所", "佐藤商店"} {
					w.h.inTx(t, func(ctx context.Context, tx store.Tx) {
						p, err := tx.PersonByIdentity(ctx, r.channel, r.id)
						if err != nil {
							t.Fatalf("%s: %v", r.name, err)
						}
						c, isAssigned, err := tx.FindCompanyFor(ctx, bot.CompanyKey(name), name, p.ID)
						if err != nil {
							t.Fatalf("find %s: %v", name, err)
						}
						found, err1 := bot.CanSeeFound(ctx, tx, p, c.ID, isAssigned)
						seen, err2 := bot.CanSee(ctx, tx, p, c.ID)
						if err1 != nil || err2 != nil || found != seen {
							t.Errorf("%s on %s: CanSeeFound = %v (%v), CanSee = %v (%v)", r.name, name, found, err1, seen, err2)
						}
						if want := r == coord || (name == "山田製作所" && (r == assigned || r == owner)) ||
							(name == "佐藤商店" && (r == other || r == otherOwner)); found != want { // 鈴木 supports 佐藤商店
							t.Errorf("%s on %s: may see = %v, want %v", r.name, name, found, want)
						}
					})
				}
			}
		})
	}
}
