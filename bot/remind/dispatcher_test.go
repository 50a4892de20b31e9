package remind_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

// parties creates an advisor and an owner of one company to address
// reminders to.
func parties(t *testing.T, d db) (advisor, owner store.Person, c store.Company) {
	t.Helper()
	c = company(t, d, "山田製作所")
	return person(t, d, store.RoleAdvisor, "佐藤", "slack"), person(t, d, store.RoleOwner, "山田", "line"), c
}

func TestExpiredAfterDowntimeNeverDelivered(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		advisor, owner, c := parties(t, d)
		clk := bottest.NewClock(jstAt(2026, 12, 3, 10, 0)) // Thursday
		rec := &recorder{}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Calendar: newCalendar(), Now: clk.Now}))
		for _, r := range []store.Reminder{
			{Kind: remind.KindCheckin, RecipientID: owner.ID, DueAt: jstAt(2026, 11, 30, 10, 0), DedupeKey: "three-days-late"},
			{Kind: remind.KindCheckin, RecipientID: owner.ID, DueAt: jstAt(2026, 12, 3, 9, 0), DedupeKey: "an-hour-late"},
			{Kind: remind.KindAlert, RecipientID: advisor.ID, DueAt: jstAt(2026, 12, 3, 7, 0), DedupeKey: "alert-three-hours-late"},
			{Kind: remind.KindAlert, RecipientID: advisor.ID, DueAt: jstAt(2026, 12, 3, 8, 30), DedupeKey: "alert-90-minutes-late"},
			{Kind: remind.KindFollowup, RecipientID: advisor.ID, CompanyID: c.ID, DueAt: jstAt(2026, 12, 4, 9, 0), DedupeKey: "tomorrow"},
		} {
			enqueue(t, d, r)
		}
		st, err := disp.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if want := (remind.Stats{Claimed: 4, Sent: 2, Expired: 2}); st != want {
			t.Errorf("stats = %+v, want %+v", st, want)
		}
		got := rec.keys()
		slices.Sort(got)
		if want := []string{"alert-90-minutes-late", "an-hour-late"}; !slices.Equal(got, want) {
			t.Errorf("delivered %q, want %q", got, want)
		}
		for key, want := range map[string]store.ReminderStatus{
			"three-days-late": store.ReminderExpired, "alert-three-hours-late": store.ReminderExpired,
			"an-hour-late": store.ReminderSent, "tomorrow": store.ReminderPending,
		} {
			if r := reminderByKey(t, d, key); r.Status != want {
				t.Errorf("%s: status %s, want %s", key, r.Status, want)
			}
		}
		if r := reminderByKey(t, d, "an-hour-late"); !r.SentAt.Equal(clk.Now()) {
			t.Errorf("SentAt = %s, want %s", r.SentAt, clk.Now())
		}
	})
}

// TestWeekendDoesNotCountAsLateness: a follow-up due on Friday morning, found
// on Monday before 09:00 after a weekend outage, is still delivered: its
// 24 hours of lateness end on Saturday, which moves to Monday.
func TestWeekendDoesNotCountAsLateness(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		advisor, _, c := parties(t, d)
		clk := bottest.NewClock(jstAt(2026, 12, 7, 8, 0))
		rec := &recorder{}
		enqueue(t, d, store.Reminder{Kind: remind.KindFollowup, RecipientID: advisor.ID, CompanyID: c.ID,
			DueAt: jstAt(2026, 12, 4, 9, 0), DedupeKey: "friday"})
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Calendar: newCalendar(), Now: clk.Now}))
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Sent != 1 {
			t.Errorf("Monday 08:00: %+v, %v; want sent", st, err)
		}
		enqueue(t, d, store.Reminder{Kind: remind.KindFollowup, RecipientID: advisor.ID, CompanyID: c.ID,
			DueAt: jstAt(2026, 12, 4, 9, 0).Add(time.Second), DedupeKey: "friday-2"})
		clk.Set(jstAt(2026, 12, 7, 9, 1)) // now past the deadline
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Expired != 1 {
			t.Errorf("Monday 09:01: %+v, %v; want expired", st, err)
		}
	})
}

