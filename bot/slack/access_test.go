package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// secretsOfYamada are what 佐藤 (UA) recorded about 山田製作所.
var secretsOfYamada = []string{"朝礼で月2回", "手が回らない", "売上が前年比1割減", "実行できない"}

// dmsTo is everything posted to user's DM since call n, as text and blocks.
func (h *harness) dmsTo(user string, n int) string {
	var b strings.Builder
	for _, c := range h.slack.calls("chat.postMessage")[n:] {
		if c.Form.Get("channel") == "D"+strings.TrimPrefix(user, "U") {
			b.WriteString(c.Form.Get("text") + "\n" + c.Form.Get("blocks") + "\n")
		}
	}
	return b.String()
}

func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range secretsOfYamada {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks %q:\n%s", what, s, text)
		}
	}
}

// findButton is the button with an action id starting with prefix in the
// messages posted to user since call n.
func (h *harness) findButton(t *testing.T, user string, n int, prefix string) map[string]any {
	t.Helper()
	for _, c := range h.slack.calls("chat.postMessage")[n:] {
		if c.Form.Get("channel") != "D"+strings.TrimPrefix(user, "U") {
			continue
		}
		for _, b := range c.blocks(t) {
			if b["type"] != "actions" {
				continue
			}
			for _, e := range b["elements"].([]any) {
				el := e.(map[string]any)
				if id, _ := el["action_id"].(string); strings.HasPrefix(id, prefix) {
					return map[string]any{"type": "button", "action_id": id, "block_id": b["block_id"], "value": el["value"], "text": el["text"]}
				}
			}
		}
	}
	t.Fatalf("no %s button was sent to %s", prefix, user)
	return nil
}

func (h *harness) assigned(t *testing.T, user, company string) bool {
	t.Helper()
	var ok bool
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, user)
		c, err2 := tx.CompanyByName(ctx, company)
		if err == nil && err2 == nil {
			ok, _ = tx.IsAssigned(ctx, c.ID, p.ID)
		}
	})
	return ok
}

