package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

func testPeople(t *testing.T, open opener) {
	t.Parallel()
	t.Run("an unknown identity is not found until a person is created for it", func(t *testing.T) {
		testPersonLifecycle(t, open)
	})
	t.Run("the channel is part of the identity", func(t *testing.T) {
		f := setup(t, open)
		slack := f.createPerson(store.Person{Role: store.RoleAdvisor, Name: "田中", Locale: "ja", CreatedAt: at(0)}, "slack", "U42")
		line := f.createPerson(store.Person{Role: store.RoleOwner, Name: "高橋", Locale: "en", CreatedAt: at(1)}, "line", "U42")
		if slack.ID == line.ID {
			t.Fatalf("two people share id %d", slack.ID)
		}
		got := must(f, "read line", func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.PersonByIdentity(ctx, "line", "U42")
		})
		sameRecord(t, "line person", got, line)
	})
	t.Run("an identity already linked is a conflict", func(t *testing.T) {
		f := setup(t, open)
		first := f.createPerson(store.Person{Role: store.RoleAdvisor, Name: "伊藤", Locale: "ja", CreatedAt: at(0)}, "slack", "U7")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Person, error) {
			p := store.Person{Role: store.RoleOwner, Name: "別人", Locale: "ja", CreatedAt: at(1)}
			return tx.CreatePerson(ctx, p, "slack", "U7")
		})
		wantErr(t, "second CreatePerson", err, store.ErrConflict)
		got := must(f, "read", func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.PersonByIdentity(ctx, "slack", "U7")
		})
		sameRecord(t, "person behind the identity", got, first)
	})
	t.Run("an unknown person id is not found", func(t *testing.T) {
		f := setup(t, open)
		f.person(store.RoleAdvisor, "渡辺")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.Person(ctx, unknownID)
		})
		wantErr(t, "Person", err, store.ErrNotFound)
	})
	testRoles(t, open)
}

func testPersonLifecycle(t *testing.T, open opener) {
	f := setup(t, open)
	_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.PersonByIdentity(ctx, "slack", "U1")
	})
	wantErr(t, "PersonByIdentity before creation", err, store.ErrNotFound)

	want := store.Person{Role: store.RoleCoordinator, Name: "中村 恵子", Locale: "ja", CreatedAt: at(5)}
	made := f.createPerson(want, "slack", "U1")
	if made.ID == 0 {
		t.Fatalf("CreatePerson returned ID 0")
	}
	want.ID = made.ID
	sameEcho(t, "created", made, want)

	byIdentity := must(f, "by identity", func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.PersonByIdentity(ctx, "slack", "U1")
	})
	sameRecord(t, "by identity", byIdentity, want)
	byID := must(f, "by id", func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.Person(ctx, made.ID)
	})
	sameRecord(t, "by id", byID, want)
	_, err = get(f, func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.PersonByIdentity(ctx, "slack", "U2")
	})
	wantErr(t, "PersonByIdentity of another id", err, store.ErrNotFound)
}

func (f *fixture) createPerson(p store.Person, channel, externalID string) store.Person {
	f.t.Helper()
	return must(f, "create person", func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.CreatePerson(ctx, p, channel, externalID)
	})
}

func testCompanies(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a company is found by name and by id", func(t *testing.T) {
		testCompanyLookup(t, open)
	})
	t.Run("a taken name is a conflict", func(t *testing.T) {
		f := setup(t, open)
		first := f.company("株式会社やまと製菓")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.CreateCompany(ctx, store.Company{Name: "株式会社やまと製菓", Industry: "小売", CreatedAt: at(1)})
		})
		wantErr(t, "second CreateCompany", err, store.ErrConflict)
		got := must(f, "read", func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.CompanyByName(ctx, "株式会社やまと製菓")
		})
		sameRecord(t, "company", got, first)
	})
	t.Run("unknown companies are not found", func(t *testing.T) {
		f := setup(t, open)
		f.company("丸一商店")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.CompanyByName(ctx, "丸二商店")
		})
		wantErr(t, "CompanyByName", err, store.ErrNotFound)
		_, err = get(f, func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.Company(ctx, unknownID)
		})
		wantErr(t, "Company", err, store.ErrNotFound)
	})
	t.Run("an advisor's companies come most recently assigned first", func(t *testing.T) {
		testAssignments(t, open)
	})
	t.Run("a company's advisors come most recently assigned first", func(t *testing.T) {
		testAdvisorsOf(t, open)
	})
	t.Run("all companies come by name, bytewise", func(t *testing.T) {
		testCompanyList(t, open)
	})
}

