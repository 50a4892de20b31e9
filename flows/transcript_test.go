package flows

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// today is the fixed day of every transcript: Friday 2026-11-20.
var today = Date{Year: 2026, Month: 11, Day: 20}

func testEnv() Env {
	companies := []string{"山田製作所", "さくら食堂"}
	return Env{Today: today, Lang: "ja", Companies: companies, CompanyContext: func(name string) map[string]string {
		return map[string]string{CtxCompanyIsNew: strconv.FormatBool(!slices.Contains(companies, name))}
	}, Vars: map[string]string{
		"company": "山田製作所", "advisor": "佐藤", "institution": "みどり商工会",
		"commitment": "朝礼で月2回、目標を話す", "commitment_due": "2026年12月4日(金)",
		"last_wall": "実行できない", "hypothesis": "社長に仕事が集中している", "next_date": "12月4日(金)",
	}}
}

// transcript records a conversation as people would read it.
type transcript struct{ b strings.Builder }

func (tr *transcript) bot(res Result) {
	if res.Notice != "" {
		fmt.Fprintf(&tr.b, "bot: %s\n", strings.ReplaceAll(res.Notice, "\n", "\n     "))
	}
	if p := res.Prompt; p != nil {
		for _, l := range p.Review {
			fmt.Fprintf(&tr.b, "     %d. %s: %s\n", l.N, l.Label, l.Value)
		}
		fmt.Fprintf(&tr.b, "bot: [%s %s %d/%d] %s\n", p.StepID, p.Kind, p.Number, p.Total, p.Text)
		if p.Hint != "" {
			fmt.Fprintf(&tr.b, "     hint: %s\n", p.Hint)
		}
		if p.Default != "" {
			fmt.Fprintf(&tr.b, "     suggested: %s (%s)\n", p.DefaultLabel, p.Default)
		}
		for i, o := range p.Options {
			fmt.Fprintf(&tr.b, "     %d. %s\n", i+1, o.Label)
		}
		if p.Current != "" {
			fmt.Fprintf(&tr.b, "     current: %s\n", p.Current)
		}
	}
	if res.Done {
		tr.b.WriteString("bot: (saved)\n")
	}
	if res.Cancelled {
		tr.b.WriteString("bot: (cancelled)\n")
	}
}

func (tr *transcript) you(s string) { fmt.Fprintf(&tr.b, "you: %s\n", s) }

// autoAnswer gives a plausible typed answer for any prompt, so every step of
// every flow can be walked without writing a script per flow.
func autoAnswer(p *Prompt) string {
	switch p.Kind {
	case KindMulti:
		return "1、2"
	case KindScale:
		return "４"
	case KindYesNo:
		return "はい"
	case KindNumber:
		return "２０１０"
	case KindCompany:
		return "1"
	case KindDate:
		if p.Dates == "past" {
			return "11/18"
		}
		return "+14d"
	case KindText:
		return "（" + p.StepID + " の回答）"
	}
	return "1"
}

// walk answers every prompt with autoAnswer and saves at the review.
func walk(t *testing.T, f *Flow, mode string) string {
	t.Helper()
	var tr transcript
	env := testEnv()
	st, res := Start(f, mode, env)
	tr.bot(res)
	for turns := 0; res.Prompt != nil; turns++ {
		if turns > 200 {
			t.Fatal("conversation did not end after 200 turns")
		}
		in := autoAnswer(res.Prompt)
		if res.Prompt.StepID == ReviewStep {
			in = "保存"
		}
		tr.you(in)
		st, res = Advance(f, st, Input{Text: in}, env)
		tr.bot(res)
		if res.Accepted == nil && res.Prompt != nil && res.Prompt.StepID != ReviewStep && res.Prompt.StepID != ModeStep {
			t.Fatalf("step %s did not accept the answer %q: %s", res.Prompt.StepID, in, res.Notice)
		}
	}
	if st.Phase != PhaseDone {
		t.Fatalf("ended in phase %s, want done", st.Phase)
	}
	return tr.b.String()
}

// Every built-in flow, in every mode, walks from start to saved review.
func TestGoldenBuiltinFlows(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		modes := []string{""}
		if len(f.Modes) > 0 {
			modes = nil
			for _, m := range f.Modes {
				if !m.Handoff { // walked inside the flow that hands off to it
					modes = append(modes, m.ID)
				}
			}
		}
		for _, mode := range modes {
			name := strings.TrimSuffix(id+"_"+mode, "_")
			t.Run(name, func(t *testing.T) {
				golden(t, name+".golden", walk(t, f, mode))
			})
		}
	}
}

// Scripted conversations: testdata/NAME.script holds a flow id and mode on
// its first line ("flow: debrief quick", optionally followed by "lang=en"),
// then one input per line: typed text (an empty line is an empty reply), or
// "tap:VALUE" for a tap on a button of the current prompt ("tap:" alone taps
// the suggested answer).
func TestGoldenScripts(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	scripts, _ := filepath.Glob("testdata/*.script")
	if len(scripts) == 0 {
		t.Fatal("no scripts in testdata")
	}
	for _, path := range scripts {
		name := strings.TrimSuffix(filepath.Base(path), ".script")
		t.Run(name, func(t *testing.T) {
			golden(t, name+".golden", runScript(t, set, path))
		})
	}
}

func runScript(t *testing.T, set *Set, path string) string {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Scan()
	var id, mode, lang string
	fmt.Sscanf(strings.TrimPrefix(sc.Text(), "flow:"), "%s %s %s", &id, &mode, &lang)
	f, ok := set.Get(id)
	if !ok {
		t.Fatalf("%s: unknown flow %q", path, id)
	}
	var tr transcript
	env := testEnv()
	if lang == "lang=en" {
		env.Lang = "en"
	}
	st, res := Start(f, mode, env)
	tr.bot(res)
	for sc.Scan() {
		in := Input{Text: sc.Text()}
		if v, ok := strings.CutPrefix(sc.Text(), "tap:"); ok && res.Prompt != nil {
			if v == "" {
				v = res.Prompt.Default
			}
			in = Input{StepID: res.Prompt.StepID, Value: v}
			tr.you("[tap " + v + "]")
		} else {
			tr.you(sc.Text())
		}
		st, res = Advance(f, st, in, env)
		tr.bot(res)
	}
	fmt.Fprintf(&tr.b, "-- phase: %s\n", st.Phase)
	for _, sa := range f.Answered(st) {
		fmt.Fprintf(&tr.b, "-- %s = %q\n", sa.Step.ID, sa.Answer.Value)
	}
	for _, h := range f.Handoffs(st) {
		for _, sa := range h.Flow.Answered(h.State) {
			fmt.Fprintf(&tr.b, "-- %s/%s = %q\n", h.Flow.ID, sa.Step.ID, sa.Answer.Value)
		}
	}
	return tr.b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./flows -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("transcript differs from %s (go test ./flows -update rewrites it after review):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing line of two transcripts.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d\n want: %s\n  got: %s", i+1, wl, gl)
		}
	}
	return ""
}
