package remind_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

func TestFollowupAddedMovesToWorkingDay(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		p := newPlanner(d)
		advisor := person(t, d, store.RoleAdvisor, "佐藤", "slack")
		c := company(t, d, "山田製作所")
		tests := []struct {
			due  string
			want time.Time
		}{
			{"2026-09-22", jstAt(2026, 9, 24, 9, 0)}, // 国民の休日, then 秋分の日
			{"2026-12-30", jstAt(2027, 1, 4, 9, 0)},  // 年末年始
			{"2026-11-25", jstAt(2026, 11, 25, 9, 0)},
		}
		for _, tt := range tests {
			f := in(t, d, func(ctx context.Context, tx store.Tx) (store.Followup, error) {
				f, err := tx.AddFollowup(ctx, store.Followup{CompanyID: c.ID, AdvisorID: advisor.ID, Due: tt.due,
					Status: "open", CreatedAt: jstAt(2026, 9, 1, 15, 0)})
				if err != nil {
					return f, err
				}
				return f, p.FollowupAdded(ctx, tx, f)
			})
			r := reminderByKey(t, d, fmt.Sprintf("followup:f%d", f.ID))
			if !r.DueAt.Equal(tt.want) || r.Kind != remind.KindFollowup || r.RecipientID != advisor.ID ||
				r.CompanyID != c.ID || r.Status != store.ReminderPending {
				t.Errorf("follow-up on %s: got %+v, want due %s to advisor %d", tt.due, r, tt.want, advisor.ID)
			}
		}
	})
}

func TestDigestSlotMovesButKeepsItsKey(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		coord := person(t, d, store.RoleCoordinator, "田中", "slack")
		person(t, d, store.RoleAdvisor, "佐藤", "slack") // gets no digest
		sched, err := remind.ParseDigestSpec("", jst)
		if err != nil {
			t.Fatal(err)
		}
		replicas := []*remind.Planner{newPlanner(d), newPlanner(d.reopen(t))}
		for _, p := range replicas {
			p.Digest = sched
		}
		// Sunday noon: the Monday 2027-01-11 09:00 slot (成人の日) is within a day.
		now := jstAt(2027, 1, 10, 12, 0)
		st, err := replicas[0].Plan(t.Context(), now)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprintf("2027-01-12 09:00 Tue digest:2027-01-11T09:00:00+09:00:p%d", coord.ID)}
		got := dueList(listReminders(t, d, store.ReminderFilter{Kind: remind.KindDigest}))
		if !slices.Equal(got, want) || st.Digests != 1 {
			t.Errorf("digests = %q (stats %+v), want %q", got, st, want)
		}
		// The other replica, and later passes, plan the same slot again: nothing new.
		for _, at := range []time.Time{now, now.Add(time.Minute), jstAt(2027, 1, 11, 9, 30), jstAt(2027, 1, 12, 8, 59)} {
			for i, p := range replicas {
				st, err := p.Plan(t.Context(), at)
				if err != nil || st != (remind.PlanStats{}) {
					t.Errorf("replica %d at %s: stats %+v, err %v; want nothing new", i, at, st, err)
				}
			}
		}
		if got := dueList(listReminders(t, d, store.ReminderFilter{Kind: remind.KindDigest})); !slices.Equal(got, want) {
			t.Errorf("after replanning: %q, want %q", got, want)
		}
	})
}

// TestDailyDigestDoesNotPileUp: a daily digest's weekend slots are covered
// by Monday's own slot, so Monday gets one digest, not three.
func TestDailyDigestDoesNotPileUp(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		coord := person(t, d, store.RoleCoordinator, "田中", "slack")
		p := newPlanner(d)
		var err error
		if p.Digest, err = remind.ParseDigestSpec("30 8 * * *", jst); err != nil {
			t.Fatal(err)
		}
		// From Friday 2026-11-27 just after its digest to Monday morning.
		for _, at := range []time.Time{jstAt(2026, 11, 27, 9, 0), jstAt(2026, 11, 28, 7, 0), jstAt(2026, 11, 29, 7, 0), jstAt(2026, 11, 30, 7, 0)} {
			if _, err := p.Plan(t.Context(), at); err != nil {
				t.Fatal(err)
			}
		}
		var want []string
		for _, day := range []string{"2026-11-27 08:30 Fri", "2026-11-30 08:30 Mon"} {
			want = append(want, fmt.Sprintf("%s digest:%sT08:30:00+09:00:p%d", day, day[:10], coord.ID))
		}
		if got := dueList(listReminders(t, d, store.ReminderFilter{Kind: remind.KindDigest})); !slices.Equal(got, want) {
			t.Errorf("digests = %q, want %q", got, want)
		}
	})
}

