package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// A debrief about a company bansou does not know runs the basic intake
// first and comes back to the debrief; the intake is stored as the
// company's own intake session, so the next debrief goes straight on.
func TestNewCompanyRunsTheIntakeFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.say(t, "U1", "振り返り みなと工務店")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	wantPrompt(t, r, "I2")
	if !strings.Contains(r.Text, "新しい企業の基本情報") {
		t.Errorf("the intake opens without its introduction: %q", r.Text)
	}
	debrief := r.SessionID
	for _, a := range intakeAnswers {
		wantPrompt(t, r, a.step)
		if r.SessionID != debrief {
			t.Fatalf("intake question %s in session %d, want the debrief's %d", a.step, r.SessionID, debrief)
		}
		r = h.say(t, "U1", a.text)
	}
	wantPrompt(t, r, "D5")
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
		{"D21", "ない"}, {"D29", "不要"},
	} {
		wantPrompt(t, r, a.step)
		r = h.say(t, "U1", a.text)
	}
	wantPrompt(t, r, flows.ReviewStep) // D34 was answered in the intake (I36)
	for _, want := range []string{"業種: 製造", "会社の段階: 発展・停滞期", "いちばんの壁: 足りない", "次回フォロー日: 2026年12月18日(金)"} {
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
		for tag, want := range map[string]string{"stage": "growth_stagnation", "company.industry": "manufacturing",
			"wall.main": "tarinai", "followup.date": "2026-12-18"} {
			if a, err := tx.LatestTagged(ctx, c.ID, tag); err != nil || a.Value != want {
				t.Errorf("%s = %q, %v; want %q", tag, a.Value, err, want)
			}
		}
	})
	r = h.say(t, "U1", "振り返り みなと工務店")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	wantPrompt(t, r, "D5") // known now: no intake again
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