// The three reproductions of issue 10, over signed HTTP into the handler,
// with the SDK talking to the recording fake Slack: each is refused and
// shows nothing of 佐藤's records; asking for access goes to 佐藤 and the
// coordinator, and 佐藤's 承認 lets 鈴木 in.
func TestReproductionsAreRefusedOverSlack(t *testing.T) {
	h := newHarnessWith(t, bot.NewStaff([]string{"UA", "UB", "UE"}, []string{"UC"}, false))
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if _, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleCoordinator, Name: "田中", Locale: "ja"}, bot.ChannelSlack, "UC"); err != nil {
			t.Fatal(err)
		}
	})
	h.quickDebrief(t, "UA", "山田製作所")

	// 1. 鈴木 runs /bansou visit 山田製作所 and taps 「新しい企業」.
	n := len(h.slack.calls("chat.postMessage"))
	h.command(t, "UB", "C1", "visit 山田製作所")
	h.click(t, "UB", h.lastPrompt(t).button(t, "山田製作所"), nil)
	got := h.dmsTo("UB", n)
	noSecrets(t, "visit by another advisor", got)
	if strings.Contains(got, "前回の記録") || !strings.Contains(got, "閲覧を申請") {
		t.Errorf("visit by another advisor gets:\n%s", got)
	}
	if h.assigned(t, "UB", "山田製作所") {
		t.Fatal("tapping 「新しい企業」 assigned 鈴木 to 佐藤's company")
	}
	n = len(h.slack.calls("chat.postMessage"))
	h.command(t, "UB", "C1", "history 山田製作所")
	got = h.dmsTo("UB", n)
	noSecrets(t, "history by another advisor", got)
	if !strings.Contains(got, "見つかりませんでした") {
		t.Errorf("history by another advisor gets:\n%s", got)
	}

	// 2. A third user asks for an invite code.
	n = len(h.slack.calls("chat.postMessage"))
	h.command(t, "UE", "C1", "invite 株式会社山田製作所")
	got = h.dmsTo("UE", n)
	noSecrets(t, "invite by a third user", got)
	if strings.Contains(got, "招待コード") || !strings.Contains(got, "閲覧を申請") || h.assigned(t, "UE", "山田製作所") {
		t.Errorf("invite by a third user gets:\n%s", got)
	}

	// 3. A workspace member who is not staff DMs the bot.
	n = len(h.slack.calls("chat.postMessage"))
	h.dm(t, "UN", "こんにちは")
	got = h.dmsTo("UN", n)
	if !strings.Contains(got, "登録されていない") || !strings.Contains(got, `"text":"お問い合わせ`) || !strings.Contains(got, `（\u003c@UC\u003e）に登録`) {
		t.Errorf("non-member gets:\n%s", got)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if _, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, "UN"); err == nil {
			t.Error("a non-member was enrolled")
		}
	})

	// 鈴木 asks for access; 佐藤 and the coordinator get 承認 / 却下; 佐藤 approves.
	n = len(h.slack.calls("chat.postMessage"))
	h.click(t, "UB", h.findButton(t, "UB", 0, actOpPrefix+bot.OpRequestAccess), nil)
	for _, approver := range []string{"UA", "UC"} {
		if got := h.dmsTo(approver, n); !strings.Contains(got, "閲覧申請") || !strings.Contains(got, "却下") || !strings.Contains(got, `\u003c@UB\u003eさんが`) {
			t.Errorf("%s gets no request to approve:\n%s", approver, got)
		}
	}
	h.click(t, "UA", h.findButton(t, "UA", n, actOpPrefix+bot.OpApprove), nil)
	if !h.assigned(t, "UB", "山田製作所") {
		t.Fatal("approval did not assign 鈴木")
	}
	if got := h.dmsTo("UB", n); !strings.Contains(got, "閲覧が承認されました") {
		t.Errorf("鈴木 is not told:\n%s", got)
	}
	// The coordinator's late tap finds it decided, and changes nothing.
	m := len(h.slack.calls("chat.postMessage"))
	h.click(t, "UC", h.findButton(t, "UC", n, actOpPrefix+bot.OpReject), nil)
	if got := h.dmsTo("UC", m); !strings.Contains(got, "すでに処理されています") || !h.assigned(t, "UB", "山田製作所") {
		t.Errorf("a second decision: %s", got)
	}
}

// /bansou handover over HTTP: the mention names the new advisor.
func TestHandoverCommand(t *testing.T) {
	h := newHarnessWith(t, bot.NewStaff([]string{"UA", "UD"}, nil, false))
	h.quickDebrief(t, "UA", "山田製作所")
	n := len(h.slack.calls("chat.postMessage"))
	h.command(t, "UA", "C1", "handover 株式会社山田製作所 <@UD|takahashi>")
	if !h.assigned(t, "UD", "山田製作所") || h.assigned(t, "UA", "山田製作所") {
		t.Fatal("the handover did not move the company")
	}
	if got := h.dmsTo("UA", n); !strings.Contains(got, "引継ぎメモ") || !strings.Contains(got, "大事にしていること") {
		t.Errorf("the old advisor is not asked for the memo:\n%s", got)
	}
	if got := h.dmsTo("UD", n); !strings.Contains(got, "引き継ぎました") {
		t.Errorf("the new advisor is not told:\n%s", got)
	}
	// 佐藤 writes the memo in the DM; 高橋's first debrief opens with it.
	for _, text := range []string{"二代目に継がせたい", "結論から話すのがお好き", "補助金の申請中", "スキップ"} {
		h.dm(t, "UA", text)
	}
	p := h.wantStep(t, flows.ReviewStep)
	h.click(t, "UA", p.button(t, flows.ActionSave), nil)
	n = len(h.slack.calls("chat.postMessage"))
	h.command(t, "UD", "C1", "visit 山田製作所")
	got := h.dmsTo("UD", n)
	for _, want := range []string{"引継ぎメモ", "二代目に継がせたい", "結論から話すのがお好き", "補助金の申請中", "前回の記録"} {
		if !strings.Contains(got, want) {
			t.Errorf("the new advisor's first debrief lacks %q:\n%s", want, got)
		}
	}
}
