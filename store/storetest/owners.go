package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testInvites(t *testing.T, open opener) {
	t.Parallel()
	t.Run("an invite is found by its hash and works once", func(t *testing.T) {
		testInviteOnce(t, open)
	})
	t.Run("a taken hash is a conflict", func(t *testing.T) {
		f := setup(t, open)
		company := f.company("やまと製菓")
		first := f.invite(store.Invite{CodeHash: "sha256:abc", CompanyID: company.ID, CreatedAt: at(0), ExpiresAt: at(60)})
		other := f.company("丸一商店")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Invite, error) {
			return tx.CreateInvite(ctx, store.Invite{CodeHash: "sha256:abc", CompanyID: other.ID, CreatedAt: at(1), ExpiresAt: at(61)})
		})
		wantErr(t, "second CreateInvite", err, store.ErrConflict)
		sameRecord(t, "invite behind the hash", f.inviteByHash("sha256:abc"), first)
	})
	t.Run("unknown invites are not found", func(t *testing.T) {
		f := setup(t, open)
		owner := f.person(store.RoleOwner, "山田")
		f.invite(store.Invite{CodeHash: "sha256:abc", CompanyID: f.company("やまと製菓").ID, CreatedAt: at(0), ExpiresAt: at(60)})
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Invite, error) {
			return tx.InviteByHash(ctx, "sha256:abd")
		})
		wantErr(t, "InviteByHash", err, store.ErrNotFound)
		err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
			return tx.UseInvite(ctx, unknownID, owner.ID, at(1))
		})
		wantErr(t, "UseInvite", err, store.ErrNotFound)
	})
	t.Run("of racing uses of one code exactly one wins", func(t *testing.T) {
		testRacingInviteUse(t, open)
	})
}

func testInviteOnce(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	owner, stranger := f.person(store.RoleOwner, "山田"), f.person(store.RoleOwner, "他人")
	company := f.company("やまと製菓")
	want := store.Invite{CodeHash: "sha256:0f1e", CompanyID: company.ID, CreatedBy: advisor.ID, CreatedAt: at(1), ExpiresAt: at(7 * 24 * 60)}
	want = f.invite(want)
	fromCLI := f.invite(store.Invite{CodeHash: "sha256:cli", CompanyID: company.ID, CreatedAt: at(2), ExpiresAt: at(60)})
	sameRecord(t, "unused", f.inviteByHash(want.CodeHash), want)
	sameRecord(t, "created on the command line", f.inviteByHash(fromCLI.CodeHash), fromCLI)

	f.useInvite(want.ID, owner.ID, at(5))
	want.UsedAt, want.UsedBy = at(5), owner.ID
	sameRecord(t, "used", f.inviteByHash(want.CodeHash), want)

	err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.UseInvite(ctx, want.ID, stranger.ID, at(6))
	})
	wantErr(t, "second UseInvite", err, store.ErrConflict)
	sameRecord(t, "after the second use", f.inviteByHash(want.CodeHash), want)
	sameRecord(t, "the other invite", f.inviteByHash(fromCLI.CodeHash), fromCLI)
}

func testRacingInviteUse(t *testing.T, open opener) {
	f := setup(t, open)
	inv := f.invite(store.Invite{CodeHash: "sha256:race", CompanyID: f.company("やまと製菓").ID, CreatedAt: at(0), ExpiresAt: at(60)})
	owners := make([]store.Person, racers)
	for i := range owners {
		owners[i] = f.person(store.RoleOwner, "山田")
	}
	errs := f.race(func(ctx context.Context, tx store.Tx, i int) error {
		return tx.UseInvite(ctx, inv.ID, owners[i].ID, at(i))
	})
	wins, conflicts := tally(t, errs)
	if wins != 1 || conflicts != racers-1 {
		t.Fatalf("%d wins and %d conflicts, want 1 and %d", wins, conflicts, racers-1)
	}
	winner := 0
	for i, err := range errs {
		if err == nil {
			winner = i
		}
	}
	inv.UsedAt, inv.UsedBy = at(winner), owners[winner].ID
	sameRecord(t, "used invite", f.inviteByHash(inv.CodeHash), inv)
}

func (f *fixture) invite(inv store.Invite) store.Invite {
	f.t.Helper()
	got := must(f, "create invite", func(ctx context.Context, tx store.Tx) (store.Invite, error) {
		return tx.CreateInvite(ctx, inv)
	})
	if got.ID == 0 {
		f.t.Fatalf("CreateInvite returned ID 0")
	}
	inv.ID = got.ID
	sameEcho(f.t, "created invite", got, inv)
	return inv
}

func (f *fixture) inviteByHash(codeHash string) store.Invite {
	f.t.Helper()
	return must(f, "invite by hash", func(ctx context.Context, tx store.Tx) (store.Invite, error) {
		return tx.InviteByHash(ctx, codeHash)
	})
}

func (f *fixture) useInvite(id, personID int64, when time.Time) {
	f.t.Helper()
	f.do("use invite", func(ctx context.Context, tx store.Tx) error {
		return tx.UseInvite(ctx, id, personID, when)
	})
}