func testCompanyLookup(t *testing.T, open opener) {
	f := setup(t, open)
	want := store.Company{Name: "株式会社やまと製菓", Industry: "食料品製造業", Stage: "再建", Municipality: "高岡市", CreatedAt: at(3)}
	made := must(f, "create", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CreateCompany(ctx, want)
	})
	if made.ID == 0 {
		t.Fatalf("CreateCompany returned ID 0")
	}
	want.ID = made.ID
	sameEcho(t, "created", made, want)
	other := f.company("丸一商店")
	if other.ID == made.ID {
		t.Fatalf("two companies share id %d", made.ID)
	}
	byName := must(f, "by name", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CompanyByName(ctx, want.Name)
	})
	sameRecord(t, "by name", byName, want)
	byID := must(f, "by id", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.Company(ctx, made.ID)
	})
	sameRecord(t, "by id", byID, want)
}

func testAssignments(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	colleague := f.person(store.RoleAdvisor, "加藤")
	a, b, c := f.company("A商店"), f.company("B工業"), f.company("C農園")
	f.assign(a, advisor, at(1))
	f.assign(b, advisor, at(2))
	f.assign(c, colleague, at(3))
	f.assign(a, advisor, at(4)) // again: idempotent, and A is now the most recent
	sameList(t, "after A, B, A", f.companiesOf(advisor), []store.Company{a, b})

	f.assign(b, advisor, at(5))
	sameList(t, "after B again", f.companiesOf(advisor), []store.Company{b, a})
	sameList(t, "colleague", f.companiesOf(colleague), []store.Company{c})
	nobody := f.person(store.RoleAdvisor, "新人")
	if got := f.companiesOf(nobody); len(got) != 0 {
		t.Errorf("advisor without assignments: got %+v, want none", got)
	}
}

func (f *fixture) assign(c store.Company, advisor store.Person, when time.Time) {
	f.t.Helper()
	f.do("assign "+c.Name, func(ctx context.Context, tx store.Tx) error {
		return tx.Assign(ctx, c.ID, advisor.ID, when)
	})
}

func (f *fixture) companiesOf(advisor store.Person) []store.Company {
	f.t.Helper()
	return must(f, "companies of "+advisor.Name, func(ctx context.Context, tx store.Tx) ([]store.Company, error) {
		return tx.CompaniesOf(ctx, advisor.ID)
	})
}

