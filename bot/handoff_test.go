package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// A debrief about a company bansou does not know runs the intake's stage
// question first (quick mode) and comes back to the debrief; the intake is
// stored as the company's own intake session, so the next debrief goes
// straight on.
func TestNewCompanyRunsTheIntakeFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.say(t, "U1", "振り返り みなと工務店")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	wantPrompt(t, r, "I9")
	if !strings.Contains(r.Text, "まず会社の段階だけうかがいます") {
		t.Errorf("the intake opens without its introduction: %q", r.Text)
	}
	debrief := r.SessionID
	r = h.say(t, "U1", "2")
	wantPrompt(t, r, "D5")
	if r.SessionID != debrief {
		t.Fatalf("back in session %d, want the debrief's %d", r.SessionID, debrief)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		as, _ := tx.Answers(ctx, debrief)
		for _, a := range as {
			if strings.HasPrefix(a.StepID, "I") {
				t.Errorf("intake answer %s stored with the debrief; it belongs to the intake's session", a.StepID)
			}
		}
	})
	for _, a := range []struct{ step, text string }{
		{"D5", "若い大工が足りない。"}, {"D7", "「このままじゃ引退できない」"}, {"D14", "5"},
		{"D21", "ない"}, {"D29", "不要"}, {"D34", "12月18日"},
	} {
		wantPrompt(t, r, a.step)
		r = h.say(t, "U1", a.text)
	}
	wantPrompt(t, r, flows.ReviewStep)
	for _, want := range []string{"会社の段階: 発展・停滞期", "いちばんの壁: 足りない", "次回フォロー日: 2026年12月18日(金)"} {
		if !strings.Contains(reviewText(r), want) {
			t.Errorf("review lacks %q:\n%s", want, reviewText(r))
		}
	}
	if strings.Count(reviewText(r), "企業: みなと工務店") != 1 {
		t.Errorf("the company is listed %d times in the review, want once", strings.Count(reviewText(r), "企業: みなと工務店"))
	}
	h.tap(t, "U1", r.SessionID, flows.ReviewStep, flows.ActionSave)
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		c, err := tx.CompanyByName(ctx, "みなと工務店")
		if err != nil {
			t.Fatal(err)
		}
		for tag, want := range map[string]string{"stage": "growth_stagnation", "wall.main": "tarinai", "followup.date": "2026-12-18"} {
			if a, err := tx.LatestTagged(ctx, c.ID, tag); err != nil || a.Value != want {
				t.Errorf("%s = %q, %v; want %q", tag, a.Value, err, want)
			}
		}
	})
	r = h.say(t, "U1", "振り返り みなと工務店")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	wantPrompt(t, r, "D5") // known now: no intake again
}

// In full mode a new company's debrief asks the intake's essentials first
// (業種, 所在地, 段階), stored with the intake, and at most 20 questions in all.
func TestNewCompanyFullDebriefAsksTheEssentials(t *testing.T) {
	h := newHarness(t)
	r := h.say(t, "U1", "振り返り みなと工務店")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "full")
	var asked []string
	for _, a := range []struct{ step, text string }{
		{"I2", "建設"}, {"I3", "神戸市"}, {"I9", "事業承継"}, {"D2", ""}, {"D5", "若い大工が足りない。"}, {"D6a", "スキップ"},
		{"D7", "「このままじゃ引退できない」"}, {"D9", "4"}, {"D14", "3、5"}, {"D15", "足りない"}, {"D19b", "2"},
		{"D21", "ある"}, {"D22", "工業高校に求人を出す"}, {"D23", ""}, {"D29", "必要"}, {"D30", "7"},
		{"D31", "承継の進め方を相談したい"}, {"D32", "1"}, {"D34", ""},
	} {
		wantPrompt(t, r, a.step)
		asked = append(asked, a.step)
		r = h.say(t, "U1", a.text)
	}
	wantPrompt(t, r, flows.ReviewStep)
	if len(asked) > 20 {
		t.Errorf("asked %d questions: %v", len(asked), asked)
	}
	h.tap(t, "U1", r.SessionID, flows.ReviewStep, flows.ActionSave)
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		c, err := tx.CompanyByName(ctx, "みなと工務店")
		if err != nil {
			t.Fatal(err)
		}
		for tag, want := range map[string]string{"stage": "succession", "company.industry": "construction", "company.municipality": "神戸市"} {
			if a, err := tx.LatestTagged(ctx, c.ID, tag); err != nil || a.Value != want {
				t.Errorf("%s = %q, %v; want %q", tag, a.Value, err, want)
			}
		}
	})
}

// reviewText lists the review lines of a reply as "label: value".
func reviewText(r bot.Reply) string {
	var b strings.Builder
	if r.Prompt != nil {
		for _, l := range r.Prompt.Review {
			b.WriteString(l.Label + ": " + l.Value + "\n")
		}
	}
	return b.String()
}

// A single wall chosen is the main wall: recorded without asking, stored
// like an answer, and said in the conversation.
func TestOneWallIsTheMainWall(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	knownCompany(t, h, "U1", "山田製作所")
	r := h.say(t, "U1", "振り返り 山田製作所")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	for _, a := range []struct{ step, text string }{{"D5", "事実"}, {"D7", "「言葉」"}, {"D14", "実行できない"}} {
		wantPrompt(t, r, a.step)
		r = h.say(t, "U1", a.text)
	}
	wantPrompt(t, r, "D21")
	if !strings.Contains(r.Text, "「いちばんの壁」は「実行できない」として記録しました") {
		t.Errorf("no word that the main wall was recorded: %q", r.Text)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		as, _ := tx.Answers(ctx, r.SessionID)
		var found bool
		for _, a := range as {
			found = found || (a.StepID == "D15" && a.Tag == "wall.main" && a.Value == "jikkou_dekinai")
		}
		if !found {
			t.Errorf("answer rows %+v lack D15 = jikkou_dekinai", as)
		}
	})
}
