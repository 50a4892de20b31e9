package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// lease is how long the stories' claims hold a reminder.
const lease = 5 * time.Minute

func testReminders(t *testing.T, open opener) {
	t.Parallel()
	t.Run("a dedupe key is enqueued once and the reminder reads back exactly", func(t *testing.T) {
		testEnqueue(t, open)
	})
	t.Run("a claim leases only due pending reminders, earliest due first", func(t *testing.T) {
		testClaimDue(t, open)
	})
	t.Run("a claim takes at most limit reminders", func(t *testing.T) {
		testClaimLimit(t, open)
	})
	t.Run("an expired lease makes a reminder claimable again", func(t *testing.T) {
		testLeaseExpiry(t, open)
	})
	t.Run("finishing without the current claim is a conflict and changes nothing", func(t *testing.T) {
		testStaleFinish(t, open)
	})
	t.Run("a retry goes back to pending at its new due time", func(t *testing.T) {
		testRetry(t, open)
	})
	t.Run("reminders are filtered by every field, earliest due first", func(t *testing.T) {
		testReminderFilter(t, open)
	})
	t.Run("cancelling touches only pending reminders", func(t *testing.T) {
		testCancelReminders(t, open)
	})
}

// reminder is a pending check-in for recipient, due at due.
func reminder(key string, recipient store.Person, due time.Time) store.Reminder {
	return store.Reminder{Kind: "checkin", RecipientID: recipient.ID, DueAt: due, DedupeKey: key,
		Payload: `{"flow":"checkin"}`, CreatedAt: at(0)}
}

func (f *fixture) enqueue(r store.Reminder) bool {
	f.t.Helper()
	return must(f, "enqueue "+r.DedupeKey, func(ctx context.Context, tx store.Tx) (bool, error) {
		return tx.EnqueueReminder(ctx, r)
	})
}

func (f *fixture) reminders(filter store.ReminderFilter) []store.Reminder {
	f.t.Helper()
	return must(f, "reminders", func(ctx context.Context, tx store.Tx) ([]store.Reminder, error) {
		return tx.Reminders(ctx, filter)
	})
}

// reminder reads back the reminder with the dedupe key.
func (f *fixture) reminder(key string) store.Reminder {
	f.t.Helper()
	for _, r := range f.reminders(store.ReminderFilter{}) {
		if r.DedupeKey == key {
			return r
		}
	}
	f.t.Fatalf("no reminder %s", key)
	return store.Reminder{}
}

func (f *fixture) claim(now time.Time, limit int) []store.Reminder {
	f.t.Helper()
	return must(f, "claim", func(ctx context.Context, tx store.Tx) ([]store.Reminder, error) {
		return tx.ClaimReminders(ctx, now, lease, limit)
	})
}

func (f *fixture) finish(r store.Reminder) error {
	return f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.FinishReminder(ctx, r)
	})
}

// claimed is r as a claim at now returns it.
func claimed(r store.Reminder, now time.Time) store.Reminder {
	r.Status, r.Attempts, r.LeaseUntil = store.ReminderClaimed, r.Attempts+1, now.Add(lease)
	return r
}

func keys(rs []store.Reminder) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.DedupeKey)
	}
	return out
}

func sameKeys(t *testing.T, what string, got []store.Reminder, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(keys(got), want) {
		t.Errorf("%s: got %q, want %q", what, keys(got), want)
	}
}

func testEnqueue(t *testing.T, open opener) {
	f := setup(t, open)
	advisor, owner := f.person(store.RoleAdvisor, "佐藤"), f.person(store.RoleOwner, "山田")
	company := f.company("やまと製菓")
	s := f.startSession(advisor.ID, company.ID)
	want := store.Reminder{Kind: "checkin", RecipientID: owner.ID, CompanyID: company.ID, SessionID: s.ID,
		DueAt: at(60), DedupeKey: "checkin:c1:2026-03-15", Payload: `{"step":"C1","回":1}`, CreatedAt: at(1)}
	if !f.enqueue(want) {
		t.Fatalf("first EnqueueReminder: inserted = false, want true")
	}
	again := want
	again.Kind, again.DueAt, again.Payload, again.CreatedAt = "nudge", at(90), `{}`, at(2)
	if f.enqueue(again) {
		t.Errorf("second EnqueueReminder of the same key: inserted = true, want false")
	}
	// Optional references empty, no creation time: stored as given.
	digest := store.Reminder{Kind: "digest", RecipientID: advisor.ID, DueAt: at(30), DedupeKey: "digest:2026-W11"}
	if !f.enqueue(digest) {
		t.Fatalf("EnqueueReminder of a digest: inserted = false, want true")
	}

	got := f.reminders(store.ReminderFilter{})
	if len(got) != 2 || got[0].ID == 0 || got[0].ID == got[1].ID {
		t.Fatalf("reminders = %+v, want two with distinct ids", got)
	}
	want.ID, want.Status = got[1].ID, store.ReminderPending
	digest.ID, digest.Status = got[0].ID, store.ReminderPending
	sameList(t, "reminders", got, []store.Reminder{digest, want})
}

