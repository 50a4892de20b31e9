package storetest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// Erasure is a store holding two companies with everything bansou keeps
// about them — advisor, owner with a LINE identity, sessions and answers,
// records, invites, reminders, owner link — where the first is to be erased
// (APPI). The conformance suite checks the erasure through the store
// interface; a backend's own test can scan its tables for what must be gone.
type Erasure struct {
	// CompanyID is the company Erase erases, OwnerID its owner.
	CompanyID, OwnerID int64
	// Gone are strings only the erased company's data holds (its name, the
	// owner's name and LINE user id, answer and record texts): after Erase
	// none may remain anywhere.
	Gone []string
	// Kept are strings of the other company's data, which must remain.
	Kept []string

	f       *fixture
	advisor store.Person
	digest  string // dedupe key of the advisor's digest, about no company
	doomed  built
	kept    built
	audited []string // audit subjects written while building
}

// built is one company as NewErasure made it.
type built struct {
	company  store.Company
	owner    store.Person
	lineID   string
	sessions []store.Session // the advisor's debrief, the owner's check-in, the owner's onboarding (no company)
	invites  []string        // code hashes
	keys     []string        // reminder dedupe keys
	texts    []string        // strings that identify it
}

// NewErasure fills s, a fresh store, with the two companies.
func NewErasure(t *testing.T, s store.Store) *Erasure {
	t.Helper()
	f := &fixture{t: t, s: s, ctx: t.Context()}
	e := &Erasure{f: f, digest: "digest:2026-W11"}
	e.advisor = f.createPerson(store.Person{Role: store.RoleAdvisor, Name: "佐藤 健", Locale: "ja", CreatedAt: at(0)}, "slack", "U0ADVISOR")
	e.doomed = e.build(companyData{name: "株式会社やまと製菓", owner: "山田花子", lineID: "U4af4980629yamada",
		words: "借入先は北陸の信金", tag: "yamato"})
	e.kept = e.build(companyData{name: "丸一商店", owner: "鈴木一郎", lineID: "U77suzukiichiro",
		words: "駅前に二号店", tag: "maruichi"})
	f.enqueue(store.Reminder{Kind: "digest", RecipientID: e.advisor.ID, DueAt: at(300), DedupeKey: e.digest, CreatedAt: at(0)})
	e.CompanyID, e.OwnerID = e.doomed.company.ID, e.doomed.owner.ID
	e.Gone, e.Kept = e.doomed.texts, e.kept.texts
	return e
}

// companyData is what makes one company's records recognisable.
type companyData struct {
	name, owner, lineID string
	words               string // the owner's own words, in answers and records
	tag                 string // makes keys and hashes unique
}