func TestRetryBackoffThenFailed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		_, owner, _ := parties(t, d)
		start := jstAt(2026, 12, 3, 10, 0)
		clk := bottest.NewClock(start)
		rec := &recorder{fail: func(store.Reminder, int) error { return errors.New("connection reset") }}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now, MaxAttempts: 5}))
		enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, DueAt: start, DedupeKey: "flaky"})
		for attempt, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute} {
			st, err := disp.RunOnce(t.Context())
			if err != nil || st.Retried != 1 {
				t.Fatalf("attempt %d: %+v, %v", attempt+1, st, err)
			}
			r := reminderByKey(t, d, "flaky")
			if r.Status != store.ReminderPending || !r.DueAt.Equal(clk.Now().Add(wait)) || r.Attempts != attempt+1 ||
				r.LastError != "connection reset" {
				t.Fatalf("after attempt %d: %s due %s attempts %d error %q; want pending due in %s",
					attempt+1, r.Status, r.DueAt, r.Attempts, r.LastError, wait)
			}
			clk.Set(r.DueAt.Add(-time.Second))
			if st, _ := disp.RunOnce(t.Context()); st.Claimed != 0 {
				t.Fatalf("claimed %d before the backoff ended", st.Claimed)
			}
			clk.Set(r.DueAt)
		}
		st, err := disp.RunOnce(t.Context())
		if err != nil || st.Failed != 1 {
			t.Fatalf("fifth attempt: %+v, %v; want failed", st, err)
		}
		if r := reminderByKey(t, d, "flaky"); r.Status != store.ReminderFailed || r.Attempts != 5 || r.LastError != "connection reset" {
			t.Errorf("finally %s after %d attempts (%q), want failed after 5", r.Status, r.Attempts, r.LastError)
		}
		clk.Add(24 * time.Hour)
		if st, _ := disp.RunOnce(t.Context()); st.Claimed != 0 || rec.count() != 5 {
			t.Errorf("a failed reminder came back: %+v, %d deliveries", st, rec.count())
		}
	})
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		_, owner, _ := parties(t, d)
		clk := bottest.NewClock(jstAt(2026, 12, 3, 10, 0))
		rec := &recorder{fail: func(_ store.Reminder, n int) error {
			if n == 1 {
				return fmt.Errorf("line: push: %w", &bot.RetryAfterError{After: 90 * time.Second, Err: errors.New("429")})
			}
			return nil
		}}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now}))
		enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, DueAt: clk.Now(), DedupeKey: "rate-limited"})
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Retried != 1 {
			t.Fatalf("first: %+v, %v", st, err)
		}
		if r := reminderByKey(t, d, "rate-limited"); !r.DueAt.Equal(clk.Now().Add(90 * time.Second)) {
			t.Errorf("due %s, want 90s after %s", r.DueAt, clk.Now())
		}
		clk.Add(89 * time.Second)
		if st, _ := disp.RunOnce(t.Context()); st.Claimed != 0 {
			t.Errorf("claimed before Retry-After: %+v", st)
		}
		clk.Add(time.Second)
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Sent != 1 {
			t.Errorf("after Retry-After: %+v, %v", st, err)
		}
		if keys := rec.keys(); !slices.Equal(keys, []string{"rate-limited", "rate-limited"}) {
			t.Errorf("deliveries %q", keys)
		}
	})
}

