package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// The console owner (`bansou try --as owner`) is heard the same way as on
// LINE: a typed call request inside the check-in alerts the advisor once,
// names who will call, and the check-in waits at its question.
func TestConsoleOwnerCallRequestInsideACheckIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.advisor(t, "U1", "佐藤")
	quickDebrief(t, h, "U1", "山田製作所")
	ctx := context.Background()
	if _, err := h.bot.EnsurePerson(ctx, bot.ChannelConsole, "owner", "経営者", store.RoleOwner); err != nil {
		t.Fatal(err)
	}
	// As `bansou try --as owner` does: the console owner is linked to the
	// company (access control: an owner sees only their linked company).
	if err := h.bot.LinkOwner(ctx, bot.ChannelConsole, "owner", "山田製作所"); err != nil {
		t.Fatal(err)
	}
	if err := h.bot.Start(ctx, bot.ChannelConsole, "owner", bot.StartRequest{FlowID: bot.FlowCheckin, Company: "山田製作所"}); err != nil {
		t.Fatal(err)
	}
	first := h.out.Last(t)
	r := h.tapOn(t, bot.ChannelConsole, "owner", first.SessionID, "L0", "yes")
	wantPrompt(t, r, "L1")
	r = h.sayOn(t, bot.ChannelConsole, "owner", "電話をください")
	if !strings.Contains(r.Text, "担当の佐藤からお電話します") || strings.Contains(r.Text, "選択肢") {
		t.Errorf("the owner reads %q", r.Text)
	}
	wantPrompt(t, r, "L1")
	if alerts := h.alerts.All(); len(alerts) != 1 || !strings.Contains(alerts[0].Title, "電話のご希望") {
		t.Fatalf("alerts %+v, want one call request", alerts)
	}
	r = h.tapOn(t, bot.ChannelConsole, "owner", r.SessionID, "L1", "doing")
	wantPrompt(t, r, "L2b")
}

// An owner's call request alerts only advisors who may still use bansou:
// an assigned advisor who has left the advisor group is not told of the
// company any more.
func TestCallRequestAlertsOnlyCurrentStaff(t *testing.T) {
	t.Parallel()
	staff := bot.NewStaff(nil, []string{"UC"}, true)
	staff.SetGroup([]string{"UA"})
	h := newHarnessOn(t, backends[0].open(t), staff)
	h.advisor(t, "UA", "佐藤")
	quickDebrief(t, h, "UA", "山田製作所")
	w := &world{h: h}
	w.linkOwner(t, "LO", h.invite(t, "山田製作所", 0))
	w.mark()
	w.handle(t, owner, bot.Incoming{Text: "電話をください"})
	if !w.alertedTo(assigned) {
		t.Fatalf("the assigned advisor got no alert: %+v", h.alerts.All())
	}
	staff.SetGroup(nil) // 佐藤 left the advisor group
	w.mark()
	w.handle(t, owner, bot.Incoming{Text: "相談したいです"})
	if w.alertedTo(assigned) {
		t.Errorf("an advisor no longer staff was alerted: %+v", h.alerts.All()[w.alerts:])
	}
}
