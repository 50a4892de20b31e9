package line

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// slackNames stands in for Slack users.info (tested over HTTP in
// bot/slack): display names by Slack user id.
type slackNames struct {
	mu    sync.Mutex
	names map[string]string
	asked int
}

func (n *slackNames) DisplayName(_ context.Context, user string) (string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.asked++
	return n.names[user], nil
}

func (n *slackNames) set(user, name string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.names[user] = name
}

// startCheckin pushes a check-in, which names the sender (機関名 +
// 担当者名), and taps はい: the progress question.
func (h *harness) startCheckin(t *testing.T, owner store.Person) apiCall {
	t.Helper()
	c := h.checkIn(t, owner, "k1")
	if !strings.HasPrefix(c.text(), "○○商工会の佐藤です。") {
		t.Errorf("the check-in opens with %q, want the institution and the advisor named", c.text())
	}
	return h.tap(t, "Uowner", quick(t, c, "はい"), nil)
}

// Why: a typed 「電話がほしい」 at the progress question was an invalid
// answer and nobody heard it. Now: one DM, the owner is told who will call,
// and the question still waits.
func TestTypedCallRequestInsideACheckInIsHeard(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	q := h.startCheckin(t, owner)
	if !strings.Contains(q.text(), "朝礼で月2回") {
		t.Fatalf("not at the progress question: %q", q.text())
	}
	c := h.say(t, "Uowner", "ちょっと電話ください")
	if strings.Contains(c.text(), "選択肢の番号") {
		t.Errorf("the call request was taken as an invalid answer: %q", c.text())
	}
	if !strings.Contains(c.text(), "担当の佐藤からお電話します") {
		t.Errorf("the owner is not told who will call: %q", c.text())
	}
	quick(t, c, "できた") // the progress question is asked again below
	alerts := h.alerts.All()
	if len(alerts) != 1 || alerts[0].UserID != "U1" || !strings.Contains(alerts[0].Title, "電話のご希望") ||
		!strings.Contains(alerts[0].Text, "電話ください") {
		t.Fatalf("alerts %+v, want exactly one call request to U1", alerts)
	}
	c = h.tap(t, "Uowner", quick(t, c, "できた"), nil)
	if !strings.Contains(c.text(), "よかったこと") && !strings.Contains(c.text(), "すばらしい") {
		t.Errorf("the check-in did not carry on: %q", c.text())
	}
	if n := len(h.alerts.All()); n != 1 {
		t.Errorf("%d alerts after carrying on, want 1", n)
	}
}

// Why: the tap 「電話がほしい」 and then the time slot sent two DMs. Now the
// slot updates the first one.
func TestCallTapThenSlotIsOneAlert(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	c := h.startCheckin(t, owner)
	c = h.tap(t, "Uowner", quick(t, c, "進めている"), nil)
	c = h.tap(t, "Uowner", quick(t, c, "時間がない"), nil)
	c = h.tap(t, "Uowner", quick(t, c, "4"), nil)
	c = h.tap(t, "Uowner", quick(t, c, "電話がほしい"), nil)
	h.tap(t, "Uowner", quick(t, c, "午前"), nil)
	alerts := h.alerts.All()
	if len(alerts) != 1 || h.alerts.Updates() != 1 || !strings.Contains(alerts[0].Title, "午前") {
		t.Fatalf("alerts %+v (%d updates), want one DM updated with the time slot", alerts, h.alerts.Updates())
	}
}

// Typed outside a check-in, the owner now hears that someone will call.
func TestTypedCallRequestOutsideACheckIn(t *testing.T) {
	h := newHarness(t)
	h.link(t, "Uowner", "山田製作所")
	c := h.say(t, "Uowner", "相談したいことがあります")
	if !strings.Contains(c.text(), "担当の佐藤からお電話します") || len(c.items()) != 0 {
		t.Errorf("the owner reads %q (items %v)", c.text(), c.items())
	}
	if n := len(h.alerts.All()); n != 1 {
		t.Errorf("%d alerts, want 1", n)
	}
}

