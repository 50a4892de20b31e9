package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
)

// An owner's call request, then its time slot: one DM, updated in place.
func TestAlertIsPostedOnceThenUpdated(t *testing.T) {
	h := newHarness(t)
	s := h.adapter.cfg.Sender
	ref, err := s.NotifyRef(context.Background(), bot.Alert{Channel: bot.ChannelSlack, UserID: "U7", Title: "山田製作所さま: 電話のご希望"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.UpdateAlert(context.Background(), ref, bot.Alert{Channel: bot.ChannelSlack, UserID: "U7", Title: "山田製作所さま: 電話のご希望（午前）"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(h.slack.calls("chat.postMessage")); n != 1 {
		t.Errorf("%d DMs posted, want 1", n)
	}
	up := h.slack.last(t, "chat.update")
	if !strings.HasPrefix(ref, up.Form.Get("channel")+":") || !strings.HasSuffix(ref, ":"+up.Form.Get("ts")) ||
		!strings.Contains(up.Form.Get("blocks"), "午前") {
		t.Errorf("update %v does not replace %s with the time slot", up.Form, ref)
	}
	if err := s.UpdateAlert(context.Background(), "garbage", bot.Alert{}); err == nil {
		t.Error("a bad ref was accepted")
	}
}

func TestDisplayNameComesFromUsersInfo(t *testing.T) {
	h := newHarness(t)
	name, err := h.adapter.cfg.Sender.DisplayName(context.Background(), "U7")
	if err != nil || name != "佐藤 花子" {
		t.Fatalf("DisplayName = %q, %v; want 佐藤 花子", name, err)
	}
	if c := h.slack.last(t, "users.info"); c.Form.Get("user") != "U7" {
		t.Errorf("users.info asked about %v", c.Form)
	}
}
