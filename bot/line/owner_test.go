package line

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// advisor is 佐藤, the advisor behind Slack user U1.
func (h *harness) advisor(t testing.TB) store.Person {
	t.Helper()
	p, err := h.bot.EnsurePerson(context.Background(), bot.ChannelSlack, "U1", "佐藤", store.RoleAdvisor)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// slackTurn runs one turn of the advisor on the Slack side (no HTTP: the
// Slack adapter is tested in bot/slack).
func (h *harness) slackTurn(t testing.TB, in bot.Incoming) bot.Reply {
	t.Helper()
	h.seq++
	in.EventID, in.Channel, in.UserID = fmt.Sprintf("slack%d", h.seq), bot.ChannelSlack, "U1"
	if err := h.bot.Handle(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	return h.slack.Last(t)
}

// debrief holds 佐藤's quick debrief about company, which leaves the
// commitment 「朝礼で月2回、目標を話す」 open.
func (h *harness) debrief(t testing.TB, company string) {
	t.Helper()
	r := h.slackTurn(t, bot.Incoming{Text: "振り返り " + company})
	r = h.slackTurn(t, bot.Incoming{Action: &bot.Action{SessionID: r.SessionID, StepID: flows.ModeStep, Value: "quick"}})
	answers := []string{"売上が前年比1割減。", "「手が回らない」", "3,4", "実行できない", "ある", "朝礼で月2回、目標を話す", "12/18", "不要", "12月25日"}
	if r.Prompt != nil && r.Prompt.StepID == "I9" { // a new company: its stage first
		answers = append([]string{"2"}, answers...)
	}
	for _, a := range answers {
		r = h.slackTurn(t, bot.Incoming{Text: a})
	}
	if r.Prompt == nil || r.Prompt.StepID != flows.ReviewStep {
		t.Fatalf("debrief did not reach the review: %q %+v", r.Text, r.Prompt)
	}
	h.slackTurn(t, bot.Incoming{Action: &bot.Action{SessionID: r.SessionID, StepID: flows.ReviewStep, Value: flows.ActionSave}})
}

func (h *harness) invite(t testing.TB, company string, advisorID int64) bot.Invite {
	t.Helper()
	inv, err := h.bot.CreateInvite(context.Background(), company, advisorID)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// link makes lineID the linked owner of company (debriefed by 佐藤) over
// the webhook: follow, then the invite code.
func (h *harness) link(t testing.TB, lineID, company string) store.Person {
	t.Helper()
	adv := h.advisor(t)
	h.debrief(t, company)
	h.mustDeliver(t, h.followEvent(lineID))
	if c := h.say(t, lineID, h.invite(t, company, adv.ID).Code); !strings.Contains(c.text(), company) {
		t.Fatalf("linking reply %q does not name %s", c.text(), company)
	}
	return h.person(t, bot.ChannelLINE, lineID)
}

func (h *harness) ownerLink(t testing.TB, personID int64) (store.OwnerLink, error) {
	t.Helper()
	var l store.OwnerLink
	var err error
	h.inTx(t, func(ctx context.Context, tx store.Tx) { l, err = tx.OwnerLink(ctx, personID) })
	return l, err
}

// linked reports whether the LINE user is linked to a company.
func (h *harness) linked(t testing.TB, lineID string) bool {
	t.Helper()
	var ok bool
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, err := tx.PersonByIdentity(ctx, bot.ChannelLINE, lineID)
		if err == nil {
			_, err = tx.OwnerLink(ctx, p.ID)
			ok = err == nil
		}
	})
	return ok
}

// checkIn pushes a check-in to the owner and returns the push.
func (h *harness) checkIn(t testing.TB, owner store.Person, key string) apiCall {
	t.Helper()
	l, err := h.ownerLink(t, owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := len(h.line.calls(""))
	if err := h.bot.CheckIn(context.Background(), bot.CheckInRequest{OwnerID: owner.ID, CompanyID: l.CompanyID, PushKey: key}); err != nil {
		t.Fatalf("check-in: %v", err)
	}
	c := h.answer(t, before)
	if c.Path != pathPush {
		t.Fatalf("the check-in went to %s, want a push", c.Path)
	}
	return c
}

func TestFollowIsGreetedWithTheInviteCodeRequest(t *testing.T) {
	h := newHarness(t)
	ev := h.followEvent("Unew")
	h.mustDeliver(t, ev)
	c := h.line.last(t)
	if c.Path != pathReply || c.Body["replyToken"] != ev["replyToken"] {
		t.Fatalf("greeting sent to %s with token %v, want a reply with %v", c.Path, c.Body["replyToken"], ev["replyToken"])
	}
	if !strings.Contains(c.text(), "招待コード") || !strings.Contains(c.text(), "○○商工会") {
		t.Errorf("greeting %q does not name the sender and ask for the invite code", c.text())
	}
}

// However the owner types the code — as given, lower case with spaces, in
// full-width characters — it links them, and the reply names the company
// and the advisor.
func TestInviteCodeLinksTheOwner(t *testing.T) {
	h := newHarness(t)
	adv := h.advisor(t)
	for i, typed := range []func(string) string{
		func(c string) string { return c },
		func(c string) string { return strings.ToLower(strings.ReplaceAll(c, "-", " ")) },
		func(c string) string {
			return strings.Map(func(r rune) rune {
				if r == '-' {
					return 'ー'
				}
				return r + 0xFEE0 // ASCII → full width
			}, c)
		},
	} {
		owner := fmt.Sprintf("Uowner%d", i)
		company := fmt.Sprintf("山田製作所%d", i)
		inv := h.invite(t, company, adv.ID)
		c := h.say(t, owner, typed(inv.Code))
		if c.Path != pathReply {
			t.Errorf("%q answered by %s, want a reply", typed(inv.Code), c.Path)
		}
		for _, want := range []string{company, "佐藤"} {
			if !strings.Contains(c.text(), want) {
				t.Errorf("code %q: reply %q lacks %q", typed(inv.Code), c.text(), want)
			}
		}
		if !h.linked(t, owner) {
			t.Errorf("code %q did not link the owner", typed(inv.Code))
		}
	}
}

// Five wrong codes are each answered; the sixth try within the hour — even
// with the right code — is refused; an hour later the code works.
func TestWrongCodesAreRateLimited(t *testing.T) {
	h := newHarness(t)
	inv := h.invite(t, "山田製作所", h.advisor(t).ID)
	for i := range 5 {
		c := h.say(t, "Uguess", fmt.Sprintf("ABCD-EF%02d", 22+i))
		if !strings.Contains(c.text(), "コード") || !strings.Contains(c.text(), "確認できません") {
			t.Fatalf("wrong code %d gets %q", i+1, c.text())
		}
		h.clock.Add(time.Minute)
	}
	c := h.say(t, "Uguess", inv.Code)
	if !strings.Contains(c.text(), "担当者") || h.linked(t, "Uguess") {
		t.Fatalf("the 6th try within the hour gets %q (linked: %v)", c.text(), h.linked(t, "Uguess"))
	}
	h.clock.Add(time.Hour)
	if c := h.say(t, "Uguess", inv.Code); !strings.Contains(c.text(), "山田製作所") || !h.linked(t, "Uguess") {
		t.Fatalf("an hour later the right code gets %q", c.text())
	}
}

// Stickers and photos get a gentle answer and never count as guesses.
func TestStickersAreNotCodeGuesses(t *testing.T) {
	h := newHarness(t)
	inv := h.invite(t, "山田製作所", h.advisor(t).ID)
	for range 6 {
		e := h.envelope("message", "Usticker")
		e["message"] = map[string]any{"type": "sticker", "id": "1", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"}
		before := len(h.line.calls(""))
		h.mustDeliver(t, e)
		if c := h.answer(t, before); !strings.Contains(c.text(), "招待コード") {
			t.Fatalf("a sticker gets %q", c.text())
		}
	}
	if c := h.say(t, "Usticker", inv.Code); !h.linked(t, "Usticker") {
		t.Fatalf("after six stickers the code gets %q", c.text())
	}
}

func TestExpiredAndReusedCodesDoNotLink(t *testing.T) {
	h := newHarness(t)
	adv := h.advisor(t)
	old := h.invite(t, "山田製作所", adv.ID)
	used := h.invite(t, "鈴木商店", adv.ID)
	if c := h.say(t, "Ufirst", used.Code); !h.linked(t, "Ufirst") {
		t.Fatalf("a fresh code gets %q", c.text())
	}
	c := h.say(t, "Usecond", used.Code)
	if !strings.Contains(c.text(), "すでに使われて") || h.linked(t, "Usecond") {
		t.Errorf("a used code gets %q (linked: %v)", c.text(), h.linked(t, "Usecond"))
	}
	h.clock.Add(8 * 24 * time.Hour)
	c = h.say(t, "Ulate", old.Code)
	if !strings.Contains(c.text(), "有効期限") || h.linked(t, "Ulate") {
		t.Errorf("an expired code gets %q (linked: %v)", c.text(), h.linked(t, "Ulate"))
	}
}

// A whole check-in: pushed with quick replies, answered by tapping them,
// each answer stored, the last reply sent with the reply token.
func TestWholeCheckInByTaps(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	push := h.checkIn(t, owner, "checkin:test:1")
	if push.retryKey() != nameUUID("push\x00checkin:test:1") {
		t.Errorf("retry key %q is not derived from the push key", push.retryKey())
	}
	if push.Body["to"] != "Uowner" || !strings.Contains(push.text(), "○○商工会") || !strings.Contains(push.text(), "佐藤") {
		t.Errorf("check-in %q to %v does not name the sender", push.text(), push.Body["to"])
	}
	// A retry of the same delivery (after a crash) pushes with the same key.
	if again := h.checkIn(t, owner, "checkin:test:1"); again.retryKey() != push.retryKey() {
		t.Errorf("the retried check-in has key %q, first %q", again.retryKey(), push.retryKey())
	}
	c := push
	for _, tap := range []struct{ label, next string }{
		{"はい", "朝礼で月2回、目標を話す"}, {"進めている", "進めにくく"}, {"時間がない", "5段階"}, {"4", "直接お話し"}, {"今は大丈夫", "ありがとうございました"},
	} {
		checkLimits(t, "check-in", c)
		c = h.tap(t, "Uowner", quick(t, c, tap.label), nil)
		if c.Path != pathReply {
			t.Fatalf("tapping %s was answered by %s, want a reply", tap.label, c.Path)
		}
		if !strings.Contains(c.text(), tap.next) {
			t.Fatalf("after %s the bot says %q, want %q in it", tap.label, c.text(), tap.next)
		}
	}
	if len(c.items()) != 0 {
		t.Errorf("the closing message still has quick replies: %+v", c.items())
	}
	for _, secret := range []string{testToken, "朝礼で月2回", "おうかがい"} {
		if strings.Contains(h.logs.String(), secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
	l, _ := h.ownerLink(t, owner.ID)
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		ss, err := tx.CompanySessions(ctx, l.CompanyID)
		if err != nil {
			t.Fatal(err)
		}
		var checkin *store.Session
		for i := range ss {
			if ss[i].FlowID == bot.FlowCheckin {
				checkin = &ss[i]
			}
		}
		if checkin == nil || checkin.Status != store.SessionCompleted || checkin.RespondentID != owner.ID {
			t.Fatalf("check-in session %+v", checkin)
		}
		as, err := tx.Answers(ctx, checkin.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, a := range as {
			got[a.StepID] = a.Value
		}
		want := map[string]string{"L0": "yes", "L1": "doing", "L2b": "no_time", "L3": "4", "L4": "fine"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("stored answers %v, want %v", got, want)
		}
	})
}

// A check-in answered with a skip (typed by the quick reply) and a call
// request: the advisor is alerted and told the time slot.
func TestCallRequestAlertsTheAdvisor(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	c := h.checkIn(t, owner, "checkin:test:2")
	c = h.tap(t, "Uowner", quick(t, c, "はい"), nil)
	c = h.tap(t, "Uowner", quick(t, c, "できた"), nil)
	skip := quick(t, c, "スキップ")
	if skip.Action.Type != "message" {
		t.Fatalf("スキップ is a %s action", skip.Action.Type)
	}
	c = h.say(t, "Uowner", skip.Action.Text)
	c = h.tap(t, "Uowner", quick(t, c, "5"), nil)
	c = h.tap(t, "Uowner", quick(t, c, "電話がほしい"), nil)
	if !strings.Contains(c.text(), "佐藤") || !strings.Contains(c.text(), "お電話") {
		t.Errorf("after 電話がほしい the owner reads %q", c.text())
	}
	alerts := h.alerts.All()
	if len(alerts) == 0 || alerts[0].Channel != bot.ChannelSlack || alerts[0].UserID != "U1" || !strings.Contains(alerts[0].Title, "山田製作所") {
		t.Fatalf("alerts %+v, want one to U1 on Slack about 山田製作所", alerts)
	}
	h.tap(t, "Uowner", quick(t, c, "午前"), nil)
	if last := h.alerts.All(); !strings.Contains(last[len(last)-1].Title, "午前") {
		t.Errorf("the advisor is not told the time slot: %+v", last)
	}
}

// Urgent words bypass the conversation: the advisor is alerted at once and
// the owner is told a person will be in touch.
func TestUrgentMessageAlertsTheAdvisor(t *testing.T) {
	h := newHarness(t)
	h.link(t, "Uowner", "山田製作所")
	c := h.say(t, "Uowner", "資金繰りが厳しくて")
	if c.Path != pathReply || !strings.Contains(c.text(), "担当の佐藤から") || !strings.Contains(c.text(), "お電話") {
		t.Errorf("the owner reads %q (%s)", c.text(), c.Path)
	}
	alerts := h.alerts.All()
	if len(alerts) != 1 || alerts[0].UserID != "U1" || !strings.Contains(alerts[0].Title, "山田製作所") {
		t.Fatalf("alerts %+v, want one to U1 about 山田製作所", alerts)
	}
	if strings.Contains(h.logs.String(), "資金繰り") {
		t.Errorf("the owner's words are in the log:\n%s", h.logs.String())
	}
}

// An owner can never answer another company's check-in, even with its
// session id in a forged postback.
func TestOwnerCannotReachAnotherCompany(t *testing.T) {
	h := newHarness(t)
	a := h.link(t, "Ua", "山田製作所")
	b := h.link(t, "Ub", "鈴木商店")
	pushA := h.checkIn(t, a, "checkin:a:1")
	pushB := h.checkIn(t, b, "checkin:b:1")
	yesB, _ := parsePostback(quick(t, pushB, "はい").Action.Data, nil)
	yesA, _ := parsePostback(quick(t, pushA, "はい").Action.Data, nil)
	if yesA.SessionID == yesB.SessionID {
		t.Fatal("both check-ins share a session")
	}
	before := h.session(t, yesB.SessionID)
	forged, _ := postbackData(yesB.SessionID, "L0", "skip")
	c := h.tap(t, "Ua", qrItem{Action: qrAction{Type: "postback", Data: forged}}, nil)
	if c.Path != pathReply || strings.Contains(c.text(), "鈴木商店") {
		t.Errorf("owner A reads %q (%s)", c.text(), c.Path)
	}
	if own, ok := parsePostback(quick(t, c, "はい").Action.Data, nil); !ok || own.SessionID != yesA.SessionID {
		t.Errorf("owner A is shown session %d's question, want their own (%d)", own.SessionID, yesA.SessionID)
	}
	after := h.session(t, yesB.SessionID)
	if after.Version != before.Version || after.Step != before.Step || after.Status != before.Status {
		t.Errorf("B's session changed: %+v → %+v", before, after)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if as, _ := tx.Answers(ctx, yesB.SessionID); len(as) != 0 {
			t.Errorf("B's session got answers %+v", as)
		}
	})
	// A's own check-in is where it was, and answering it still works.
	if s := h.session(t, yesA.SessionID); s.Step != "L0" || s.Status != store.SessionActive {
		t.Errorf("A's session %+v", s)
	}
	if c := h.tap(t, "Ua", quick(t, pushA, "はい"), nil); !strings.Contains(c.text(), "朝礼で月2回") {
		t.Errorf("A's own answer gets %q", c.text())
	}
}

func (h *harness) session(t testing.TB, id int64) store.Session {
	t.Helper()
	var s store.Session
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		var err error
		if s, err = tx.Session(ctx, id); err != nil {
			t.Fatal(err)
		}
	})
	return s
}

// After the owner blocks the bot nothing more is pushed to them.
func TestUnfollowStopsPushes(t *testing.T) {
	h := newHarness(t)
	owner := h.link(t, "Uowner", "山田製作所")
	before := len(h.line.calls(""))
	h.mustDeliver(t, h.unfollowEvent("Uowner"))
	if l, err := h.ownerLink(t, owner.ID); err != nil || l.Reachable {
		t.Fatalf("after unfollow the link is %+v, %v; want unreachable", l, err)
	}
	l, _ := h.ownerLink(t, owner.ID)
	err := h.bot.CheckIn(context.Background(), bot.CheckInRequest{OwnerID: owner.ID, CompanyID: l.CompanyID, PushKey: "checkin:test:9"})
	if !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("check-in after unfollow: %v, want ErrUnreachable", err)
	}
	if n := len(h.line.calls("")) - before; n != 0 {
		t.Errorf("%d calls to LINE after the unfollow", n)
	}
	// Following again (unblocking) makes the owner reachable.
	h.mustDeliver(t, h.followEvent("Uowner"))
	if l, _ := h.ownerLink(t, owner.ID); !l.Reachable {
		t.Errorf("after unblocking the owner is still unreachable")
	}
}