// ownerLife is one owner's life, a simulated day at a time: the planner
// runs on two replicas at noon, then a dispatcher delivers what is due
// through the Router (to a recording check-in pusher).
type ownerLife struct {
	t        *testing.T
	d        db
	replicas []*remind.Planner
	clk      *bottest.Clock
	disp     *remind.Dispatcher
	pushed   *checkIns
	company  store.Company
	owner    store.Person
}

func newOwnerLife(t *testing.T, d db) *ownerLife {
	l := &ownerLife{t: t, d: d, replicas: []*remind.Planner{newPlanner(d), newPlanner(d.reopen(t))},
		clk: bottest.NewClock(time.Time{}), pushed: &checkIns{}}
	l.disp = mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Calendar: newCalendar(), Now: l.clk.Now,
		Deliverer: mustRemind(remind.NewRouter(remind.RouterConfig{Store: d, CheckIns: l.pushed}))}))
	l.company = company(t, d, "山田製作所")
	l.owner = owner(t, d, l.company, jstAt(2026, 11, 1, 10, 0))
	return l
}

// commit records a commitment as the bot does: with its check-ins, in the
// same transaction.
func (l *ownerLife) commit(made time.Time, due string) store.Commitment {
	return in(l.t, l.d, func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
		cm, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: l.company.ID, Text: "見積書の様式を見直す",
			Due: due, Status: "open", CreatedAt: made})
		if err != nil {
			return cm, err
		}
		return cm, l.replicas[0].CommitmentAdded(ctx, tx, cm)
	})
}

// day plans on both replicas (the second must find nothing to add) and
// delivers what is due.
func (l *ownerLife) day(noon time.Time) {
	t := l.t
	t.Helper()
	for i, p := range l.replicas {
		st, err := p.Plan(t.Context(), noon)
		if err != nil {
			t.Fatalf("plan at %s: %v", noon, err)
		}
		if i == 1 && st != (remind.PlanStats{}) {
			t.Errorf("second replica at %s planned %+v, want nothing new", noon, st)
		}
	}
	l.clk.Set(noon)
	for {
		st, err := l.disp.RunOnce(t.Context())
		if err != nil {
			t.Fatalf("dispatch at %s: %v", noon, err)
		}
		if st.Claimed == 0 {
			return
		}
	}
}

func (l *ownerLife) key(c store.Commitment, day string) string {
	return fmt.Sprintf("checkin:c%d:p%d:%s", c.ID, l.owner.ID, day)
}

// check compares the check-ins with status to want, and checks that no 30
// days ever held three delivered check-ins.
func (l *ownerLife) check(status store.ReminderStatus, want []string) {
	t := l.t
	t.Helper()
	got := listReminders(t, l.d, store.ReminderFilter{Kind: remind.KindCheckin, Status: status})
	if g := dueList(got); !slices.Equal(g, want) {
		t.Errorf("%s check-ins:\n%s\nwant:\n%s", status, strings.Join(g, "\n"), strings.Join(want, "\n"))
	}
	if status != store.ReminderSent {
		return
	}
	for i := 0; i+2 < len(got); i++ {
		if span := got[i+2].DueAt.Sub(got[i].DueAt); span < 30*24*time.Hour {
			t.Errorf("three check-ins within %s: %s, %s, %s", span, got[i].DedupeKey, got[i+1].DedupeKey, got[i+2].DedupeKey)
		}
	}
	if len(l.pushed.got) != len(got) {
		t.Errorf("%d pushes for %d sent check-ins", len(l.pushed.got), len(got))
	}
	for _, r := range got {
		if r.RecipientID != l.owner.ID || r.CompanyID != l.company.ID || !strings.HasPrefix(r.Payload, `{"commitment":`) {
			t.Errorf("check-in %s: recipient %d, company %d, payload %s", r.DedupeKey, r.RecipientID, r.CompanyID, r.Payload)
		}
	}
}