// build creates a company with its owner and every kind of record, as
// months of use would leave them.
func (e *Erasure) build(d companyData) built {
	f := e.f
	b := built{lineID: d.lineID}
	b.company = f.company(d.name)
	f.assign(b.company, e.advisor, at(1))
	b.owner = f.createPerson(store.Person{Role: store.RoleOwner, Name: d.owner, Locale: "ja", CreatedAt: at(2)}, "line", d.lineID)
	b.invites = []string{"sha256:used-" + d.tag, "sha256:unused-" + d.tag}
	used := f.invite(store.Invite{CodeHash: b.invites[0], CompanyID: b.company.ID, CreatedBy: e.advisor.ID, CreatedAt: at(2), ExpiresAt: at(10000)})
	f.invite(store.Invite{CodeHash: b.invites[1], CompanyID: b.company.ID, CreatedAt: at(3), ExpiresAt: at(10000)})
	f.useInvite(used.ID, b.owner.ID, at(4))
	f.link(b.owner, b.company, at(4))

	debrief := e.session(e.advisor.ID, b.company.ID, d.name+"を訪問", at(5))
	f.answer(debrief, e.advisor.ID, "D1", d.owner+"さんの話", "", at(6))
	f.answer(debrief, e.advisor.ID, "D2", d.words, "wall.main", at(7))
	f.answer(debrief, e.advisor.ID, "D2", d.words+"（訂正）", "wall.main", at(8)) // audited edit
	checkin := e.session(b.owner.ID, b.company.ID, "check-in", at(10))
	f.answer(checkin, b.owner.ID, "C1", d.words+"に相談した", "", at(11))
	f.answer(checkin, b.owner.ID, "C2", "true", "callback.wanted", at(12))
	onboarding := e.session(b.owner.ID, 0, "onboarding", at(3))
	f.answer(onboarding, b.owner.ID, "O1", d.owner, "", at(3))
	b.sessions = []store.Session{debrief, checkin, onboarding}
	e.audited = append(e.audited, fmt.Sprintf("session:%d/step:D2", debrief.ID))

	c := b.company.ID
	f.commit(store.Commitment{CompanyID: c, SessionID: debrief.ID, Text: d.words + "へ見積り", Due: "2026-04-30", Status: "open", CreatedAt: at(9)})
	f.followup(store.Followup{CompanyID: c, AdvisorID: e.advisor.ID, SessionID: debrief.ID, Due: "2026-04-07", Status: "open", CreatedAt: at(9)})
	f.refer(store.Referral{CompanyID: c, SessionID: debrief.ID, Targets: []string{"yorozu"}, Reason: d.words, Status: "pending", CreatedAt: at(9)})
	f.win(store.SmallWin{CompanyID: c, SessionID: checkin.ID, Text: d.owner + "さんの新商品", Source: "owner", CreatedAt: at(12)})

	b.keys = []string{"checkin:" + d.tag, "followup:" + d.tag, "nudge:" + d.tag}
	f.enqueue(store.Reminder{Kind: "checkin", RecipientID: b.owner.ID, CompanyID: c, SessionID: checkin.ID, DueAt: at(100), DedupeKey: b.keys[0], Payload: `{"commitment":"` + d.words + `"}`, CreatedAt: at(12)})
	f.enqueue(store.Reminder{Kind: "followup", RecipientID: e.advisor.ID, CompanyID: c, SessionID: debrief.ID, DueAt: at(200), DedupeKey: b.keys[1], CreatedAt: at(9)})
	f.enqueue(store.Reminder{Kind: "nudge", RecipientID: b.owner.ID, DueAt: at(50), DedupeKey: b.keys[2], CreatedAt: at(3)})

	b.texts = []string{d.name, d.owner, d.lineID, d.words}
	return b
}

// session is a completed session whose engine state names what it is about.
func (e *Erasure) session(respondentID, companyID int64, about string, when time.Time) store.Session {
	e.f.t.Helper()
	s := newSession(respondentID, companyID)
	s.State = []byte(`{"about":"` + about + `"}`)
	s.Status, s.CreatedAt, s.UpdatedAt, s.CompletedAt = store.SessionCompleted, when, when, when
	return must(e.f, "create session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.CreateSession(ctx, s)
	})
}

// Erase erases the company as `bansou erase` would: EraseCompany and an
// audit entry in one transaction. It returns the rows deleted per table.
func (e *Erasure) Erase() map[string]int64 {
	e.f.t.Helper()
	return must(e.f, "erase", func(ctx context.Context, tx store.Tx) (map[string]int64, error) {
		deleted, err := tx.EraseCompany(ctx, e.CompanyID)
		if err != nil {
			return nil, err
		}
		return deleted, tx.AddAudit(ctx, store.AuditEntry{ActorID: e.advisor.ID, Action: "company.erase",
			Subject: e.subject(), Detail: "requested by the owner", At: at(500)})
	})
}

func (e *Erasure) subject() string { return fmt.Sprintf("company:%d", e.CompanyID) }

// wantDeleted is what erasing one company built by NewErasure deletes.
var wantDeleted = map[string]int64{
	"reminders":   3, // the owner's check-in and nudge, the advisor's follow-up about the company
	"answers":     6, // debrief 3 (one an edit), check-in 2, onboarding 1
	"commitments": 1,
	"followups":   1,
	"referrals":   1,
	"small_wins":  1,
	"invites":     2,
	"owner_links": 1,
	"sessions":    3, // the debrief, and the owner's check-in and onboarding
	"identities":  1,
	"people":      1,
	"assignments": 1,
	"companies":   1,
}

func testErase(t *testing.T, open opener) {
	t.Parallel()
	t.Run("erasing a company leaves nothing of it and everything else", func(t *testing.T) {
		testEraseCompany(t, open)
	})
	t.Run("an unknown company is not found", func(t *testing.T) {
		f := setup(t, open)
		f.company("丸一商店")
		_, err := get(f, func(ctx context.Context, tx store.Tx) (map[string]int64, error) {
			return tx.EraseCompany(ctx, unknownID)
		})
		wantErr(t, "EraseCompany", err, store.ErrNotFound)
	})
}