func testClaimDue(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	now := at(100)
	for key, due := range map[string]time.Time{"late": at(90), "future": now.Add(time.Microsecond), "now": now} {
		f.enqueue(reminder(key, owner, due))
	}
	f.enqueue(reminder("early", owner, at(50)))
	f.enqueue(reminder("tie", owner, at(50))) // same due time, higher id
	for _, status := range []store.ReminderStatus{store.ReminderSent, store.ReminderFailed, store.ReminderExpired, store.ReminderCancelled} {
		r := reminder(string(status), owner, at(10))
		r.Status = status
		f.enqueue(r)
	}
	before := f.reminders(store.ReminderFilter{})

	got := f.claim(now, 100)
	var want []store.Reminder
	for _, key := range []string{"early", "tie", "late", "now"} {
		want = append(want, claimed(f.pick(before, key), now))
	}
	sameList(t, "claimed", got, want)
	sameList(t, "claimed, read back", f.reminders(store.ReminderFilter{Status: store.ReminderClaimed}), want)
	for _, key := range []string{"future", "sent", "failed", "expired", "cancelled"} {
		sameRecord(t, "unclaimed "+key, f.reminder(key), f.pick(before, key))
	}
	sameKeys(t, "a second claim at the same time", f.claim(now, 100))
	sameKeys(t, "a claim when the future one is due", f.claim(now.Add(time.Microsecond), 100), "future")
}

// pick finds the reminder with the dedupe key in rs.
func (f *fixture) pick(rs []store.Reminder, key string) store.Reminder {
	f.t.Helper()
	i := slices.IndexFunc(rs, func(r store.Reminder) bool { return r.DedupeKey == key })
	if i < 0 {
		f.t.Fatalf("no reminder %s in %q", key, keys(rs))
	}
	return rs[i]
}

func testClaimLimit(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	for i, key := range []string{"c", "a", "b"} {
		f.enqueue(reminder(key, owner, at([]int{3, 1, 2}[i])))
	}
	sameKeys(t, "first claim", f.claim(at(10), 2), "a", "b")
	sameKeys(t, "second claim", f.claim(at(10), 2), "c")
	sameKeys(t, "third claim", f.claim(at(10), 2))
	f.enqueue(reminder("d", owner, at(4)))
	sameKeys(t, "a claim with limit 0", f.claim(at(10), 0))
	sameKeys(t, "a claim with limit -1", f.claim(at(10), -1))
	sameKeys(t, "a claim with limit 1", f.claim(at(10), 1), "d")
}

func testLeaseExpiry(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	f.enqueue(reminder("k", owner, at(0)))
	pending := f.reminder("k")
	first := f.claim(at(10), 10)
	sameList(t, "first claim", first, []store.Reminder{claimed(pending, at(10))})

	expiry := at(10).Add(lease)
	sameKeys(t, "a claim just before the lease expires", f.claim(expiry.Add(-time.Microsecond), 10))
	second := f.claim(expiry, 10)
	sameList(t, "a claim when the lease expires", second, []store.Reminder{claimed(first[0], expiry)})
	if len(second) == 1 && second[0].Attempts != 2 {
		t.Errorf("attempts after the second claim = %d, want 2", second[0].Attempts)
	}
}

func testStaleFinish(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	f.enqueue(reminder("k", owner, at(0)))
	f.enqueue(reminder("never-claimed", owner, at(1000)))
	stale := f.claim(at(10), 1)[0]
	current := f.claim(at(10).Add(lease), 1)[0] // the first dispatcher's lease ran out

	done := stale
	done.Status, done.SentAt = store.ReminderSent, at(16)
	wantErr(t, "FinishReminder with the expired claim", f.finish(done), store.ErrConflict)
	sameRecord(t, "after the stale finish", f.reminder("k"), current)

	done = current
	done.Status, done.SentAt, done.LastError = store.ReminderSent, at(17), "after one 429"
	if err := f.finish(done); err != nil {
		t.Fatalf("FinishReminder with the current claim: %v", err)
	}
	want := done
	want.LeaseUntil = time.Time{}
	sameRecord(t, "sent", f.reminder("k"), want)

	wantErr(t, "FinishReminder of a sent reminder", f.finish(done), store.ErrConflict)
	sameRecord(t, "after finishing twice", f.reminder("k"), want)
	pending := f.reminder("never-claimed")
	early := pending
	early.Status = store.ReminderSent
	wantErr(t, "FinishReminder of an unclaimed reminder", f.finish(early), store.ErrConflict)
	sameRecord(t, "the unclaimed reminder", f.reminder("never-claimed"), pending)
	ghost := done
	ghost.ID = unknownID
	wantErr(t, "FinishReminder of an unknown reminder", f.finish(ghost), store.ErrConflict)
}

