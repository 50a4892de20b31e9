package line

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

// Why: 「あとで」 tapped at 00:00 was asked again at 00:00 the next working
// day, and the reply always said 「また明日」. Now: 10:00 on the next
// working day, and the reply names it.
func TestSnoozeAtMidnightComesBackAtTenOnTheNextWorkingDay(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	h.clock.Set(jstTime(2026, 12, 4, 10, 0)) // Friday
	c := h.checkIn(t, owner, "checkin:test:fri")
	h.clock.Set(jstTime(2026, 12, 5, 0, 0)) // Saturday 00:00
	c = h.tap(t, "Uowner", quick(t, c, "あとで"), nil)
	if !strings.Contains(c.text(), "月曜日にまたお聞きしますね") || strings.Contains(c.text(), "明日") {
		t.Errorf("the owner reads %q, want Monday named", c.text())
	}
	pushes := h.runReminders(t, h.dispatcher(), jstTime(2026, 12, 7, 12, 0), 30*time.Minute)
	if len(pushes) != 1 || !pushes[0].at.Equal(jstTime(2026, 12, 7, 10, 0)) {
		for _, p := range pushes {
			t.Logf("push at %s: %q", p.at, p.call.text())
		}
		t.Fatalf("%d pushes, want the check-in once, Monday 10:00", len(pushes))
	}
	// 「あとで」 on a weekday afternoon: tomorrow, and the reply says so.
	c = h.tap(t, "Uowner", quick(t, pushes[0].call, "あとで"), nil)
	if !strings.Contains(c.text(), "明日") {
		t.Errorf("the owner reads %q, want 明日", c.text())
	}
}

// Nothing is pushed between 20:00 and 08:00: a check-in found due at night
// (after downtime) goes out at 08:00.
func TestNoPushInTheQuietHours(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		_, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: remind.KindCheckin, RecipientID: owner.ID,
			CompanyID: 1, DueAt: jstTime(2026, 11, 24, 19, 0), DedupeKey: "checkin:late"})
		if err != nil {
			t.Fatal(err)
		}
	})
	h.clock.Set(jstTime(2026, 11, 24, 20, 30))
	pushes := h.runReminders(t, h.dispatcher(), jstTime(2026, 11, 25, 9, 0), 30*time.Minute)
	if len(pushes) != 1 || !pushes[0].at.Equal(jstTime(2026, 11, 25, 8, 0)) {
		t.Fatalf("%d pushes (first at %v), want one at 08:00", len(pushes), pushes)
	}
}

// Why: check-ins refused for the monthly quota were failed for good. Now
// the quota is read before the batch; the check-in is held, and sent after
// the month turns.
func TestSpentQuotaHoldsCheckInsUntilNextMonth(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	h.line.withRules(func(l *lineRules) { l.quota, l.used = 200, 200 })
	h.clock.Set(jstTime(2026, 11, 30, 9, 0))
	d := h.dispatcher()
	if pushes := h.runReminders(t, d, jstTime(2026, 11, 30, 18, 0), time.Hour); len(pushes) != 0 {
		t.Fatalf("%d pushes with the quota spent", len(pushes))
	}
	var held []store.Reminder
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		held, _ = tx.Reminders(ctx, store.ReminderFilter{RecipientID: owner.ID, Status: store.ReminderPending, Kind: remind.KindCheckin})
	})
	if len(held) == 0 || !held[0].DueAt.Equal(jstTime(2026, 12, 1, 10, 0)) || !strings.Contains(held[0].LastError, "quota") {
		t.Fatalf("held check-ins %+v, want the 11/30 one pending until 12/1 10:00", held)
	}
	dg, err := digest.Build(context.Background(), h.store, digest.Options{Now: h.clock.Now(), Location: h.planner.Calendar.Location()})
	if err != nil {
		t.Fatal(err)
	}
	if text := digestText(dg); !strings.Contains(text, "送信上限で保留中の近況確認") || !strings.Contains(text, "山田製作所") {
		t.Errorf("the digest does not show the held check-in:\n%s", text)
	}
	if strings.Contains(h.logs.String(), "send line reply") {
		t.Errorf("a push is logged as a reply:\n%s", h.logs.String())
	}
	h.clock.Set(jstTime(2026, 12, 1, 9, 0))
	h.line.withRules(func(l *lineRules) { l.used = 0 }) // LINE resets the count monthly
	pushes := h.runReminders(t, d, jstTime(2026, 12, 1, 12, 0), time.Hour)
	if len(pushes) != 1 || !pushes[0].at.Equal(jstTime(2026, 12, 1, 10, 0)) || !strings.Contains(pushes[0].call.text(), "山田製作所") && !strings.Contains(pushes[0].call.text(), "商工会") {
		t.Fatalf("%d pushes after the month turned, want the held check-in at 10:00", len(pushes))
	}
}

// Why: a push refused for the quota was logged as "send line reply".
func TestRefusedPushIsCalledAPush(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	h.line.withRules(func(l *lineRules) { l.quota, l.used = 200, 200 })
	l, _ := h.ownerLink(t, owner.ID)
	err := h.bot.CheckIn(context.Background(), bot.CheckInRequest{OwnerID: owner.ID, CompanyID: l.CompanyID, PushKey: "k"})
	if !errors.Is(err, bot.ErrQuota) || !strings.Contains(err.Error(), "send line push") || strings.Contains(err.Error(), "reply") {
		t.Errorf("err = %v, want a quota error naming the push", err)
	}
}

// digestText is every heading and line of the digest, in Japanese.
func digestText(d *digest.Digest) string {
	var b strings.Builder
	for _, s := range d.Sections {
		for _, g := range s.Groups {
			b.WriteString(g.Title.JA + "\n")
			for _, it := range g.Items {
				b.WriteString("  " + it.Company + " " + it.Text.JA + "\n")
			}
		}
	}
	return b.String()
}

// A snooze that lands on the day of a planned check-in is that check-in:
// one push, not two.
func TestSnoozeOnTheDayOfAPlannedCheckInPushesOnce(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所") // the first check-in is planned for Monday 11/30 10:00
	h.clock.Set(jstTime(2026, 11, 27, 10, 0))
	c := h.checkIn(t, owner, "checkin:test:fri")
	h.clock.Set(jstTime(2026, 11, 28, 0, 0))
	c = h.tap(t, "Uowner", quick(t, c, "あとで"), nil)
	if !strings.Contains(c.text(), "月曜日") {
		t.Errorf("the owner reads %q", c.text())
	}
	pushes := h.runReminders(t, h.dispatcher(), jstTime(2026, 11, 30, 12, 0), 30*time.Minute)
	if len(pushes) != 1 || !pushes[0].at.Equal(jstTime(2026, 11, 30, 10, 0)) {
		t.Fatalf("%d pushes, want one on Monday 10:00", len(pushes))
	}
}
