package flows

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

const miniFlow = `id: mini
version: 1
audience: advisor
title: {ja: ミニ}
steps:
  - id: visited
    kind: date
    dates: past
    ask: {ja: 訪問日は？}
  - id: has_step
    kind: yesno
    ask: {ja: 次の一歩はありますか？}
  - id: step_text
    kind: text
    max_len: 10
    ask: {ja: その一歩は？}
    when: {step: has_step, in: ["yes"]}
  - id: note
    kind: text
    optional: true
    ask: {ja: メモ}
`

func mini(t *testing.T) *Flow {
	t.Helper()
	f, err := Parse("mini.yaml", []byte(miniFlow))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// conversation feeds inputs one by one and returns the last result.
func conversation(t *testing.T, f *Flow, inputs ...string) (State, Result) {
	t.Helper()
	st, res := Start(f, "", testEnv())
	for _, in := range inputs {
		st, res = Advance(f, st, Input{Text: in}, testEnv())
	}
	return st, res
}

func TestPastDateWithoutYearMeansLastOccurrence(t *testing.T) {
	st, _ := conversation(t, mini(t), "11/18")
	if got := st.Answers["visited"].Value; got != "2026-11-18" {
		t.Errorf("visited = %q, want 2026-11-18", got)
	}
	_, res := conversation(t, mini(t), "2026-12-24")
	if !strings.Contains(res.Notice, "未来の日付") || res.Prompt.StepID != "visited" {
		t.Errorf("future visit date: notice %q, prompt %s; want a re-prompt", res.Notice, res.Prompt.StepID)
	}
}

func TestBranchSkipsStepWhenConditionIsFalse(t *testing.T) {
	_, res := conversation(t, mini(t), "11/18", "いいえ")
	if res.Prompt.StepID != "note" {
		t.Errorf("after いいえ the prompt is %s, want note", res.Prompt.StepID)
	}
}

func TestRequiredStepCannotBeSkipped(t *testing.T) {
	_, res := conversation(t, mini(t), "スキップ")
	if res.Prompt.StepID != "visited" || !strings.Contains(res.Notice, "省略できません") {
		t.Errorf("skip of a required step: prompt %s notice %q", res.Prompt.StepID, res.Notice)
	}
	st, res := conversation(t, mini(t), "11/18", "いいえ", "スキップ")
	if res.Prompt.StepID != ReviewStep || !st.Answers["note"].Skipped {
		t.Errorf("skip of an optional step: prompt %s, answer %+v", res.Prompt.StepID, st.Answers["note"])
	}
}

func TestTooLongTextIsRefusedAndSaysTheLimit(t *testing.T) {
	_, res := conversation(t, mini(t), "11/18", "はい", "とても長い一歩の説明になってしまった")
	if res.Prompt.StepID != "step_text" || !strings.Contains(res.Notice, "10文字以内") {
		t.Errorf("prompt %s notice %q", res.Prompt.StepID, res.Notice)
	}
}

func TestEditThatChangesBranchDropsTheOldAnswerFromReview(t *testing.T) {
	f := mini(t)
	st, res := conversation(t, f, "11/18", "はい", "朝礼で話す", "なし", "修正 2", "いいえ")
	if res.Prompt.StepID != ReviewStep {
		t.Fatalf("after the edit the prompt is %s, want the review", res.Prompt.StepID)
	}
	for _, l := range res.Prompt.Review {
		if l.StepID == "step_text" {
			t.Errorf("review still shows step_text after has_step became いいえ")
		}
	}
	if _, ok := f.Tagged(st, ""); ok {
		t.Errorf("Tagged with an empty tag found an answer")
	}
}

func TestStaleButtonGetsCurrentPromptAndChangesNothing(t *testing.T) {
	f := mini(t)
	st, _ := conversation(t, f, "11/18")
	next, res := Advance(f, st, Input{StepID: "visited", Value: "2026-11-17"}, testEnv())
	if !res.Stale || res.Prompt.StepID != "has_step" {
		t.Fatalf("stale tap: stale=%v prompt=%v", res.Stale, res.Prompt)
	}
	if next.Answers["visited"].Value != "2026-11-18" {
		t.Errorf("a stale tap changed the answer to %q", next.Answers["visited"].Value)
	}
}

func TestAdvanceDoesNotMutateItsInput(t *testing.T) {
	f := mini(t)
	st, _ := conversation(t, f, "11/18")
	before := len(st.Answers)
	Advance(f, st, Input{Text: "はい"}, testEnv())
	if len(st.Answers) != before || st.Cursor != "has_step" {
		t.Errorf("Advance mutated the state it was given")
	}
}

func TestCancelAnywhere(t *testing.T) {
	st, res := conversation(t, mini(t), "11/18", "やめる")
	if res.Cancelled || st.Phase != PhaseConfirmCancel || res.Prompt == nil || res.Prompt.StepID != CancelStep {
		t.Fatalf("やめる with answers did not ask first: %+v phase %s", res, st.Phase)
	}
	st, res = conversation(t, mini(t), "11/18", "やめる", "はい")
	if !res.Cancelled || st.Phase != PhaseCancelled || res.Prompt != nil {
		t.Errorf("cancel: %+v phase %s", res, st.Phase)
	}
	st, res = conversation(t, mini(t), "やめる")
	if !res.Cancelled || st.Phase != PhaseCancelled {
		t.Errorf("やめる with no answers should stop at once: %+v phase %s", res, st.Phase)
	}
}

// The review numbers its items and names its actions: a number edits
// that item, never saves or discards.
func TestReviewNumberEditsThatItem(t *testing.T) {
	f := mini(t)
	st, res := conversation(t, f, "11/18", "いいえ", "スキップ")
	if res.Prompt == nil || res.Prompt.StepID != ReviewStep {
		t.Fatalf("not at the review: %+v", res.Prompt)
	}
	for _, n := range []string{"1", "２"} {
		next, res := Advance(f, st, Input{Text: n}, testEnv())
		if res.Cancelled || res.Done || next.Phase != PhaseAsk || next.Cursor != f.Answered(st)[Fold(n)[0]-'1'].Step.ID {
			t.Errorf("review input %q: phase %s cursor %s cancelled=%v done=%v", n, next.Phase, next.Cursor, res.Cancelled, res.Done)
		}
	}
	next, res := Advance(f, st, Input{Text: "9"}, testEnv())
	if res.Cancelled || next.Phase != PhaseReview || res.Notice == "" {
		t.Errorf("an item number past the end: phase %s, notice %q", next.Phase, res.Notice)
	}
	next, res = Advance(f, st, Input{Text: "やめる"}, testEnv())
	if res.Cancelled || next.Phase != PhaseConfirmCancel {
		t.Fatalf("やめる at the review: phase %s", next.Phase)
	}
	back, res := Advance(f, next, Input{Text: "いいえ"}, testEnv())
	if back.Phase != PhaseReview || res.Prompt.StepID != ReviewStep {
		t.Errorf("いいえ did not return to the review: phase %s", back.Phase)
	}
	gone, _ := Advance(f, next, Input{Text: "はい"}, testEnv())
	if again := Reopen(gone); again.Phase != PhaseReview || len(again.Answers) != len(st.Answers) {
		t.Errorf("Reopen: phase %s, %d answers", again.Phase, len(again.Answers))
	}
}

func TestCommandsAreWholeMessagesOnly(t *testing.T) {
	st, _ := conversation(t, mini(t), "11/18", "はい", "戻る予定です")
	if got := st.Answers["step_text"].Value; got != "戻る予定です" {
		t.Errorf("step_text = %q; a sentence starting with 戻る must stay an answer", got)
	}
}

func TestModeChosenByLabelOrNumber(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := set.Get("debrief")
	for _, in := range []string{"2", "２", "簡易（約3分）", "quick"} {
		st, _ := Start(f, "", testEnv())
		st, _ = Advance(f, st, Input{Text: in}, testEnv())
		if st.Mode != "quick" {
			t.Errorf("mode input %q chose %q, want quick", in, st.Mode)
		}
	}
}

// Prefilling the company (「訪問 山田製作所」) moves on as answering the
// company question would, without asking it, and leaves the rest of the
// state as it was.
func TestPrefillSkipsTheCompanyQuestion(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := set.Get("debrief")
	if !ok {
		t.Fatal("no built-in debrief")
	}
	env := testEnv()
	st, res := Start(f, "quick", env)
	if st.Cursor != "D1" || res.Prompt == nil {
		t.Fatalf("the debrief does not open on the company question D1: cursor %q", st.Cursor)
	}
	answered, _ := Advance(f, st, Input{Text: "山田製作所"}, env)

	pre := f.Prefill(st, "D1", Answer{Value: "山田製作所"})
	if pre.Phase != PhaseAsk || pre.Cursor == "D1" {
		t.Fatalf("after prefill: phase %s, cursor %q; want the next question, not D1", pre.Phase, pre.Cursor)
	}
	if pre.Cursor != answered.Cursor {
		t.Errorf("after prefill the cursor is %q; answering D1 goes on to %q", pre.Cursor, answered.Cursor)
	}
	if got := pre.Answers["D1"]; got.Value != "山田製作所" {
		t.Errorf("D1 after prefill = %+v, want 山田製作所", got)
	}
	if slices.Contains(pre.Trail, "D1") {
		t.Errorf("trail %v: D1 was never asked, 戻る must not go back to it", pre.Trail)
	}
	if pre.FlowID != st.FlowID || pre.FlowVersion != st.FlowVersion || pre.Mode != st.Mode ||
		!maps.Equal(pre.Context, st.Context) || len(pre.Subs) != len(st.Subs) {
		t.Errorf("prefill changed the conversation: %+v, was %+v", pre, st)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(pre.Answers)), slices.Sorted(maps.Keys(answered.Answers))) {
		t.Errorf("answers after prefill %v; answering D1 leaves %v", slices.Sorted(maps.Keys(pre.Answers)),
			slices.Sorted(maps.Keys(answered.Answers)))
	}
	if _, ok := st.Answers["D1"]; ok || st.Cursor != "D1" {
		t.Errorf("prefill changed the state it was given: cursor %q, answers %v", st.Cursor, st.Answers)
	}
}