func testRetry(t *testing.T, open opener) {
	f := setup(t, open)
	owner := f.person(store.RoleOwner, "山田")
	f.enqueue(reminder("k", owner, at(0)))
	c := f.claim(at(10), 1)[0]

	retry := c
	retry.Status, retry.DueAt, retry.LastError = store.ReminderPending, at(40), "LINE 500"
	if err := f.finish(retry); err != nil {
		t.Fatalf("FinishReminder back to pending: %v", err)
	}
	want := retry
	want.LeaseUntil = time.Time{}
	sameRecord(t, "waiting for the retry", f.reminder("k"), want)
	sameKeys(t, "a claim before the new due time", f.claim(at(40).Add(-time.Microsecond), 10))
	again := f.claim(at(40), 10)
	sameList(t, "the retry's claim", again, []store.Reminder{claimed(want, at(40))})

	// A zero DueAt keeps the stored due time.
	gone := again[0]
	gone.Status, gone.DueAt, gone.LastError = store.ReminderExpired, time.Time{}, "too late"
	if err := f.finish(gone); err != nil {
		t.Fatalf("FinishReminder as expired: %v", err)
	}
	want = gone
	want.DueAt, want.LeaseUntil = at(40), time.Time{}
	sameRecord(t, "expired", f.reminder("k"), want)
}

func testReminderFilter(t *testing.T, open opener) {
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	ownerA, ownerB := f.person(store.RoleOwner, "山田"), f.person(store.RoleOwner, "鈴木")
	a, b := f.company("A商店"), f.company("B工業")
	sA, sB := f.startSession(advisor.ID, a.ID), f.startSession(ownerB.ID, b.ID)
	add := func(key, kind string, to store.Person, company int64, session int64, due int) {
		f.enqueue(store.Reminder{Kind: kind, RecipientID: to.ID, CompanyID: company, SessionID: session,
			DueAt: at(due), DedupeKey: key, CreatedAt: at(0)})
	}
	add("r1", "checkin", ownerA, a.ID, sA.ID, 30)
	add("r2", "nudge", ownerA, a.ID, 0, 10)
	add("r3", "followup", advisor, a.ID, sA.ID, 20)
	add("r4", "checkin", ownerB, b.ID, sB.ID, 5)
	add("r5", "digest", advisor, 0, 0, 10)
	sameKeys(t, "claimed r4", f.claim(at(5), 1), "r4")

	for _, c := range []struct {
		what   string
		filter store.ReminderFilter
		want   []string
	}{
		{"all", store.ReminderFilter{}, []string{"r4", "r2", "r5", "r3", "r1"}},
		{"check-ins", store.ReminderFilter{Kind: "checkin"}, []string{"r4", "r1"}},
		{"pending", store.ReminderFilter{Status: store.ReminderPending}, []string{"r2", "r5", "r3", "r1"}},
		{"claimed", store.ReminderFilter{Status: store.ReminderClaimed}, []string{"r4"}},
		{"to 山田", store.ReminderFilter{RecipientID: ownerA.ID}, []string{"r2", "r1"}},
		{"about A商店", store.ReminderFilter{CompanyID: a.ID}, []string{"r2", "r3", "r1"}},
		{"about the A session", store.ReminderFilter{SessionID: sA.ID}, []string{"r3", "r1"}},
		{"check-ins about A商店", store.ReminderFilter{Kind: "checkin", CompanyID: a.ID}, []string{"r1"}},
		{"to 佐藤 about A商店", store.ReminderFilter{RecipientID: advisor.ID, CompanyID: a.ID}, []string{"r3"}},
		{"pending about B工業", store.ReminderFilter{CompanyID: b.ID, Status: store.ReminderPending}, nil},
		{"about an unknown company", store.ReminderFilter{CompanyID: unknownID}, nil},
	} {
		sameKeys(t, c.what, f.reminders(c.filter), c.want...)
	}
}

