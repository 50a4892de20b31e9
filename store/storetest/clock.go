package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// testClock saves records without a time on a store opened with a fixed
// clock: each is stamped with the clock's time, never the wall clock's.
func testClock(t *testing.T, open opener) {
	t.Parallel()
	// Months before the wall clock, in JST: a store that stamped time.Now
	// or kept the zone would show it.
	instant := time.Date(2026, 3, 14, 9, 26, 53, 0, time.FixedZone("JST", 9*60*60))
	f := &fixture{t: t, s: open(t, func() time.Time { return instant }), ctx: t.Context()}
	stamped := func(what string, got time.Time) {
		t.Helper()
		if diff := storedTime(got, instant); diff != "" {
			t.Errorf("%s: %s (the store's clock)", what, diff)
		}
	}

	p := must(f, "create person", func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤", Locale: "ja"}, "console", "clock-1")
	})
	stamped("person created", must(f, "person", func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.Person(ctx, p.ID)
	}).CreatedAt)

	c := must(f, "create company", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CreateCompany(ctx, store.Company{Name: "丸一商店"})
	})
	keyed := must(f, "create keyed company", func(ctx context.Context, tx store.Tx) (store.Company, error) {
		return tx.CreateKeyedCompany(ctx, store.Company{Name: "山田製作所"}, "やまだ")
	})
	for _, id := range []int64{c.ID, keyed.ID} {
		stamped(fmt.Sprintf("company %d created", id), must(f, "company", func(ctx context.Context, tx store.Tx) (store.Company, error) {
			return tx.Company(ctx, id)
		}).CreatedAt)
	}

	testClockSessions(f, p, c, instant, stamped)
	testClockEvents(f, instant)

	f.do("audit", func(ctx context.Context, tx store.Tx) error {
		return tx.AddAudit(ctx, store.AuditEntry{ActorID: p.ID, Action: "company.erase", Subject: "company:clock", Detail: "test"})
	})
	for _, e := range f.audit("company:clock") {
		stamped("audit entry", e.At)
	}
}

// testClockSessions creates, saves and answers sessions without times.
func testClockSessions(f *fixture, p store.Person, c store.Company, instant time.Time, stamped func(string, time.Time)) {
	f.t.Helper()
	s := newSession(p.ID, c.ID)
	s.CreatedAt, s.UpdatedAt = time.Time{}, time.Time{}
	s = must(f, "create session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.CreateSession(ctx, s)
	})
	stored := f.session(s.ID)
	stamped("session created", stored.CreatedAt)
	stamped("session updated (at creation)", stored.UpdatedAt)

	must(f, "add answer", func(ctx context.Context, tx store.Tx) (store.Answer, error) {
		return tx.AddAnswer(ctx, store.Answer{SessionID: s.ID, StepID: "D1", Value: "売上", Raw: "売上", ByPersonID: p.ID})
	})
	stored.UpdatedAt = time.Time{}
	stored = must(f, "update session", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.UpdateSession(ctx, stored)
	})
	stored.UpdatedAt = time.Time{}
	saved := must(f, "save turn", func(ctx context.Context, tx store.Tx) (store.Session, error) {
		return tx.SaveTurn(ctx, stored, &store.Answer{SessionID: s.ID, StepID: "D2", Value: "人手", Raw: "人手", ByPersonID: p.ID})
	})
	stamped("session saved by a turn", f.session(s.ID).UpdatedAt)

	f.end(saved, store.SessionCompleted, instant) // frees the respondent for the next session
	next := newSession(p.ID, c.ID)
	next.CreatedAt, next.UpdatedAt = time.Time{}, time.Time{}
	f.do("create session with answers", func(ctx context.Context, tx store.Tx) error {
		var err error
		next, _, err = tx.CreateSessionWithAnswers(ctx, next, []store.Answer{{StepID: "D1", Value: "販路", Raw: "販路", ByPersonID: p.ID}})
		return err
	})
	stamped("session created with answers", f.session(next.ID).CreatedAt)

	answers := append(f.answers(s.ID), f.answers(next.ID)...)
	if len(answers) != 3 {
		f.t.Fatalf("answers = %+v, want D1 and D2 of session %d, then D1 of %d", answers, s.ID, next.ID)
	}
	for _, a := range answers {
		stamped(fmt.Sprintf("answer %s of session %d", a.StepID, a.SessionID), a.At)
	}
}

// testClockEvents records two inbound events without a time, one by
// MarkEvent and one by OpenTurn: sweeping up to a second before the clock
// keeps both, up to a second after removes both.
func testClockEvents(f *fixture, instant time.Time) {
	f.t.Helper()
	f.do("mark event", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.MarkEvent(ctx, "clock-ev-1", time.Time{})
		return err
	})
	f.do("open turn", func(ctx context.Context, tx store.Tx) error {
		_, err := tx.OpenTurn(ctx, store.TurnKey{EventID: "clock-ev-2", Channel: "console", ExternalID: "clock-1"})
		return err
	})
	sweep := func(cutoff time.Time) int64 {
		n, err := f.s.SweepEvents(f.ctx, cutoff)
		if err != nil {
			f.t.Fatalf("SweepEvents: %v", err)
		}
		return n
	}
	if n := sweep(instant.Add(-time.Second)); n != 0 {
		f.t.Errorf("sweeping events before the store's clock removed %d, want 0", n)
	}
	if n := sweep(instant.Add(time.Second)); n != 2 {
		f.t.Errorf("sweeping events up to a second after the store's clock removed %d, want both", n)
	}
}
