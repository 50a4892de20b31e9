package remind_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

type checkIns struct {
	mu  sync.Mutex
	got []bot.CheckInRequest
}

func (c *checkIns) CheckIn(ctx context.Context, req bot.CheckInRequest) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, req)
	return nil
}

type notifier struct{ got []bot.Alert }

func (n *notifier) Notify(ctx context.Context, a bot.Alert) error {
	n.got = append(n.got, a)
	return nil
}

type digests struct{ got []string }

func (g *digests) SendDigest(ctx context.Context, coordinator store.Person, r store.Reminder) error {
	g.got = append(g.got, fmt.Sprintf("%s %s", coordinator.Name, r.Payload))
	return nil
}

func TestRouterCheckIns(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		c := company(t, d, "山田製作所")
		o := owner(t, d, c, jstAt(2026, 11, 1, 10, 0))
		cm := in(t, d, func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
			return tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, Text: "見積書の様式を見直す", Due: "2026-12-25",
				Status: "open", CreatedAt: jstAt(2026, 11, 20, 10, 0)})
		})
		sess := checkinSession(t, d, o.ID, c.ID, jstAt(2026, 11, 30, 10, 0))
		pusher := &checkIns{}
		rt := mustRemind(remind.NewRouter(remind.RouterConfig{Store: d, CheckIns: pusher}))
		checkin := store.Reminder{ID: 1, Kind: remind.KindCheckin, RecipientID: o.ID, CompanyID: c.ID,
			DedupeKey: "checkin:c1:p1:2026-11-30", Payload: fmt.Sprintf(`{"commitment":%d}`, cm.ID)}
		nudge := store.Reminder{ID: 2, Kind: remind.KindNudge, RecipientID: o.ID, CompanyID: c.ID, SessionID: sess.ID,
			DedupeKey: fmt.Sprintf("nudge:s%d", sess.ID), Payload: fmt.Sprintf(`{"session":%d}`, sess.ID)}
		for _, r := range []store.Reminder{checkin, nudge} {
			if err := rt.Deliver(t.Context(), r); err != nil {
				t.Fatalf("%s: %v", r.DedupeKey, err)
			}
		}
		want := []bot.CheckInRequest{
			{OwnerID: o.ID, CompanyID: c.ID, PushKey: checkin.DedupeKey},
			{OwnerID: o.ID, CompanyID: c.ID, PushKey: nudge.DedupeKey, Nudge: true},
		}
		if fmt.Sprint(pusher.got) != fmt.Sprint(want) {
			t.Errorf("check-ins %+v, want %+v", pusher.got, want)
		}
		// The owner reported the step done and answered the check-in: both
		// reminders are obsolete and nothing is pushed.
		do(t, d, func(ctx context.Context, tx store.Tx) error {
			if err := tx.SetCommitmentStatus(ctx, cm.ID, "done"); err != nil {
				return err
			}
			sess.Status = store.SessionCompleted
			_, err := tx.UpdateSession(ctx, sess)
			return err
		})
		for _, r := range []store.Reminder{checkin, nudge} {
			if err := rt.Deliver(t.Context(), r); !errors.Is(err, remind.ErrObsolete) {
				t.Errorf("%s after the answer: %v, want ErrObsolete", r.DedupeKey, err)
			}
		}
		if len(pusher.got) != 2 {
			t.Errorf("pushed %d times, want 2", len(pusher.got))
		}
		if err := rt.Deliver(t.Context(), store.Reminder{Kind: "fax"}); !errors.Is(err, remind.ErrNoRoute) {
			t.Errorf("unknown kind: %v, want ErrNoRoute", err)
		}
	})
}

func TestRouterFollowup(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		c := company(t, d, "山田製作所")
		advisor := person(t, d, store.RoleAdvisor, "佐藤", "slack")
		consoleOnly := person(t, d, store.RoleAdvisor, "鈴木", "console")
		fu := in(t, d, func(ctx context.Context, tx store.Tx) (store.Followup, error) {
			if _, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, Text: "見積書の様式を見直す", Due: "2026-12-25",
				Status: "open", CreatedAt: jstAt(2026, 11, 20, 10, 0)}); err != nil {
				return store.Followup{}, err
			}
			return tx.AddFollowup(ctx, store.Followup{CompanyID: c.ID, AdvisorID: advisor.ID, Due: "2026-12-01",
				Status: "open", CreatedAt: jstAt(2026, 11, 20, 10, 0)})
		})
		slack := &notifier{}
		rt := mustRemind(remind.NewRouter(remind.RouterConfig{Store: d, Notifiers: map[string]bot.Notifier{"slack": slack}}))
		r := store.Reminder{Kind: remind.KindFollowup, RecipientID: advisor.ID, CompanyID: c.ID,
			DedupeKey: fmt.Sprintf("followup:f%d", fu.ID), Payload: fmt.Sprintf(`{"followup":%d}`, fu.ID)}
		if err := rt.Deliver(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		if len(slack.got) != 1 {
			t.Fatalf("alerts %+v, want one", slack.got)
		}
		a := slack.got[0]
		if a.Channel != "slack" || !strings.HasPrefix(a.UserID, "slack-user-") || a.Lang != "ja" ||
			a.Title != "本日は山田製作所のフォロー予定日です" ||
			!strings.Contains(a.Text, "「見積書の様式を見直す」") || !strings.Contains(a.Text, "2026年12月25日(金)") {
			t.Errorf("alert = %+v", a)
		}
		// An advisor Slack cannot reach: logged and counted as delivered.
		r2 := r
		r2.RecipientID, r2.Payload = consoleOnly.ID, ""
		if err := rt.Deliver(t.Context(), r2); err != nil || len(slack.got) != 1 {
			t.Errorf("console-only advisor: %v, %d alerts", err, len(slack.got))
		}
		// A debrief closed the follow-up before the day came.
		do(t, d, func(ctx context.Context, tx store.Tx) error { _, err := tx.CloseFollowups(ctx, c.ID); return err })
		if err := rt.Deliver(t.Context(), r); !errors.Is(err, remind.ErrObsolete) || len(slack.got) != 1 {
			t.Errorf("closed follow-up: %v, %d alerts; want ErrObsolete and none sent", err, len(slack.got))
		}
	})
}

func TestRouterDigest(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, d db) {
		coord := person(t, d, store.RoleCoordinator, "田中", "slack")
		r := store.Reminder{Kind: remind.KindDigest, RecipientID: coord.ID, Payload: `{"slot":"2027-01-11T09:00:00+09:00"}`}
		if err := mustRemind(remind.NewRouter(remind.RouterConfig{Store: d})).Deliver(t.Context(), r); err != nil {
			t.Errorf("without a digest sender: %v, want nil (logged)", err)
		}
		g := &digests{}
		if err := mustRemind(remind.NewRouter(remind.RouterConfig{Store: d, Digests: g})).Deliver(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		if want := `田中 {"slot":"2027-01-11T09:00:00+09:00"}`; len(g.got) != 1 || g.got[0] != want {
			t.Errorf("digests %q, want %q", g.got, want)
		}
		// Someone no longer a coordinator gets no digest (it spans every company).
		adv := person(t, d, store.RoleAdvisor, "佐藤", "slack")
		r.RecipientID = adv.ID
		if err := mustRemind(remind.NewRouter(remind.RouterConfig{Store: d, Digests: g})).Deliver(t.Context(), r); !errors.Is(err, remind.ErrObsolete) || len(g.got) != 1 {
			t.Errorf("digest to an advisor: %v, %d digests; want ErrObsolete and none sent", err, len(g.got))
		}
	})
}