func testEraseCompany(t *testing.T, open opener) {
	e := NewErasure(t, open(t, time.Now))
	f := e.f
	keptBefore, advisorBefore := f.companyView(e.kept), f.personView(e.advisor.ID)
	var auditBefore [][]store.AuditEntry
	for _, subject := range e.audited {
		auditBefore = append(auditBefore, f.audit(subject))
	}

	if deleted := e.Erase(); !maps.Equal(deleted, wantDeleted) {
		t.Errorf("EraseCompany deleted %v, want %v", deleted, wantDeleted)
	}
	e.checkGone(t)
	if got := f.companyView(e.kept); !reflect.DeepEqual(got, keptBefore) {
		t.Errorf("the other company changed:\n got  %+v\n want %+v", got, keptBefore)
	}
	// The advisor stays, minus what was about the erased company.
	want := advisorBefore
	about := func(companyID int64) bool { return companyID == e.CompanyID }
	want.companies = slices.DeleteFunc(want.companies, func(c store.Company) bool { return about(c.ID) })
	want.followups = slices.DeleteFunc(want.followups, func(fu store.Followup) bool { return about(fu.CompanyID) })
	want.reminders = slices.DeleteFunc(want.reminders, func(r store.Reminder) bool { return about(r.CompanyID) })
	if len(want.companies) != 1 || len(want.followups) != 1 || len(want.reminders) != 2 {
		t.Fatalf("the advisor's view before the erasure is not as built: %+v", advisorBefore)
	}
	if got := f.personView(e.advisor.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("the advisor:\n got  %+v\n want %+v", got, want)
	}
	for i, subject := range e.audited {
		sameList(t, "audit of "+subject, f.audit(subject), auditBefore[i])
	}
	if got := f.audit(e.subject()); len(got) != 1 || got[0].Action != "company.erase" {
		t.Errorf("audit of the erasure = %+v, want the company.erase entry", got)
	}
	_, err := get(f, func(ctx context.Context, tx store.Tx) (map[string]int64, error) {
		return tx.EraseCompany(ctx, e.CompanyID)
	})
	wantErr(t, "erasing again", err, store.ErrNotFound)
}

// checkGone asks the store, method by method, for what was erased.
func (e *Erasure) checkGone(t *testing.T) {
	t.Helper()
	f, d := e.f, e.doomed
	notFound := func(what string, fn func(ctx context.Context, tx store.Tx) error) {
		t.Helper()
		wantErr(t, what+" after the erasure", f.s.InTx(f.ctx, fn), store.ErrNotFound)
	}
	notFound("Company", func(ctx context.Context, tx store.Tx) error { _, err := tx.Company(ctx, d.company.ID); return err })
	notFound("CompanyByName", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CompanyByName(ctx, d.company.Name)
		return err
	})
	notFound("Person", func(ctx context.Context, tx store.Tx) error { _, err := tx.Person(ctx, d.owner.ID); return err })
	notFound("PersonByIdentity", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.PersonByIdentity(ctx, "line", d.lineID)
		return err
	})
	notFound("OwnerLink", func(ctx context.Context, tx store.Tx) error { _, err := tx.OwnerLink(ctx, d.owner.ID); return err })
	notFound("LatestCommitment", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.LatestCommitment(ctx, d.company.ID)
		return err
	})
	notFound("LatestTagged", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.LatestTagged(ctx, d.company.ID, "wall.main")
		return err
	})
	for _, s := range d.sessions {
		notFound("Session", func(ctx context.Context, tx store.Tx) error { _, err := tx.Session(ctx, s.ID); return err })
		if got := f.answers(s.ID); len(got) != 0 {
			t.Errorf("answers of erased session %d: %+v", s.ID, got)
		}
	}
	for _, hash := range d.invites {
		notFound("InviteByHash", func(ctx context.Context, tx store.Tx) error { _, err := tx.InviteByHash(ctx, hash); return err })
	}
	empty := func(what string, n int) {
		t.Helper()
		if n != 0 {
			t.Errorf("%s after the erasure: %d left, want none", what, n)
		}
	}
	empty("Identities", len(f.identities(d.owner.ID)))
	empty("CompanyOwners", len(f.companyOwners(d.company.ID)))
	empty("AdvisorsOf", len(f.advisorsOf(d.company.ID)))
	r := f.companyRecords(d.company.ID)
	empty("CompanyRecords", len(r.Commitments)+len(r.Followups)+len(r.Referrals)+len(r.SmallWins))
	empty("CompanySessions", len(f.companySessions(d.company.ID)))
	empty("Reminders about the company", len(f.reminders(store.ReminderFilter{CompanyID: d.company.ID})))
	empty("Reminders to the owner", len(f.reminders(store.ReminderFilter{RecipientID: d.owner.ID})))

	sameList(t, "Companies", f.companies(), []store.Company{e.kept.company})
	sameList(t, "owners", f.peopleByRole(store.RoleOwner), []store.Person{e.kept.owner})
	sameKeys(t, "all reminders", f.reminders(store.ReminderFilter{}), e.kept.keys[2], e.kept.keys[0], e.kept.keys[1], e.digest)
	all := must(f, "sessions between", func(ctx context.Context, tx store.Tx) ([]store.Session, error) {
		return tx.SessionsBetween(ctx, at(-1000), at(1000))
	})
	sameList(t, "all sessions", all, []store.Session{e.kept.sessions[2], e.kept.sessions[0], e.kept.sessions[1]})
}