// Why: after /bansou invite from Slack, linking said 「…の担当、です。」.
// Now the advisor's name comes from users.info, the owner's from LINE.
func TestInviteFromSlackNamesTheAdvisor(t *testing.T) {
	h := newHarness(t)
	h.names.set("U9", "鈴木 一郎")
	h.line.withRules(func(l *lineRules) { l.profiles["Uowner"] = "山田 太郎" })
	inv, err := h.bot.InviteAs(context.Background(), bot.ChannelSlack, "U9", "山田製作所")
	if err != nil {
		t.Fatal(err)
	}
	h.mustDeliver(t, h.followEvent("Uowner"))
	c := h.say(t, "Uowner", inv.Code)
	if !strings.Contains(c.text(), "担当、鈴木 一郎です") {
		t.Errorf("linking reads %q, want the advisor named", c.text())
	}
	if p := h.person(t, bot.ChannelLINE, "Uowner"); p.Name != "山田 太郎" {
		t.Errorf("owner name = %q, want the LINE display name", p.Name)
	}
	// A rename in Slack is seen on the advisor's next turn an hour later.
	h.names.set("U9", "鈴木 一朗")
	h.clock.Add(2 * time.Hour)
	h.seq++
	if err := h.bot.Handle(context.Background(), bot.Incoming{EventID: "slack-rename", Channel: bot.ChannelSlack, UserID: "U9", Text: "help"}); err != nil {
		t.Fatal(err)
	}
	if p := h.person(t, bot.ChannelSlack, "U9"); p.Name != "鈴木 一朗" {
		t.Errorf("advisor name = %q after the rename", p.Name)
	}
}

// Without any name, owner-facing sentences still read naturally.
func TestNoNameReadsNaturally(t *testing.T) {
	h := newHarness(t)
	inv, err := h.bot.InviteAs(context.Background(), bot.ChannelSlack, "U8", "山田製作所")
	if err != nil {
		t.Fatal(err)
	}
	h.mustDeliver(t, h.followEvent("Uowner"))
	c := h.say(t, "Uowner", inv.Code)
	if strings.Contains(c.text(), "担当、です") || !strings.Contains(c.text(), "担当者がご一緒します") {
		t.Errorf("linking reads %q", c.text())
	}
	c = h.say(t, "Uowner", "電話ください")
	if !strings.Contains(c.text(), "担当者からお電話します") {
		t.Errorf("call request reads %q", c.text())
	}
}

// slowAlerts is a Slack that takes its time: each alert waits for release.
type slowAlerts struct {
	release chan struct{}
	n       int
	mu      sync.Mutex
}

func (s *slowAlerts) Notify(context.Context, bot.Alert) error {
	<-s.release
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	return nil
}

// Why: with a slow Slack, an urgent message waited for the advisor's DM
// before the owner got an answer. Now the owner's reply goes first.
func TestOwnerIsAnsweredBeforeASlowSlack(t *testing.T) {
	h := newHarness(t)
	h.link(t, "Uowner", "山田製作所")
	slow := &slowAlerts{release: make(chan struct{})}
	b, err := bot.New(bot.Config{Store: h.store, Flows: mustFlows(t), Now: h.clock.Now, Location: h.planner.Calendar.Location(),
		Institution: "○○商工会", Senders: map[string]bot.Sender{bot.ChannelLINE: h.sender},
		Notifiers: map[string]bot.Notifier{bot.ChannelSlack: slow}})
	if err != nil {
		t.Fatal(err)
	}
	before := len(h.line.calls(""))
	done := make(chan error, 1)
	ev := h.textEvent("Uowner", "資金繰りが厳しくて")
	go func() {
		done <- b.Handle(context.Background(), bot.Incoming{EventID: ev["webhookEventId"].(string), Channel: bot.ChannelLINE,
			UserID: "Uowner", Text: "資金繰りが厳しくて", ReplyToken: ev["replyToken"].(string), ReceivedAt: h.clock.Now()})
	}()
	h.line.waitFor(t, "the owner's answer", func() bool { return len(h.line.calls("")) > before })
	if c := h.line.calls(""); len(c) != before+1 || c[before].Path != pathReply || !strings.Contains(c[before].text(), "お電話") {
		t.Fatalf("the owner was not answered while Slack was slow")
	}
	close(slow.release)
	if err := <-done; err != nil || slow.n != 1 {
		t.Fatalf("turn: %v, %d alerts", err, slow.n)
	}
}

// A turn run after the reply token expired (a queued event) still answers
// the owner: by push.
func TestExpiredReplyTokenFallsBackToAPush(t *testing.T) {
	h := newHarness(t)
	h.link(t, "Uowner", "山田製作所")
	ev := h.textEvent("Uowner", "電話ください")
	h.clock.Add(2 * time.Minute) // the event waited in a queue
	before := len(h.line.calls(""))
	h.mustDeliver(t, ev)
	cs := h.line.calls("")[before:]
	if len(cs) != 2 || cs[0].Path != pathReply || cs[1].Path != pathPush || !strings.Contains(cs[1].text(), "お電話します") {
		t.Fatalf("calls %d, want a refused reply then a push", len(cs))
	}
}

func mustFlows(t *testing.T) *flows.Set {
	t.Helper()
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}