func TestQuotaStopsLINEDeliveriesOfTheBatch(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		advisor, owner, c := parties(t, d)
		now := jstAt(2026, 12, 3, 10, 0)
		clk := bottest.NewClock(now)
		var logs bytes.Buffer
		rec := &recorder{fail: func(r store.Reminder, _ int) error {
			if r.Kind == remind.KindCheckin || r.Kind == remind.KindNudge {
				return fmt.Errorf("line: push: %w", bot.ErrQuota)
			}
			return nil
		}}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now, Workers: 1, Calendar: newCalendar(),
			Logger: slog.New(slog.NewJSONHandler(&logs, nil))}))
		for i := range 4 {
			enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, CompanyID: c.ID,
				DueAt: now.Add(time.Duration(i-10) * time.Minute), DedupeKey: fmt.Sprintf("checkin-%d", i)})
		}
		enqueue(t, d, store.Reminder{Kind: remind.KindNudge, RecipientID: owner.ID, DueAt: now.Add(-5 * time.Minute), DedupeKey: "nudge"})
		enqueue(t, d, store.Reminder{Kind: remind.KindFollowup, RecipientID: advisor.ID, CompanyID: c.ID, DueAt: now.Add(-3 * time.Minute), DedupeKey: "followup"})
		enqueue(t, d, store.Reminder{Kind: remind.KindDigest, RecipientID: advisor.ID, DueAt: now, DedupeKey: "digest"})

		st, err := disp.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// The refused push and the batch's other LINE-bound reminders are
		// held, not failed: they go out when the quota resets, at 10:00 on
		// the first working day of next month (1/1–1/3 are closed).
		if want := (remind.Stats{Claimed: 7, Held: 5, Sent: 2}); st != want {
			t.Errorf("stats = %+v, want %+v", st, want)
		}
		if got, want := rec.keys(), []string{"checkin-0", "followup", "digest"}; !slices.Equal(got, want) {
			t.Errorf("delivered %q, want %q (one LINE push, then only Slack-bound)", got, want)
		}
		resets := jstAt(2027, 1, 4, 10, 0)
		for _, key := range []string{"checkin-0", "checkin-1", "checkin-2", "checkin-3", "nudge"} {
			r := reminderByKey(t, d, key)
			if r.Status != store.ReminderPending || !r.DueAt.Equal(resets) || !strings.Contains(r.LastError, "quota") {
				t.Errorf("%s: %s due %s (%q), want pending until %s", key, r.Status, r.DueAt, r.LastError, resets)
			}
		}
		if n := strings.Count(logs.String(), `"msg":"monthly quota exhausted"`); n != 1 || !strings.Contains(logs.String(), `"level":"ERROR"`) {
			t.Errorf("quota logged %d times at error level, want once:\n%s", n, logs.String())
		}
	})
}

// quotaLeft is a QuotaChecker answering from a flag.
type quotaLeft struct{ left bool }

func (q *quotaLeft) PushesLeft(context.Context) (bool, error) { return q.left, nil }

// A batch reads the quota first: when it is spent nothing LINE-bound is
// tried; after the month turns, the held check-ins go out.
func TestSpentQuotaHoldsCheckInsUntilTheMonthTurns(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		_, owner, c := parties(t, d)
		now := jstAt(2026, 11, 24, 10, 0)
		clk := bottest.NewClock(now)
		rec := &recorder{}
		q := &quotaLeft{}
		var held int
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now, Calendar: newCalendar(), Quota: q,
			Observe: func(s remind.Stats) { held += s.Held }}))
		enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, CompanyID: c.ID, DueAt: now, DedupeKey: "checkin"})
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Held != 1 || rec.count() != 0 || held != 1 {
			t.Fatalf("spent quota: %+v, %v, %d delivered; want the check-in held, untried", st, err, rec.count())
		}
		if r := reminderByKey(t, d, "checkin"); r.Status != store.ReminderPending || !r.DueAt.Equal(jstAt(2026, 12, 1, 10, 0)) {
			t.Errorf("held check-in: %s due %s, want pending until Tue 12/1 10:00", r.Status, r.DueAt)
		}
		clk.Set(jstAt(2026, 12, 1, 10, 0))
		q.left = true
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Sent != 1 {
			t.Fatalf("after the month turned: %+v, %v; want it sent", st, err)
		}
	})
}