// TestCheckinCadence: a commitment made Fri 2026-11-20, due Fri 12-25, left
// open until spring (ref/domain.md B.3):
//   - first: 10 days later, Mon 11-30 10:00 (halfway, 12-07, is later);
//   - before the deadline: 2 working days before, Wed 12-23 10:00;
//   - overdue, every 30 days after the deadline: 2027-01-24 (Sun) → Mon
//     01-25; 02-23 (天皇誕生日) → Wed 02-24; Thu 03-25.
func TestCheckinCadence(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		l := newOwnerLife(t, d)
		var a store.Commitment
		for noon := jstAt(2026, 11, 20, 12, 0); noon.Before(jstAt(2027, 4, 1, 0, 0)); noon = noon.AddDate(0, 0, 1) {
			if noon.Equal(jstAt(2026, 11, 20, 12, 0)) {
				a = l.commit(jstAt(2026, 11, 20, 10, 0), "2026-12-25")
			}
			l.day(noon)
		}
		l.check(store.ReminderSent, []string{
			"2026-11-30 10:00 Mon " + l.key(a, "2026-11-30"),
			"2026-12-23 10:00 Wed " + l.key(a, "2026-12-23"),
			"2027-01-25 10:00 Mon " + l.key(a, "2027-01-24"),
			"2027-02-24 10:00 Wed " + l.key(a, "2027-02-23"),
			"2027-03-25 10:00 Thu " + l.key(a, "2027-03-25"),
		})
		if n := len(listReminders(t, d, store.ReminderFilter{})); n != 5 {
			t.Errorf("%d reminders in all, want the 5 sent", n)
		}
	})
}

// TestCheckinsFollowTheLatestCommitment: commitment B (made Tue 2026-12-01,
// due Sun 12-20) follows A (made 11-20, due 12-25) before A's check-ins are
// done. Check-ins ask about the latest commitment, so:
//   - A's first check-in, Mon 11-30, goes out;
//   - B's first: halfway (Thu 12-10) beats 10 days → goes out;
//   - B's before-deadline one, Thu 12-17, is never planned: 11-30, 12-10 and
//     12-17 would be three in 30 days;
//   - A's Wed 12-23 is cancelled when it comes due (B is the latest);
//   - B overdue every 30 days: Tue 2027-01-19, Thu 02-18, 03-20 (Sat; 03-21
//     春分の日 falls on Sunday, 03-22 is its 振替休日) → Tue 03-23.
func TestCheckinsFollowTheLatestCommitment(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		l := newOwnerLife(t, d)
		var a, b store.Commitment
		for noon := jstAt(2026, 11, 20, 12, 0); noon.Before(jstAt(2027, 4, 1, 0, 0)); noon = noon.AddDate(0, 0, 1) {
			switch {
			case noon.Equal(jstAt(2026, 11, 20, 12, 0)):
				a = l.commit(jstAt(2026, 11, 20, 10, 0), "2026-12-25")
			case noon.Equal(jstAt(2026, 12, 1, 12, 0)):
				b = l.commit(jstAt(2026, 12, 1, 10, 0), "2026-12-20")
			}
			l.day(noon)
		}
		l.check(store.ReminderSent, []string{
			"2026-11-30 10:00 Mon " + l.key(a, "2026-11-30"),
			"2026-12-10 10:00 Thu " + l.key(b, "2026-12-10"),
			"2027-01-19 10:00 Tue " + l.key(b, "2027-01-19"),
			"2027-02-18 10:00 Thu " + l.key(b, "2027-02-18"),
			"2027-03-23 10:00 Tue " + l.key(b, "2027-03-20"),
		})
		l.check(store.ReminderCancelled, []string{"2026-12-23 10:00 Wed " + l.key(a, "2026-12-23")})
		if n := len(listReminders(t, d, store.ReminderFilter{})); n != 6 {
			t.Errorf("%d reminders in all, want 6", n)
		}
	})
}

