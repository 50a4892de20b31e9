package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// TestHandoverMovesTheCompanyWithAMemo: 佐藤 (UA) hands 山田製作所 over to
// 高橋 (UD). Afterwards 佐藤's Home no longer lists it, the next follow-up DM
// goes to 高橋 exactly once, the owner's next check-in names 高橋, and the
// memo 佐藤 wrote shows at 高橋's first debrief (and in the history).
func TestHandoverMovesTheCompanyWithAMemo(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			w := newWorld(t, be.open)
			h, ctx := w.h, context.Background()
			_, err := h.bot.Handover(ctx, bot.HandoverRequest{Channel: "slack", UserID: "UA", Company: "山田製作所",
				ToChannel: "slack", ToUserID: "UD"})
			if err != nil {
				t.Fatal(err)
			}
			if out := w.outputsTo(role{id: "UD"}); !strings.Contains(out, "引き継ぎました") || !strings.Contains(out, "フォロー予定 1 件") {
				t.Errorf("new advisor is told %s", out)
			}

			// 佐藤 is asked for the memo at once, and writes it.
			r := h.out.Last(t)
			if r.UserID != "UA" {
				r = lastTo(t, h, "UA")
			}
			wantPrompt(t, r, "H1")
			for _, a := range []struct{ step, text string }{
				{"H1", "二代目に継がせたいという想い"},
				{"H2", "結論から。訪問は午前中がよい"},
				{"H3", "ものづくり補助金の申請準備中"},
				{"H4", "スキップ"},
			} {
				wantPrompt(t, r, a.step)
				r = h.say(t, "UA", a.text)
			}
			wantPrompt(t, r, flows.ReviewStep)
			r = h.tap(t, "UA", r.SessionID, flows.ReviewStep, flows.ActionSave)
			if !strings.Contains(r.Text, "引継ぎメモを保存しました") {
				t.Fatalf("memo closing %q", r.Text)
			}

			// Homes.
			old, _ := h.bot.Overview(ctx, "slack", "UA")
			if slices.Contains(old.Companies, "山田製作所") || len(old.Followups) != 0 {
				t.Errorf("the old advisor's Home still shows the company: %+v", old)
			}
			nw, _ := h.bot.Overview(ctx, "slack", "UD")
			if !slices.Contains(nw.Companies, "山田製作所") || len(nw.Followups) != 1 || nw.Followups[0].Company != "山田製作所" {
				t.Errorf("the new advisor's Home: %+v", nw)
			}

			// The reminders come due: the follow-up DM goes to 高橋 once, the
			// owner's check-in names 高橋.
			w.mark()
			d := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: h.store, Now: func() time.Time { return h.clock.Now().Add(time.Hour) },
				Deliverer: mustRemind(remind.NewRouter(remind.RouterConfig{Store: h.store, CheckIns: h.bot, Notifiers: map[string]bot.Notifier{"slack": h.alerts}}))}))
			for range 2 {
				if _, err := d.RunOnce(ctx); err != nil {
					t.Fatal(err)
				}
			}
			var followups []bot.Alert
			for _, a := range h.alerts.All()[w.alerts:] {
				if strings.Contains(a.Title, "山田製作所のフォロー予定日") {
					followups = append(followups, a)
				}
			}
			if len(followups) != 1 || followups[0].UserID != "UD" || !strings.Contains(followups[0].Title, "山田製作所") {
				t.Errorf("follow-up DMs after the handover = %+v, want one to UD", followups)
			}
			checkin := lastTo(t, h, "LO")
			if !strings.Contains(checkin.Text, "担当が高橋に代わりました") {
				t.Errorf("the owner's next check-in does not name the new advisor: %q", checkin.Text)
			}
			if strings.Contains(jsonOf(checkin), "佐藤") {
				t.Errorf("the owner's check-in still names the old advisor: %s", jsonOf(checkin))
			}
			// Said once: the next push of the same check-in does not repeat it.
			if err := h.bot.CheckIn(ctx, bot.CheckInRequest{OwnerID: ownerID(t, h, "LO"), PushKey: "again"}); err != nil {
				t.Fatal(err)
			}
			if again := lastTo(t, h, "LO"); strings.Contains(again.Text, "代わりました") {
				t.Errorf("the new advisor is announced twice: %q", again.Text)
			}

			// 高橋's first debrief opens with the memo; the second does not.
			r = h.say(t, "UD", "振り返り 山田製作所")
			for _, want := range []string{"引継ぎメモ", "佐藤", "二代目に継がせたいという想い", "結論から。訪問は午前中がよい", "ものづくり補助金の申請準備中", "前回の記録"} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("first debrief opening lacks %q: %q", want, r.Text)
				}
			}
			h.say(t, "UD", "やめる")
			if r = h.say(t, "UD", "振り返り 山田製作所"); strings.Contains(r.Text, "引継ぎメモ") {
				t.Errorf("the memo shows again: %q", r.Text)
			}
			hist, err := h.bot.History(ctx, "slack", "UD", "山田製作所")
			if err != nil || !strings.Contains(jsonOf(hist), "二代目に継がせたいという想い") || !strings.Contains(jsonOf(hist), "引継ぎメモ") {
				t.Errorf("history lacks the memo: %v %s", err, jsonOf(hist))
			}
			// The handover is in the digest and in the audit log.
			dg, err := digest.Build(ctx, h.store, digest.Options{Now: h.clock.Now().Add(time.Hour), Location: h.clock.Now().Location()})
			if err != nil || !strings.Contains(dg.Text("ja"), "担当交代（佐藤 → 高橋）") {
				t.Errorf("digest lacks the handover: %v", err)
			}
			w.auditHas(t, bot.ActionHandover)
		})
	}
}