// Nothing is pushed to owners in the quiet hours; Slack-bound work goes on.
func TestQuietHoursHoldLINEPushesUntilMorning(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		advisor, owner, c := parties(t, d)
		now := jstAt(2026, 11, 24, 21, 30)
		clk := bottest.NewClock(now)
		rec := &recorder{}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now, Calendar: newCalendar(), Quiet: remind.DefaultQuietHours}))
		enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, CompanyID: c.ID, DueAt: now.Add(-time.Hour), DedupeKey: "checkin"})
		enqueue(t, d, store.Reminder{Kind: remind.KindFollowup, RecipientID: advisor.ID, CompanyID: c.ID, DueAt: now, DedupeKey: "followup"})
		st, err := disp.RunOnce(t.Context())
		if err != nil || st.Quieted != 1 || st.Sent != 1 || !slices.Equal(rec.keys(), []string{"followup"}) {
			t.Fatalf("at 21:30: %+v, %v, delivered %q", st, err, rec.keys())
		}
		if r := reminderByKey(t, d, "checkin"); r.Status != store.ReminderPending || !r.DueAt.Equal(jstAt(2026, 11, 25, 8, 0)) {
			t.Errorf("check-in: %s due %s, want pending until 08:00", r.Status, r.DueAt)
		}
		clk.Set(jstAt(2026, 11, 25, 8, 0))
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Sent != 1 {
			t.Errorf("at 08:00: %+v, %v", st, err)
		}
	})
}

func TestUnreachableAndObsoleteAreCancelled(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		_, owner, c := parties(t, d)
		clk := bottest.NewClock(jstAt(2026, 12, 3, 10, 0))
		rec := &recorder{fail: func(r store.Reminder, _ int) error {
			switch r.DedupeKey {
			case "blocked":
				return fmt.Errorf("bot: check-in for owner %d: %w", owner.ID, bot.ErrUnreachable)
			case "answered":
				return fmt.Errorf("%w: session is no longer active", remind.ErrObsolete)
			case "odd":
				return remind.ErrNoRoute
			}
			panic("deliverer bug")
		}}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Now: clk.Now}))
		for _, key := range []string{"blocked", "answered", "odd", "panics"} {
			enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, CompanyID: c.ID, DueAt: clk.Now(), DedupeKey: key})
		}
		st, err := disp.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if want := (remind.Stats{Claimed: 4, Cancelled: 2, Failed: 1, Retried: 1}); st != want {
			t.Errorf("stats = %+v, want %+v", st, want)
		}
		for key, want := range map[string]store.ReminderStatus{
			"blocked": store.ReminderCancelled, "answered": store.ReminderCancelled,
			"odd": store.ReminderFailed, "panics": store.ReminderPending,
		} {
			if r := reminderByKey(t, d, key); r.Status != want || r.LastError == "" {
				t.Errorf("%s: %s (%q), want %s with the error kept", key, r.Status, r.LastError, want)
			}
		}
	})
}

// blocker is a Deliverer that records each call and then hangs until
// released: a dispatcher stuck (or killed) between sending and recording.
type blocker struct {
	mu      sync.Mutex
	keys    []string
	started chan struct{}
	release chan struct{}
}

func (b *blocker) Deliver(ctx context.Context, r store.Reminder) error {
	b.mu.Lock()
	b.keys = append(b.keys, r.DedupeKey)
	b.mu.Unlock()
	b.started <- struct{}{}
	<-b.release
	return nil
}