// TestCheckinsForOwnerWhoLinkedLate: the owner links after the commitment
// was made; the planner adds the check-ins still ahead (not the past
// first one), and the bot calling CommitmentAdded at link time adds nothing
// twice. An unreachable owner gets nothing.
func TestCheckinsForOwnerWhoLinkedLate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		p := newPlanner(d)
		c := company(t, d, "山田製作所")
		cm := in(t, d, func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
			cm, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, Text: "試作品を3社に見せる",
				Due: "2026-12-25", Status: "open", CreatedAt: jstAt(2026, 11, 20, 10, 0)})
			if err != nil {
				return cm, err
			}
			return cm, p.CommitmentAdded(ctx, tx, cm)
		})
		if n := len(listReminders(t, d, store.ReminderFilter{})); n != 0 {
			t.Fatalf("no owner yet, but %d reminders", n)
		}
		o := owner(t, d, c, jstAt(2026, 12, 5, 11, 0))
		blocked := owner(t, d, c, jstAt(2026, 12, 5, 11, 0))
		do(t, d, func(ctx context.Context, tx store.Tx) error { return tx.SetReachable(ctx, blocked.ID, false) })
		st, err := p.Plan(t.Context(), jstAt(2026, 12, 5, 11, 1))
		if err != nil {
			t.Fatal(err)
		}
		do(t, d, func(ctx context.Context, tx store.Tx) error { return p.CommitmentAdded(ctx, tx, cm) })
		want := []string{fmt.Sprintf("2026-12-23 10:00 Wed checkin:c%d:p%d:2026-12-23", cm.ID, o.ID)}
		if got := dueList(listReminders(t, d, store.ReminderFilter{})); !slices.Equal(got, want) || st.Checkins != 1 {
			t.Errorf("reminders = %q (stats %+v), want %q", got, st, want)
		}
	})
}

func TestCheckinSnoozed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		p := newPlanner(d)
		p.Quiet = remind.DefaultQuietHours
		c := company(t, d, "山田製作所")
		o := owner(t, d, c, jstAt(2026, 11, 1, 10, 0))
		tests := []struct {
			pushed, at, want time.Time
		}{
			// the time the check-in first came, on the next working day
			{jstAt(2026, 12, 25, 14, 30), jstAt(2026, 12, 25, 15, 30), jstAt(2026, 12, 28, 14, 30)}, // Friday → Monday
			{jstAt(2026, 12, 28, 14, 30), jstAt(2026, 12, 28, 15, 30), jstAt(2027, 1, 4, 14, 30)},   // → after 年末年始
			// a check-in that came in the quiet hours is asked again at 10:00
			{jstAt(2026, 11, 24, 7, 5), jstAt(2026, 11, 24, 8, 5), jstAt(2026, 11, 25, 10, 0)}, // Tuesday → Wednesday
			// あとで at 00:00 on Saturday belongs to Friday night: Monday 10:00, not 00:00
			{jstAt(2026, 11, 27, 10, 0), jstAt(2026, 11, 28, 0, 0), jstAt(2026, 11, 30, 10, 0)},
			// at 00:30 on a Tuesday: Tuesday 10:00 (the next working day of Monday night)
			{jstAt(2026, 11, 30, 10, 0), jstAt(2026, 12, 1, 0, 30), jstAt(2026, 12, 1, 10, 0)},
		}
		for _, tt := range tests {
			sess := checkinSession(t, d, o.ID, c.ID, tt.pushed)
			var got time.Time
			do(t, d, func(ctx context.Context, tx store.Tx) error {
				var err error
				if got, err = p.CheckinSnoozed(ctx, tx, sess, o.ID, tt.at); err != nil {
					return err
				}
				_, err = p.CheckinSnoozed(ctx, tx, sess, o.ID, tt.at.Add(time.Hour)) // a second あとで: once per session
				return err
			})
			rs := listReminders(t, d, store.ReminderFilter{SessionID: sess.ID})
			if len(rs) != 1 || !rs[0].DueAt.Equal(tt.want) || !got.Equal(tt.want) || rs[0].DedupeKey != fmt.Sprintf("checkin:snooze:s%d", sess.ID) ||
				rs[0].Kind != remind.KindCheckin || rs[0].RecipientID != o.ID {
				t.Errorf("snooze at %s: %q (returned %s), want one due %s", tt.at, dueList(rs), got, tt.want)
			}
			do(t, d, func(ctx context.Context, tx store.Tx) error { // let the next case start a session
				sess.Status = store.SessionCompleted
				_, err := tx.UpdateSession(ctx, sess)
				return err
			})
		}
	})
}