func testCancelReminders(t *testing.T, open opener) {
	f := setup(t, open)
	advisor, owner := f.person(store.RoleAdvisor, "佐藤"), f.person(store.RoleOwner, "山田")
	a, b := f.company("A商店"), f.company("B工業")
	about := func(key string, to store.Person, company store.Company, due int) {
		r := reminder(key, to, at(due))
		r.CompanyID = company.ID
		f.enqueue(r)
	}
	about("sent", owner, a, 1)
	about("claimed", owner, a, 2)
	about("pending-owner", owner, a, 3)
	about("pending-advisor", advisor, a, 4)
	about("other-company", owner, b, 5)
	sameKeys(t, "claims", f.claim(at(1), 10), "sent")
	sent := f.reminder("sent")
	sent.Status, sent.SentAt = store.ReminderSent, at(1)
	if err := f.finish(sent); err != nil {
		t.Fatalf("FinishReminder: %v", err)
	}
	sameKeys(t, "claims", f.claim(at(2), 10), "claimed")
	before := f.reminders(store.ReminderFilter{})

	cancel := func(filter store.ReminderFilter) int64 {
		return must(f, "cancel", func(ctx context.Context, tx store.Tx) (int64, error) {
			return tx.CancelReminders(ctx, filter)
		})
	}
	if n := cancel(store.ReminderFilter{CompanyID: a.ID, Status: store.ReminderClaimed}); n != 0 {
		t.Errorf("CancelReminders of claimed ones = %d, want 0", n)
	}
	if n := cancel(store.ReminderFilter{CompanyID: a.ID}); n != 2 {
		t.Errorf("CancelReminders = %d, want 2", n)
	}
	for _, r := range before {
		want := r
		if r.DedupeKey == "pending-owner" || r.DedupeKey == "pending-advisor" {
			want.Status = store.ReminderCancelled
		}
		sameRecord(t, r.DedupeKey, f.reminder(r.DedupeKey), want)
	}
	if n := cancel(store.ReminderFilter{CompanyID: a.ID}); n != 0 {
		t.Errorf("CancelReminders again = %d, want 0", n)
	}
	// Later: the claimed one's lease has run out, the cancelled ones never come back.
	sameKeys(t, "a late claim", f.claim(at(1000), 10), "claimed", "other-company")
}

// testRacingClaims is eight dispatchers draining the same queue at once:
// every reminder is handed out exactly once.
func testRacingClaims(t *testing.T, open opener) {
	const (
		total      = 200
		dispatcher = 8
		batch      = 7
	)
	f := setup(t, open)
	advisor := f.person(store.RoleAdvisor, "佐藤")
	now := at(0)
	f.do("enqueue", func(ctx context.Context, tx store.Tx) error {
		for i := range total {
			r := reminder(fmt.Sprintf("k%03d", i), advisor, now.Add(-time.Duration(i)*time.Second))
			if _, err := tx.EnqueueReminder(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	got := make([][]store.Reminder, dispatcher)
	errs := make([]error, dispatcher)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for d := range dispatcher {
		wg.Go(func() {
			<-start
			for {
				var rs []store.Reminder
				err := f.s.InTx(f.ctx, func(ctx context.Context, tx store.Tx) (err error) {
					rs, err = tx.ClaimReminders(ctx, now, time.Hour, batch)
					return err
				})
				if err != nil || len(rs) == 0 {
					errs[d] = err
					return
				}
				if len(rs) > batch {
					errs[d] = fmt.Errorf("claimed %d reminders at once, limit %d", len(rs), batch)
					return
				}
				got[d] = append(got[d], rs...)
			}
		})
	}
	close(start)
	wg.Wait()
	for d, err := range errs {
		if err != nil {
			t.Errorf("dispatcher %d: %v", d, err)
		}
	}
	times := map[int64]int{}
	for _, rs := range got {
		for _, r := range rs {
			times[r.ID]++
			if r.Status != store.ReminderClaimed || r.Attempts != 1 {
				t.Errorf("reminder %s came back %s at attempt %d, want claimed at attempt 1", r.DedupeKey, r.Status, r.Attempts)
			}
		}
	}
	stored := f.reminders(store.ReminderFilter{})
	for _, r := range stored {
		if n := times[r.ID]; n != 1 {
			t.Errorf("reminder %s was claimed %d times, want once", r.DedupeKey, n)
		}
		if r.Status != store.ReminderClaimed || r.Attempts != 1 {
			t.Errorf("reminder %s is stored %s at attempt %d, want claimed at attempt 1", r.DedupeKey, r.Status, r.Attempts)
		}
	}
	if len(stored) != total || len(times) != total {
		t.Errorf("%d reminders stored and %d distinct ones claimed, want %d and %d", len(stored), len(times), total, total)
	}
}
