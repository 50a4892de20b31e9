package flows

import "testing"

// Conditions combine: all, any and not over answers, counts of a multi
// step, whether a step was answered, and the context (company, mode).
func TestConditionsCombine(t *testing.T) {
	const flow = `id: t
version: 1
audience: advisor
title: {ja: テスト}
modes:
  - {id: full, title: {ja: 通常}}
  - {id: quick, title: {ja: 簡易}}
steps:
  - id: walls
    kind: multi
    ask: {ja: 壁は？}
    options:
      - {id: a, label: {ja: A}}
      - {id: b, label: {ja: B}}
      - {id: c, label: {ja: C}}
  - id: note
    kind: text
    optional: true
    ask: {ja: メモ}
  - id: two_walls
    kind: text
    ask: {ja: 二つ以上}
    when: {step: walls, at_least: 2}
  - id: a_not_b
    kind: text
    ask: {ja: AだがBでない}
    when: {all: [{step: walls, in: [a]}, {not: {step: walls, in: [b]}}]}
  - id: noted_or_new
    kind: text
    ask: {ja: メモありか新規}
    when: {any: [{step: note, answered: true}, {context: company.is_new, in: ["true"]}]}
  - id: full_succession
    kind: text
    ask: {ja: 通常で承継}
    when: {all: [{context: mode, in: [full]}, {context: company.stage, in: [succession]}]}
`
	f, err := Parse("t.yaml", []byte(flow))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		mode    string
		ctx     map[string]string
		answers map[string]Answer
		want    []string
	}{
		{"one wall, skipped note", "quick", nil, map[string]Answer{"walls": {Value: "a"}, "note": {Skipped: true}},
			[]string{"walls", "note", "a_not_b"}},
		{"two walls with b", "quick", nil, map[string]Answer{"walls": {Value: "a,b"}, "note": {Value: "x"}},
			[]string{"walls", "note", "two_walls", "noted_or_new"}},
		{"new company in full at succession", "full", map[string]string{CtxCompanyIsNew: "true", CtxCompanyStage: "succession"},
			map[string]Answer{"walls": {Value: "c"}, "note": {Skipped: true}},
			[]string{"walls", "note", "noted_or_new", "full_succession"}},
		{"quick at succession", "quick", map[string]string{CtxCompanyStage: "succession"},
			map[string]Answer{"walls": {Value: "b,c"}, "note": {Skipped: true}},
			[]string{"walls", "note", "two_walls"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := State{Mode: tc.mode, Context: tc.ctx, Answers: tc.answers}
			got := f.path(st)
			if len(got) != len(tc.want) {
				t.Fatalf("path %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("path %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// A default is accepted by an empty reply; without one, an empty reply is
// refused. The suggested value is in the prompt, resolved against today.
func TestDefaultAcceptsAnEmptyReply(t *testing.T) {
	const flow = "id: t\nversion: 1\naudience: advisor\ntitle: {ja: テスト}\nsteps:\n" +
		"  - {id: due, kind: date, default: \"+14d\", ask: {ja: いつ？}}\n" +
		"  - {id: ok, kind: yesno, default: \"no\", ask: {ja: よい？}}\n" +
		"  - {id: words, kind: text, ask: {ja: ひと言}}\n"
	f, err := Parse("t.yaml", []byte(flow))
	if err != nil {
		t.Fatal(err)
	}
	env := testEnv()
	st, res := Start(f, "", env)
	if res.Prompt.Default != "2026-12-04" || res.Prompt.DefaultLabel != "2026年12月4日(金)" {
		t.Errorf("suggested %q (%q), want 2026-12-04", res.Prompt.Default, res.Prompt.DefaultLabel)
	}
	st, _ = Advance(f, st, Input{Text: ""}, env)
	st, res = Advance(f, st, Input{StepID: "due", Value: "2026-12-10"}, env) // a late tap on the answered date
	if !res.Stale || res.Prompt.StepID != "ok" || res.Prompt.Default != "no" {
		t.Errorf("a tap for an answered step was not stale")
	}
	st, _ = Advance(f, st, Input{StepID: "ok", Value: "no"}, env)
	st, res = Advance(f, st, Input{Text: "  "}, env)
	if res.Accepted != nil || res.Notice != msg("ja", "empty") {
		t.Errorf("an empty reply without a default was taken: %+v", res)
	}
	if st.Answers["due"].Value != "2026-12-04" || st.Answers["ok"].Value != "no" {
		t.Errorf("answers %+v", st.Answers)
	}
}