// A new company's debrief starts in the intake it hands off to: an answer
// given there counts, so やめる asks first and the stop can be resumed.
func TestCancelInsideHandoffAsksFirst(t *testing.T) {
	set, _ := Builtin()
	f, _ := set.Get("debrief")
	env := testEnv()
	env.Context = map[string]string{CtxCompanyIsNew: "true"}
	st, _ := Start(f, "full", env)
	st = f.Prefill(st, "D1", Answer{Value: "佐藤商店"}) // as bansou try --company does
	if st.Subs["D1n"] == nil {
		t.Fatalf("a new company's debrief did not hand off to the intake: cursor %s", st.Cursor)
	}
	if st.Begun() {
		t.Fatalf("nothing answered yet, but Begun")
	}
	st, _ = Advance(f, st, Input{Text: "1"}, env) // 業種
	if !st.Begun() || len(st.Trail) != 0 {
		t.Fatalf("an intake answer: Begun=%v, trail %v", st.Begun(), st.Trail)
	}
	next, res := Advance(f, st, Input{Text: "やめる"}, env)
	if res.Cancelled || next.Phase != PhaseConfirmCancel {
		t.Fatalf("やめる after an intake answer stopped without asking: phase %s", next.Phase)
	}
	gone, res := Advance(f, next, Input{Text: "はい"}, env)
	if !res.Cancelled {
		t.Fatalf("はい did not stop: phase %s", gone.Phase)
	}
	if again := Reopen(gone); again.Phase != PhaseAsk || current(again) != current(st) {
		t.Errorf("Reopen: phase %s at %s, want %s", again.Phase, current(again), current(st))
	}
}
