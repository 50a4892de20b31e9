package line

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/remind"
)

// timedPush is a push LINE received and when (by the bot's clock).
type timedPush struct {
	at   time.Time
	call apiCall
}

// runReminders moves the clock to until in steps, running the planner and
// the dispatcher at each, and returns the pushes LINE received on the way.
func (h *harness) runReminders(t *testing.T, d *remind.Dispatcher, until time.Time, step time.Duration) []timedPush {
	t.Helper()
	var out []timedPush
	for !h.clock.Now().After(until) {
		before := len(h.line.calls(pathPush))
		if _, err := h.planner.Plan(context.Background(), h.clock.Now()); err != nil {
			t.Fatalf("plan at %s: %v", h.clock.Now(), err)
		}
		if _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatalf("dispatch at %s: %v", h.clock.Now(), err)
		}
		for _, c := range h.line.calls(pathPush)[before:] {
			out = append(out, timedPush{at: h.clock.Now(), call: c})
		}
		h.clock.Add(step)
	}
	return out
}

// dispatcher is the production dispatcher: quiet hours, the quota read
// from the fake LINE before each batch, and the Router into the bot.
func (h *harness) dispatcher() *remind.Dispatcher {
	return mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: h.store, Calendar: h.planner.Calendar, Now: h.clock.Now, Logger: jsonLogger(h.logs),
		Deliverer: mustRemind(remind.NewRouter(remind.RouterConfig{Store: h.store, CheckIns: h.bot})), Quota: h.sender, Quiet: h.planner.Quiet}))
}

func jstTime(y int, m time.Month, d, hh, mm int) time.Time {
	loc, _ := time.LoadLocation("Asia/Tokyo")
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// Why: after an unfollow and a re-follow, check-ins never resumed (the
// cancelled slot kept its key). Now one comes on the next working day, and
// no burst follows.
func TestRefollowResumesCheckInsWithoutBurst(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所") // Friday 11/20; first check-in planned for Monday 11/30
	d := h.dispatcher()
	h.clock.Set(jstTime(2026, 11, 29, 12, 0))
	if pushes := h.runReminders(t, d, jstTime(2026, 11, 29, 12, 0), time.Hour); len(pushes) != 0 {
		t.Fatalf("pushes before the unfollow: %d", len(pushes))
	}
	h.mustDeliver(t, h.unfollowEvent("Uowner"))
	h.clock.Set(jstTime(2026, 12, 1, 15, 0)) // Tuesday afternoon: the owner adds the bot again
	h.mustDeliver(t, h.followEvent("Uowner"))
	h.clock.Add(time.Hour)
	h.mustDeliver(t, h.followEvent("Uowner")) // a second follow (no block between) plans nothing more
	if l, _ := h.ownerLink(t, owner.ID); !l.Reachable {
		t.Fatal("the owner is not reachable after the re-follow")
	}
	pushes := h.runReminders(t, d, jstTime(2026, 12, 5, 15, 0), time.Hour)
	if len(pushes) != 1 {
		t.Fatalf("%d check-ins from the re-follow to Saturday, want exactly 1; logs:\n%s", len(pushes), h.logs.String())
	}
	want := jstTime(2026, 12, 2, 10, 0)
	if !pushes[0].at.Equal(want) || pushes[0].call.Body["to"] != "Uowner" {
		t.Errorf("check-in pushed at %s to %v, want %s (the next working day) to Uowner", pushes[0].at, pushes[0].call.Body["to"], want)
	}
	h.tap(t, "Uowner", quick(t, pushes[0].call, "今回はお休み"), nil)
	// The check-in before the deadline (cancelled at the unfollow) comes
	// back too: the next one is not the overdue one a month after it.
	pushes = h.runReminders(t, d, jstTime(2026, 12, 17, 15, 0), 3*time.Hour)
	if len(pushes) != 1 || !pushes[0].at.Equal(jstTime(2026, 12, 16, 10, 0)) {
		for _, p := range pushes {
			t.Logf("push at %s", p.at)
		}
		t.Errorf("%d check-ins up to the deadline, want the one on 12/16 at 10:00", len(pushes))
	}
}

// The fake LINE answers a repeated X-Line-Retry-Key with 409, as LINE
// does: a check-in delivered twice (a dispatcher's retry) counts as sent
// once and is no error.
func TestRepeatedRetryKeyIsAcceptedOnce(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	first := h.checkIn(t, owner, "checkin:c1:p2:2026-11-30")
	before := len(h.line.calls(pathPush))
	l, _ := h.ownerLink(t, owner.ID)
	if err := h.bot.CheckIn(context.Background(), bot.CheckInRequest{OwnerID: owner.ID, CompanyID: l.CompanyID,
		PushKey: "checkin:c1:p2:2026-11-30"}); err != nil {
		t.Fatalf("the retried check-in: %v", err)
	}
	pushes := h.line.calls(pathPush)
	if len(pushes) != before+1 || pushes[before].retryKey() != first.retryKey() {
		t.Fatalf("the retry was not sent with the same key")
	}
	if !strings.Contains(h.logs.String(), "line push already accepted") {
		t.Errorf("the 409 was not read as sent:\n%s", h.logs.String())
	}
}