func testOwnerLinks(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a linked owner is reachable until they block the bot", func(t *testing.T) {
		testOwnerLink(t, open)
	})
	t.Run("linking again moves the owner to the other company", func(t *testing.T) {
		testRelink(t, open)
	})
	t.Run("an owner without a link is not found", func(t *testing.T) {
		f := setup(t, open)
		owner := f.person(store.RoleOwner, "山田")
		f.link(f.person(store.RoleOwner, "他人"), f.company("やまと製菓"), at(1))
		_, err := f.ownerLink(owner.ID)
		wantErr(t, "OwnerLink", err, store.ErrNotFound)
		err = f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
			return tx.SetReachable(ctx, owner.ID, false)
		})
		wantErr(t, "SetReachable", err, store.ErrNotFound)
		_, err = f.ownerLink(owner.ID)
		wantErr(t, "OwnerLink after SetReachable", err, store.ErrNotFound)
	})
}

func testOwnerLink(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	company := f.company("やまと製菓")
	f.link(owner, company, at(3))
	want := store.OwnerLink{PersonID: owner.ID, CompanyID: company.ID, LinkedAt: at(3), Reachable: true}
	f.sameLink(t, "linked", owner.ID, want)
	sameList(t, "owners", f.companyOwners(company.ID), []store.OwnerLink{want})

	f.setReachable(owner.ID, false)
	want.Reachable = false
	f.sameLink(t, "after blocking", owner.ID, want)
	sameList(t, "owners after blocking", f.companyOwners(company.ID), []store.OwnerLink{want})
	f.setReachable(owner.ID, true)
	want.Reachable = true
	f.sameLink(t, "after unblocking", owner.ID, want)

	f.setReachable(owner.ID, false)
	f.link(owner, company, at(9)) // followed again and re-linked: reachable again
	want.LinkedAt = at(9)
	f.sameLink(t, "re-linked to the same company", owner.ID, want)
}

func testRelink(t *testing.T, open opener) {
	f := setup(t, open)
	yamada, suzuki, kato := f.person(store.RoleOwner, "山田"), f.person(store.RoleOwner, "鈴木"), f.person(store.RoleOwner, "加藤")
	a, b := f.company("A商店"), f.company("B工業")
	f.link(suzuki, a, at(5))
	f.link(yamada, a, at(2))
	f.link(kato, b, at(1))
	f.setReachable(yamada.ID, false)
	sameList(t, "A商店", f.companyOwners(a.ID), []store.OwnerLink{
		{PersonID: yamada.ID, CompanyID: a.ID, LinkedAt: at(2), Reachable: false},
		{PersonID: suzuki.ID, CompanyID: a.ID, LinkedAt: at(5), Reachable: true},
	})

	f.link(yamada, b, at(7))
	moved := store.OwnerLink{PersonID: yamada.ID, CompanyID: b.ID, LinkedAt: at(7), Reachable: true}
	f.sameLink(t, "moved", yamada.ID, moved)
	sameList(t, "A商店 after the move", f.companyOwners(a.ID), []store.OwnerLink{
		{PersonID: suzuki.ID, CompanyID: a.ID, LinkedAt: at(5), Reachable: true},
	})
	sameList(t, "B工業 after the move", f.companyOwners(b.ID), []store.OwnerLink{
		{PersonID: kato.ID, CompanyID: b.ID, LinkedAt: at(1), Reachable: true}, moved,
	})
	if got := f.companyOwners(f.company("C農園").ID); len(got) != 0 {
		t.Errorf("owners of a company without any = %+v, want none", got)
	}
}

func (f *fixture) link(owner store.Person, c store.Company, when time.Time) {
	f.t.Helper()
	f.do("link owner", func(ctx context.Context, tx store.Tx) error {
		return tx.LinkOwner(ctx, owner.ID, c.ID, when)
	})
}

func (f *fixture) ownerLink(personID int64) (store.OwnerLink, error) {
	return get(f, func(ctx context.Context, tx store.Tx) (store.OwnerLink, error) {
		return tx.OwnerLink(ctx, personID)
	})
}

func (f *fixture) sameLink(t *testing.T, what string, personID int64, want store.OwnerLink) {
	t.Helper()
	got, err := f.ownerLink(personID)
	if err != nil {
		t.Fatalf("%s: OwnerLink: %v", what, err)
	}
	sameRecord(t, what, got, want)
}

func (f *fixture) setReachable(personID int64, reachable bool) {
	f.t.Helper()
	f.do("set reachable", func(ctx context.Context, tx store.Tx) error {
		return tx.SetReachable(ctx, personID, reachable)
	})
}

func (f *fixture) companyOwners(companyID int64) []store.OwnerLink {
	f.t.Helper()
	return must(f, "company owners", func(ctx context.Context, tx store.Tx) ([]store.OwnerLink, error) {
		return tx.CompanyOwners(ctx, companyID)
	})
}