// TestHandoverKeepsEveryReminderOnce: re-addressing moves pending reminders
// without duplicating or losing any.
func TestHandoverKeepsEveryReminderOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t, backends[0].open)
	h, ctx := w.h, context.Background()
	count := func(slackID string) int {
		var n int
		h.inTx(t, func(ctx context.Context, tx store.Tx) {
			p, _ := tx.PersonByIdentity(ctx, "slack", slackID)
			rs, _ := tx.Reminders(ctx, store.ReminderFilter{RecipientID: p.ID, CompanyID: w.yamada.ID})
			n = len(rs)
		})
		return n
	}
	before := count("UA")
	res, err := h.bot.Handover(ctx, bot.HandoverRequest{Company: "株式会社 山田製作所", ToChannel: "slack", ToUserID: "UD"})
	if err != nil {
		t.Fatal(err)
	}
	if before == 0 || count("UA") != 0 || count("UD") != before || res.Reminders != int64(before) || res.Followups != 1 {
		t.Errorf("reminders: before %d, after UA %d UD %d, result %+v", before, count("UA"), count("UD"), res)
	}
	if _, err := h.bot.Handover(ctx, bot.HandoverRequest{Company: "山田製作所", ToChannel: "slack", ToUserID: "UD"}); err == nil {
		t.Error("handing over to the advisor who has it is not refused")
	}
	if _, err := h.bot.Handover(ctx, bot.HandoverRequest{Company: "山田製作所", ToChannel: "slack", ToUserID: "UN"}); err == nil {
		t.Error("handing over to a non-member is not refused")
	}
}

func lastTo(t *testing.T, h *harness, user string) bot.Reply {
	t.Helper()
	all := h.out.All()
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].UserID == user {
			return all[i]
		}
	}
	t.Fatalf("nothing was sent to %s", user)
	return bot.Reply{}
}

func ownerID(t *testing.T, h *harness, lineID string) int64 {
	t.Helper()
	var id int64
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, _ := tx.PersonByIdentity(ctx, "line", lineID)
		id = p.ID
	})
	return id
}

// mustRemind is what a remind constructor returns for a valid config.
func mustRemind[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
