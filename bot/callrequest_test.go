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
	h := newHarness(t)
	h.advisor(t, "U1", "佐藤")
	quickDebrief(t, h, "U1", "山田製作所")
	ctx := context.Background()
	if _, err := h.bot.EnsurePerson(ctx, bot.ChannelConsole, "owner", "経営者", store.RoleOwner); err != nil {
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