// companyView is everything the store answers about one built company.
type companyView struct {
	company    store.Company
	advisors   []store.Person
	records    store.Records
	sessions   []store.Session
	answers    [][]store.Answer
	owners     []store.OwnerLink
	owner      personView
	link       store.OwnerLink
	invites    []store.Invite
	reminders  []store.Reminder
	latestWall store.Answer
}

func (f *fixture) companyView(b built) companyView {
	f.t.Helper()
	id := b.company.ID
	v := companyView{
		company:   must(f, "company", func(ctx context.Context, tx store.Tx) (store.Company, error) { return tx.Company(ctx, id) }),
		advisors:  f.advisorsOf(id),
		records:   f.companyRecords(id),
		sessions:  f.companySessions(id),
		owners:    f.companyOwners(id),
		owner:     f.personView(b.owner.ID),
		reminders: f.reminders(store.ReminderFilter{CompanyID: id}),
	}
	for _, s := range b.sessions {
		v.answers = append(v.answers, f.answers(s.ID))
	}
	for _, hash := range b.invites {
		v.invites = append(v.invites, f.inviteByHash(hash))
	}
	v.link = must(f, "owner link", func(ctx context.Context, tx store.Tx) (store.OwnerLink, error) {
		return tx.OwnerLink(ctx, b.owner.ID)
	})
	v.latestWall = must(f, "latest wall", func(ctx context.Context, tx store.Tx) (store.Answer, error) {
		return tx.LatestTagged(ctx, id, "wall.main")
	})
	return v
}

// personView is everything the store answers about one person.
type personView struct {
	person     store.Person
	identities []store.Identity
	companies  []store.Company
	followups  []store.Followup
	reminders  []store.Reminder
}

func (f *fixture) personView(id int64) personView {
	f.t.Helper()
	v := personView{
		person:     must(f, "person", func(ctx context.Context, tx store.Tx) (store.Person, error) { return tx.Person(ctx, id) }),
		identities: f.identities(id),
		companies:  f.companiesOf(store.Person{ID: id}),
		followups:  f.openFollowups(id),
		reminders:  f.reminders(store.ReminderFilter{RecipientID: id}),
	}
	if len(v.identities) > 0 {
		i := v.identities[0]
		byIdentity := must(f, "person by identity", func(ctx context.Context, tx store.Tx) (store.Person, error) {
			return tx.PersonByIdentity(ctx, i.Channel, i.ExternalID)
		})
		if byIdentity.ID != id {
			f.t.Errorf("identity %+v leads to person %d, want %d", i, byIdentity.ID, id)
		}
	}
	return v
}

func (f *fixture) companySessions(companyID int64) []store.Session {
	f.t.Helper()
	return must(f, "company sessions", func(ctx context.Context, tx store.Tx) ([]store.Session, error) {
		return tx.CompanySessions(ctx, companyID)
	})
}