// TestNudgeThenExpiry: a check-in pushed on Tue 2026-12-01 10:00 and never
// touched gets one nudge 3 days later (moved off the weekend), and is
// expired — and audited for the coordinator — 3 days after the nudge went
// out. A session the owner answered after the nudge is left alone.
func TestNudgeThenExpiry(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		p := newPlanner(d)
		clk := bottest.NewClock(jstAt(2026, 12, 1, 10, 0))
		rec := &recorder{}
		disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: rec, Calendar: newCalendar(), Now: clk.Now}))
		c := company(t, d, "山田製作所")
		silent := owner(t, d, c, jstAt(2026, 11, 1, 10, 0))
		answering := owner(t, d, c, jstAt(2026, 11, 1, 10, 0))
		s1 := checkinSession(t, d, silent.ID, c.ID, clk.Now())
		s2 := checkinSession(t, d, answering.ID, c.ID, clk.Now())

		plan := func(at time.Time) remind.PlanStats {
			t.Helper()
			clk.Set(at)
			st, err := p.Plan(t.Context(), at)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		if st := plan(jstAt(2026, 12, 4, 9, 59)); st.Nudges != 0 {
			t.Errorf("nudged before 3 days of silence: %+v", st)
		}
		if st := plan(jstAt(2026, 12, 4, 11, 0)); st.Nudges != 2 {
			t.Errorf("after 3 days: %+v, want 2 nudges", st)
		}
		want := []string{
			fmt.Sprintf("2026-12-07 10:00 Mon nudge:s%d", s1.ID),
			fmt.Sprintf("2026-12-07 10:00 Mon nudge:s%d", s2.ID),
		}
		if got := dueList(listReminders(t, d, store.ReminderFilter{Kind: remind.KindNudge})); !slices.Equal(got, want) {
			t.Errorf("nudges = %q, want %q", got, want)
		}
		clk.Set(jstAt(2026, 12, 7, 10, 0))
		if st, err := disp.RunOnce(t.Context()); err != nil || st.Sent != 2 {
			t.Fatalf("dispatch nudges: %+v, %v", st, err)
		}
		// The second owner answers on Tuesday.
		do(t, d, func(ctx context.Context, tx store.Tx) error {
			s, err := tx.Session(ctx, s2.ID)
			if err != nil {
				return err
			}
			s.Step, s.UpdatedAt = "L1", jstAt(2026, 12, 8, 19, 0)
			_, err = tx.UpdateSession(ctx, s)
			return err
		})
		if st := plan(jstAt(2026, 12, 10, 9, 59)); st.Expired != 0 || st.Nudges != 0 {
			t.Errorf("before 3 days after the nudge: %+v", st)
		}
		if st := plan(jstAt(2026, 12, 10, 10, 0)); st.Expired != 1 || st.Nudges != 0 {
			t.Errorf("3 days after the nudge: %+v, want 1 expired", st)
		}
		plan(jstAt(2026, 12, 20, 10, 0)) // much later: nothing more happens
		got := in(t, d, func(ctx context.Context, tx store.Tx) ([]store.Session, error) {
			a, err := tx.Session(ctx, s1.ID)
			if err != nil {
				return nil, err
			}
			b, err := tx.Session(ctx, s2.ID)
			return []store.Session{a, b}, err
		})
		if got[0].Status != store.SessionExpired || got[1].Status != store.SessionActive {
			t.Errorf("statuses = %s, %s; want expired, active", got[0].Status, got[1].Status)
		}
		audit := in(t, d, func(ctx context.Context, tx store.Tx) ([]store.AuditEntry, error) {
			return tx.Audit(ctx, fmt.Sprintf("company:%d", c.ID))
		})
		var unanswered []string
		for _, e := range audit {
			if e.Action == "checkin.unanswered" {
				unanswered = append(unanswered, e.Detail)
			}
		}
		if want := []string{fmt.Sprintf("session:%d", s1.ID)}; !slices.Equal(unanswered, want) {
			t.Errorf("checkin.unanswered audit = %q, want %q", unanswered, want)
		}
		if n := len(listReminders(t, d, store.ReminderFilter{Kind: remind.KindNudge})); n != 2 {
			t.Errorf("%d nudges in the end, want 2 (one per session)", n)
		}
	})
}

func TestParseDigestSpec(t *testing.T) {
	t.Parallel()
	s, err := remind.ParseDigestSpec("0 9 * * 1", jst)
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-29 23:30 UTC is Monday 08:30 in Japan: the next fire is 30 minutes away.
	from := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC)
	if got, want := s.Next(from), jstAt(2026, 11, 30, 9, 0); !got.Equal(want) {
		t.Errorf("Next(%s) = %s, want %s (evaluated in JST)", from, got, want)
	}
	if _, err := remind.ParseDigestSpec("0 9 * *", jst); err == nil || !strings.Contains(err.Error(), "0 9 * *") {
		t.Errorf("bad spec error = %v, want one naming the spec", err)
	}
}
