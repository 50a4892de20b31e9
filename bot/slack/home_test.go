package slack

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// App Home lists the open follow-up with its due date, the session in
// progress with a resume button, and the recent companies; resume re-sends
// the current question.
func TestAppHomeAndResume(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.command(t, "U1", "C1", "visit （株）山田製作所") // exact after folding: starts at once
	h.wantStep(t, flows.ModeStep)

	h.event(t, "EvHome", map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1.1"}, nil)
	c := h.slack.last(t, "views.publish")
	view, _ := json.Marshal(c.JSON)
	for _, want := range []string{`"user_id":"U1"`, `"type":"home"`, "2026年12月4日(金)", "山田製作所", "途中の記録", actResume} {
		if !strings.Contains(string(view), want) {
			t.Errorf("App Home lacks %q:\n%s", want, view)
		}
	}

	posts := len(h.slack.calls("chat.postMessage"))
	h.click(t, "U1", map[string]any{"type": "button", "action_id": actResume, "block_id": "x9Tq", "value": "2"}, nil)
	if n := len(h.slack.calls("chat.postMessage")); n != posts+1 {
		t.Fatalf("resume posted %d messages, want 1\n%s", n-posts, h.logs)
	}
	h.wantStep(t, flows.ModeStep)
}

func TestVisitOffersCloseMatchesAndANewCompany(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.command(t, "U1", "C1", "visit 山田")
	p := h.lastPrompt(t)
	p.button(t, "山田製作所")
	p.button(t, "山田") // 新しい企業「山田」
	if !strings.Contains(p.text, "新しい企業「山田」") {
		t.Errorf("no new-company offer:\n%s", p.text)
	}
}

func TestHistoryShowsTheCompanyRecord(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.command(t, "U1", "C1", "visit 山田製作所") // a second debrief, still open
	h.command(t, "U1", "C1", "history 山田")  // one partial match
	text := h.lastPrompt(t).text
	for _, want := range []string{"山田製作所 のこれまでの記録", "朝礼で月2回、目標を話す", "2026年12月4日(金)", "実行できない", "訪問後の振り返り"} {
		if !strings.Contains(text, want) {
			t.Errorf("history lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "*訪問後の振り返り（記入中）*") || !strings.Contains(text, "*訪問後の振り返り*") {
		t.Errorf("the timeline does not show both debriefs, the open one marked:\n%s", text)
	}
	h.command(t, "U2", "C1", "history 山田製作所") // another advisor's company
	if text := h.lastPrompt(t).text; !strings.Contains(text, "見つかりませんでした") {
		t.Errorf("another advisor sees the history:\n%s", text)
	}
}

func TestAlertArrivesAsADM(t *testing.T) {
	h := newHarness(t)
	err := h.adapter.cfg.Sender.Notify(context.Background(), bot.Alert{Channel: bot.ChannelSlack, UserID: "U7",
		Title: "山田製作所から電話の希望", Text: "LINEの近況確認で「電話がほしい」と回答がありました。"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.slack.last(t, "chat.postMessage")
	if c.Form.Get("channel") != "D7" || !strings.Contains(c.Form.Get("blocks"), "電話の希望") {
		t.Errorf("alert = %v", c.Form)
	}
}

func TestInviteCommandSendsACodeToForward(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.command(t, "U1", "C1", "invite 山田")
	text := h.lastPrompt(t).text
	code := regexp.MustCompile(`[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}`).FindString(text)
	if code == "" || !strings.Contains(text, "山田製作所") || !strings.Contains(text, "友だち追加") {
		t.Fatalf("invite DM:\n%s", text)
	}
	if !strings.Contains(text, "招待コード「"+code+"」を送って") {
		t.Errorf("the forwardable message does not carry the code:\n%s", text)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		c, _ := tx.CompanyByName(ctx, "山田製作所")
		advisors, _ := tx.AdvisorsOf(ctx, c.ID)
		if len(advisors) != 1 {
			t.Errorf("advisors of the invited company: %+v", advisors)
		}
	})
}

func TestDigestCommandIsForCoordinators(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.command(t, "U1", "C1", "digest")
	if text := h.lastPrompt(t).text; !strings.Contains(text, "コーディネーター向け") {
		t.Fatalf("an advisor's /bansou digest gets:\n%s", text)
	}
	b := h.adapter.cfg.Bot.(*bot.Bot)
	if err := b.EnsureRole(context.Background(), bot.ChannelSlack, "UC", store.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	h.command(t, "UC", "C1", "digest")
	text := h.lastPrompt(t).text
	for _, want := range []string{"要対応", "フォロー期限切れ"} {
		if !strings.Contains(text, want) {
			t.Errorf("the coordinator's digest lacks %q:\n%.600s", want, text)
		}
	}
}