func testRoles(t *testing.T, open opener) {
	t.Run("a role change is kept and people are listed by role in id order", func(t *testing.T) {
		f := setup(t, open)
		sato, kato := f.person(store.RoleAdvisor, "佐藤"), f.person(store.RoleAdvisor, "加藤")
		yamada := f.person(store.RoleOwner, "山田")
		nakamura := f.person(store.RoleAdvisor, "中村")
		sameList(t, "advisors", f.peopleByRole(store.RoleAdvisor), []store.Person{sato, kato, nakamura})
		if got := f.peopleByRole(store.RoleCoordinator); len(got) != 0 {
			t.Errorf("coordinators before any promotion = %+v, want none", got)
		}

		f.do("promote", func(ctx context.Context, tx store.Tx) error {
			return tx.SetRole(ctx, nakamura.ID, store.RoleCoordinator)
		})
		f.do("promote again (idempotent)", func(ctx context.Context, tx store.Tx) error {
			return tx.SetRole(ctx, nakamura.ID, store.RoleCoordinator)
		})
		nakamura.Role = store.RoleCoordinator
		sameList(t, "coordinators", f.peopleByRole(store.RoleCoordinator), []store.Person{nakamura})
		sameList(t, "advisors after the promotion", f.peopleByRole(store.RoleAdvisor), []store.Person{sato, kato})
		sameList(t, "owners", f.peopleByRole(store.RoleOwner), []store.Person{yamada})
		got := must(f, "read", func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.Person(ctx, nakamura.ID)
		})
		sameRecord(t, "promoted person", got, nakamura)

		err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
			return tx.SetRole(ctx, unknownID, store.RoleCoordinator)
		})
		wantErr(t, "SetRole of an unknown person", err, store.ErrNotFound)
	})
	t.Run("a person's identities are listed, and only theirs", func(t *testing.T) {
		f := setup(t, open)
		owner := f.createPerson(store.Person{Role: store.RoleOwner, Name: "高橋", Locale: "ja", CreatedAt: at(0)}, "line", "Uowner")
		advisor := f.createPerson(store.Person{Role: store.RoleAdvisor, Name: "田中", Locale: "ja", CreatedAt: at(0)}, "slack", "Uowner")
		sameList(t, "owner", f.identities(owner.ID), []store.Identity{{Channel: "line", ExternalID: "Uowner"}})
		sameList(t, "advisor", f.identities(advisor.ID), []store.Identity{{Channel: "slack", ExternalID: "Uowner"}})
		if got := f.identities(unknownID); len(got) != 0 {
			t.Errorf("identities of an unknown person = %+v, want none", got)
		}
	})
}

func (f *fixture) peopleByRole(role store.Role) []store.Person {
	f.t.Helper()
	return must(f, "people by role", func(ctx context.Context, tx store.Tx) ([]store.Person, error) {
		return tx.PeopleByRole(ctx, role)
	})
}

func (f *fixture) identities(personID int64) []store.Identity {
	f.t.Helper()
	return must(f, "identities", func(ctx context.Context, tx store.Tx) ([]store.Identity, error) {
		return tx.Identities(ctx, personID)
	})
}

func testAdvisorsOf(t *testing.T, open opener) {
	f := setup(t, open)
	sato, kato, ito := f.person(store.RoleAdvisor, "佐藤"), f.person(store.RoleAdvisor, "加藤"), f.person(store.RoleAdvisor, "伊藤")
	a, b := f.company("A商店"), f.company("B工業")
	f.assign(a, sato, at(1))
	f.assign(a, kato, at(2))
	f.assign(b, ito, at(3))
	sameList(t, "A商店 after 佐藤, 加藤", f.advisorsOf(a.ID), []store.Person{kato, sato})
	f.assign(a, sato, at(4)) // 佐藤 visits again
	sameList(t, "A商店 after 佐藤 again", f.advisorsOf(a.ID), []store.Person{sato, kato})
	sameList(t, "B工業", f.advisorsOf(b.ID), []store.Person{ito})
	if got := f.advisorsOf(f.company("C農園").ID); len(got) != 0 {
		t.Errorf("advisors of an unassigned company = %+v, want none", got)
	}
}

func (f *fixture) advisorsOf(companyID int64) []store.Person {
	f.t.Helper()
	return must(f, "advisors of", func(ctx context.Context, tx store.Tx) ([]store.Person, error) {
		return tx.AdvisorsOf(ctx, companyID)
	})
}

// testCompanyList: names sort bytewise (code point order), whatever the
// database's collation: Latin before kana before kanji.
func testCompanyList(t *testing.T, open opener) {
	f := setup(t, open)
	if got := f.companies(); len(got) != 0 {
		t.Fatalf("companies of an empty store = %+v, want none", got)
	}
	maruichi, sakura := f.company("丸一商店"), f.company("さくら食堂")
	b, a, lower := f.company("B工業"), f.company("A商店"), f.company("a商店")
	yamato := f.company("やまと製菓")
	sameList(t, "companies", f.companies(), []store.Company{a, b, lower, sakura, yamato, maruichi})
}

func (f *fixture) companies() []store.Company {
	f.t.Helper()
	return must(f, "companies", func(ctx context.Context, tx store.Tx) ([]store.Company, error) {
		return tx.Companies(ctx)
	})
}
