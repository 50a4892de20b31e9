package flows

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// A flow file that is wrong must say where and why, as file:line: reason.
func TestParseRejectsBrokenFlows(t *testing.T) {
	const head = "id: t\nversion: 1\naudience: advisor\ntitle: {ja: テスト}\n"
	tests := []struct {
		name, body, want string
	}{
		{"unknown next target", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    next:\n      - goto: nowhere\n",
			`t.yaml:10: step a: next goes to unknown step "nowhere"`},
		{"duplicate step id", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n  - id: a\n    kind: text\n    ask: {ja: い}\n",
			`t.yaml:9: step id "a" is used twice`},
		{"missing ja", "steps:\n  - id: a\n    kind: text\n    ask: {en: A}\n",
			"t.yaml:6: step a: ask needs ja text"},
		{"options on text", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    options:\n      - {id: x, label: {ja: X}}\n",
			"t.yaml:6: step a: options are only allowed on single or multi steps, not text"},
		{"unknown kind", "steps:\n  - id: a\n    kind: essay\n    ask: {ja: あ}\n",
			`t.yaml:6: step a: unknown kind "essay"`},
		{"condition on a later step", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    when: {step: b, answered: true}\n  - id: b\n    kind: yesno\n    ask: {ja: い}\n",
			`t.yaml:9: step a: condition refers to step "b", which is not asked before it`},
		{"jump backwards", "steps:\n  - id: a\n    kind: yesno\n    ask: {ja: あ}\n  - id: b\n    kind: text\n    ask: {ja: い}\n    next:\n      - goto: a\n",
			`t.yaml:13: step b: next goes back to "a"; jumps only go forward`},
		{"impossible answer in condition", "steps:\n  - id: a\n    kind: yesno\n    ask: {ja: あ}\n  - id: b\n    kind: text\n    ask: {ja: い}\n    when: {step: a, in: [maybe]}\n",
			`t.yaml:12: step b: "maybe" is not a possible answer of step a`},
		{"unknown field", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    asks: {ja: x}\n",
			"t.yaml:9: field asks not found"},
		{"unknown placeholder", "steps:\n  - id: a\n    kind: text\n    ask: {ja: '{{owner}}さん'}\n",
			"t.yaml:6: unknown placeholder {{owner}}"},
		{"undefined mode", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    modes: [quick]\n",
			`t.yaml:6: step a: mode "quick" is not defined in modes`},
		{"one option only", "steps:\n  - id: a\n    kind: single\n    ask: {ja: あ}\n    options:\n      - {id: x, label: {ja: X}}\n",
			"t.yaml:6: step a: a single step needs at least 2 options"},
		{"options_from a text step", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n  - id: b\n    kind: single\n    options_from: a\n    ask: {ja: い}\n",
			`t.yaml:9: step b: options_from needs a multi step, a is text`},
		{"options_from a later step", "steps:\n  - id: b\n    kind: single\n    options_from: a\n    ask: {ja: い}\n  - id: a\n    kind: multi\n    ask: {ja: あ}\n    options:\n      - {id: x, label: {ja: X}}\n      - {id: y, label: {ja: Y}}\n",
			`t.yaml:6: step b: options_from refers to step "a", which is not asked before it`},
		{"option not in the source", "steps:\n  - id: a\n    kind: multi\n    ask: {ja: あ}\n    options:\n      - {id: x, label: {ja: X}}\n      - {id: y, label: {ja: Y}}\n  - id: b\n    kind: single\n    options_from: a\n    ask: {ja: い}\n    options:\n      - {id: z, label: {ja: Z}}\n",
			`t.yaml:17: step b: option "z" is not an option of a (options_from)`},
		{"condition with two forms", "steps:\n  - id: a\n    kind: yesno\n    ask: {ja: あ}\n  - id: b\n    kind: text\n    ask: {ja: い}\n    when: {step: a, in: [\"yes\"], context: mode}\n",
			"t.yaml:12: step b: a condition needs exactly one of step, context, all, any, not"},
		{"unknown context", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    when:\n      any:\n        - {context: company.size, in: [big]}\n",
			`t.yaml:11: step a: unknown context "company.size"`},
		{"bad is_new value", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n    when: {not: {context: company.is_new, in: [\"yes\"]}}\n",
			`t.yaml:9: step a: company.is_new is true or false, not "yes"`},
		{"default not an option", "steps:\n  - id: a\n    kind: single\n    default: z\n    ask: {ja: あ}\n    options:\n      - {id: x, label: {ja: X}}\n      - {id: y, label: {ja: Y}}\n",
			`t.yaml:6: step a: default "z" is not a possible answer of a single step`},
		{"default not a date", "steps:\n  - id: a\n    kind: date\n    default: someday\n    ask: {ja: あ}\n",
			`t.yaml:6: step a: default "someday" is not a possible answer of a date step`},
		{"then step that asks", "steps:\n  - id: a\n    then: intake\n    kind: text\n    ask: {ja: あ}\n",
			"t.yaml:6: step a: a then step asks nothing itself"},
		{"budget for an unknown mode", "budget: {quick: 5}\nsteps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n",
			`t.yaml:5: budget: mode "quick" is not defined in modes`},
		{"only handoff modes", "modes:\n  - {id: brief, title: {ja: 要点}, handoff: true}\nsteps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n",
			"t.yaml:6: every mode is a handoff mode; at least one must be offered to people"},
		{"count on a text step", "steps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n  - id: b\n    kind: text\n    ask: {ja: い}\n    when: {step: a, at_least: 2}\n",
			"t.yaml:12: step b: at_most/at_least need a scale, number or multi step, a is text"},
		{"broken yaml", "steps:\n  - id: a\n   kind: text\n",
			"t.yaml:5: did not find expected '-' indicator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(head+tt.body))
			if err == nil {
				t.Fatalf("Parse accepted a broken flow; want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestBuiltinFlowsAreValid(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"debrief", "intake", "checkin", "verify"} {
		if _, ok := set.Get(id); !ok {
			t.Errorf("built-in flow %q is missing", id)
		}
	}
}

// Owner-facing text must not use the advisors' jargon.
func TestOwnerFlowsHaveNoJargon(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jargon := []string{"壁", "裏課題", "腹落ち", "自走化", "伴走", "フェーズ"}
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		if f.Audience != AudienceOwner {
			continue
		}
		texts := []string{f.Title.JA, f.Intro.JA, f.Outro.JA}
		for _, s := range f.Steps {
			texts = append(texts, s.Ask.JA, s.Reflect.JA)
			for _, o := range s.Options {
				texts = append(texts, o.Label.JA)
				if n := len([]rune(o.Label.JA)); n > 10 {
					t.Errorf("%s step %s: quick-reply label %q is %d characters; keep it to 10", id, s.ID, o.Label.JA, n)
				}
			}
			if len(s.Options) > 13 {
				t.Errorf("%s step %s: %d options; LINE shows at most 13", id, s.ID, len(s.Options))
			}
		}
		for _, text := range texts {
			for _, j := range jargon {
				if strings.Contains(text, j) {
					t.Errorf("%s: owner text %q uses jargon %q", id, text, j)
				}
			}
		}
	}
}

// The built-in debrief fits ten minutes: no path through it asks more than
// 20 questions in full mode or 12 in quick mode, and going deeper happens
// only on some paths (the shortest full path is much shorter).
func TestDebriefFitsTenMinutes(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := set.Get("debrief")
	for mode, limit := range map[string]int{"full": 20, "quick": 12} {
		n, path := f.LongestPath(mode)
		if n > limit || n < limit-4 {
			t.Errorf("%s debrief asks up to %d questions (%v); want at most %d and close to it", mode, n, path, limit)
		}
	}
}

// A hand-off to a flow that is not loaded fails the set's check.
func TestHandoffToUnknownFlow(t *testing.T) {
	const flow = "id: t\nversion: 1\naudience: advisor\ntitle: {ja: テスト}\nsteps:\n  - {id: a, kind: text, ask: {ja: あ}}\n  - id: b\n    then: nowhere\n"
	set, err := LoadFS(fstest.MapFS{"t.yaml": {Data: []byte(flow)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Check(); err == nil || err.Error() != `t.yaml:7: step b: then names unknown flow "nowhere"` {
		t.Errorf("check = %v", err)
	}
}

// A flow whose budget a path exceeds fails the set's check, naming the
// file, the budget's line and the path.
func TestBudgetIsEnforced(t *testing.T) {
	const flow = "id: t\nversion: 1\naudience: advisor\ntitle: {ja: テスト}\nbudget: {full: 2}\nmodes:\n  - {id: full, title: {ja: 通常}}\nsteps:\n" +
		"  - {id: a, kind: yesno, ask: {ja: あ}}\n" +
		"  - {id: b, kind: text, ask: {ja: い}, when: {step: a, in: [\"yes\"]}}\n" +
		"  - {id: c, kind: text, ask: {ja: う}, when: {not: {step: a, in: [\"yes\"]}}}\n" +
		"  - {id: d, kind: text, ask: {ja: え}, when: {all: [{step: a, in: [\"yes\"]}, {step: b, answered: true}]}}\n"
	set, err := LoadFS(fstest.MapFS{"t.yaml": {Data: []byte(flow)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	err = set.Check()
	want := "t.yaml:5: budget: full mode can ask 3 questions (limit 2): a → b → d"
	if err == nil || err.Error() != want {
		t.Errorf("check = %v\nwant %s", err, want)
	}
}

// A hand-off counts against the parent's budget: the questions the flow
// handed off to asks in its then_mode are on the path, and a question it
// answers for the parent (by tag) is not counted twice. A handoff mode is
// not offered to a person starting that flow on its own.
func TestBudgetCountsHandoff(t *testing.T) {
	parent := func(budget int, mode string) string {
		return "id: p\nversion: 1\naudience: advisor\ntitle: {ja: 親}\nbudget: {full: " + strconv.Itoa(budget) + "}\nmodes:\n  - {id: full, title: {ja: 通常}}\nsteps:\n" +
			"  - {id: a, kind: text, ask: {ja: あ}}\n" +
			"  - {id: h, then: s, then_mode: " + mode + "}\n" +
			"  - {id: b, kind: date, tag: followup.date, ask: {ja: い}}\n"
	}
	const sub = "id: s\nversion: 1\naudience: advisor\ntitle: {ja: 子}\nmodes:\n  - {id: all, title: {ja: 全部}}\n  - {id: brief, title: {ja: 要点}, handoff: true}\nsteps:\n" +
		"  - {id: x, kind: yesno, ask: {ja: う}}\n" +
		"  - {id: y, kind: text, ask: {ja: え}, when: {step: x, in: [\"yes\"]}}\n" +
		"  - {id: z, kind: date, tag: followup.date, ask: {ja: お}, modes: [all]}\n"
	tests := []struct {
		name, parent, want string
	}{
		{"over budget through the hand-off", parent(3, "brief"),
			"p.yaml:5: budget: full mode can ask 4 questions (limit 3): a → s:x → s:y → b"},
		{"the date answered there is not asked again", parent(4, "all"), ""},
		{"and still counts there", parent(3, "all"),
			"p.yaml:5: budget: full mode can ask 4 questions (limit 3): a → s:x → s:y → s:z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := LoadFS(fstest.MapFS{"p.yaml": {Data: []byte(tt.parent)}, "s.yaml": {Data: []byte(sub)}}, ".")
			if err != nil {
				t.Fatal(err)
			}
			err = set.Check()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
				t.Errorf("check = %v\nwant %q", err, tt.want)
			}
		})
	}
	set, err := LoadFS(fstest.MapFS{"p.yaml": {Data: []byte(parent(4, "brief"))}, "s.yaml": {Data: []byte(sub)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := set.Get("s")
	_, res := Start(s, "brief", testEnv())
	if p := res.Prompt; p == nil || p.StepID != ModeStep || len(p.Options) != 1 || p.Options[0].ID != "all" {
		t.Errorf("starting s on its own in its handoff mode: prompt = %+v; want the mode choice offering only all", p)
	}
}

// FuzzParseFlow: any bytes either load as a valid flow or give an error
// naming the file and a line; never a panic.
func FuzzParseFlow(f *testing.F) {
	data, err := builtinFS.ReadFile("builtin/checkin.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("id: t\nversion: 1\naudience: advisor\ntitle: {ja: t}\nsteps:\n  - id: a\n    kind: text\n    ask: {ja: あ}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, err := Parse("f.yaml", data)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yaml:") {
					t.Fatalf("error line %q does not start with file:line", line)
				}
			}
			return
		}
		if fl.ID == "" || len(fl.Steps) == 0 {
			t.Fatalf("accepted a flow without id or steps")
		}
	})
}

// The intake started on its own (新規企業) offers its two modes as before;
// essentials and stage are only for the debrief's hand-off.
func TestIntakeOnItsOwnOffersFullAndBasic(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := set.Get("intake")
	for _, mode := range []string{"", "essentials", "stage"} {
		_, res := Start(f, mode, testEnv())
		var ids []string
		if res.Prompt != nil {
			for _, o := range res.Prompt.Options {
				ids = append(ids, o.ID)
			}
		}
		if res.Prompt == nil || res.Prompt.StepID != ModeStep || strings.Join(ids, ",") != "full,basic" {
			t.Errorf("intake started with mode %q: prompt %+v; want the choice of full and basic", mode, res.Prompt)
		}
	}
}