// TestKilledDispatcherIsTakenOver: dispatcher A claims a batch and hangs
// before recording anything. Once its lease has run out, dispatcher B (its
// own connection pool: another replica) claims the same rows and delivers
// them with the same dedupe keys, so LINE sees the same retry keys. When A
// wakes up, its outcomes are refused: the rows are B's.
func TestKilledDispatcherIsTakenOver(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		_, owner, c := parties(t, d)
		clk := bottest.NewClock(jstAt(2026, 12, 3, 10, 0))
		for i := range 6 {
			enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, CompanyID: c.ID,
				DueAt: clk.Now(), DedupeKey: fmt.Sprintf("checkin:c1:p%d:2026-12-03", i)})
		}
		stuck := &blocker{started: make(chan struct{}), release: make(chan struct{})}
		a := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: stuck, Now: clk.Now, Workers: 6}))
		aDone := make(chan remind.Stats)
		go func() {
			st, err := a.RunOnce(context.Background())
			if err != nil {
				t.Errorf("A: %v", err)
			}
			aDone <- st
		}()
		for range 6 {
			<-stuck.started
		}
		rec := &recorder{}
		b := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d.reopen(t), Deliverer: rec, Now: clk.Now}))
		if st, err := b.RunOnce(t.Context()); err != nil || st.Claimed != 0 {
			t.Fatalf("B claimed %+v (%v) while A's lease holds", st, err)
		}
		clk.Add(remind.DefaultLease + time.Second)
		st, err := b.RunOnce(t.Context())
		if err != nil || st.Sent != 6 {
			t.Fatalf("B after the lease: %+v, %v; want 6 sent", st, err)
		}
		aKeys, bKeys := slices.Sorted(slices.Values(stuck.keys)), slices.Sorted(slices.Values(rec.keys()))
		if !slices.Equal(aKeys, bKeys) || len(aKeys) != 6 {
			t.Errorf("A was given %q, B delivered %q: want the same keys", aKeys, bKeys)
		}
		close(stuck.release)
		if st := <-aDone; st.Conflicts != 6 || st.Sent != 0 {
			t.Errorf("A's late outcomes: %+v, want 6 conflicts", st)
		}
		for _, r := range listReminders(t, d, store.ReminderFilter{}) {
			if r.Status != store.ReminderSent || r.Attempts != 2 {
				t.Errorf("%s: %s after %d attempts, want sent after 2", r.DedupeKey, r.Status, r.Attempts)
			}
		}
	})
}

// TestRunDrainsOnShutdown: cancelling Run while a delivery is in flight
// lets that delivery finish and be recorded.
func TestRunDrainsOnShutdown(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		_, owner, _ := parties(t, d)
		clk := bottest.NewClock(jstAt(2026, 12, 3, 10, 0))
		enqueue(t, d, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, DueAt: clk.Now(), DedupeKey: "in-flight"})
		slow := &blocker{started: make(chan struct{}), release: make(chan struct{})}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: slow, Now: clk.Now}))
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- disp.Run(ctx, 10*time.Millisecond) }()
		<-slow.started
		cancel()
		close(slow.release)
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if r := reminderByKey(t, d, "in-flight"); r.Status != store.ReminderSent {
			t.Errorf("in-flight reminder is %s after shutdown, want sent", r.Status)
		}
	})
}

// TestExactlyOnceAcrossReplicas: 1,000 due reminders, three dispatchers on
// three connection pools claiming concurrently: every dedupe key is
// delivered exactly once.
func TestExactlyOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	d := openPostgres(t)
	_, owner, c := parties(t, d)
	clk := bottest.NewClock(jstAt(2026, 12, 3, 10, 0))
	const n = 1000
	do(t, d, func(ctx context.Context, tx store.Tx) error {
		for i := range n {
			_, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID, CompanyID: c.ID,
				DueAt: clk.Now().Add(-time.Duration(i%7) * time.Minute), DedupeKey: fmt.Sprintf("checkin:c%d:p%d:%04d", c.ID, owner.ID, i),
				CreatedAt: clk.Now()})
			if err != nil {
				return err
			}
		}
		return nil
	})
	rec := &recorder{}
	var wg sync.WaitGroup
	for range 3 {
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d.reopen(t), Deliverer: rec, Now: clk.Now, Batch: 37, Workers: 8}))
		wg.Go(func() {
			for {
				st, err := disp.RunOnce(t.Context())
				if err != nil {
					t.Error(err)
					return
				}
				if st.Claimed == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, k := range rec.keys() {
		seen[k]++
	}
	for k, times := range seen {
		if times != 1 {
			t.Errorf("%s delivered %d times", k, times)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct keys delivered, want %d", len(seen), n)
	}
	if left := len(listReminders(t, d, store.ReminderFilter{Status: store.ReminderSent})); left != n {
		t.Errorf("%d reminders marked sent, want %d", left, n)
	}
}
