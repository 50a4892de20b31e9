package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bansou runs the command line in-process and returns stdout, stderr and
// the exit code.
func bansou(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return bansouAt(t, "", stdin, args...)
}

// bansouAt is bansou with the clock of try standing at now (RFC 3339; ""
// for the real clock).
func bansouAt(t *testing.T, now, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := func(k string) string {
		if k == "BANSOU_NOW" {
			return now
		}
		return ""
	}
	code := run(context.Background(), args, env, time.Now, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

// tuesday is the day of the terminal tests: Tuesday 2026-11-24 10:00 JST.
const tuesday = "2026-11-24T10:00:00+09:00"

// The README promise: a quick debrief typed in Japanese — 全角 date, an
// option by number, 戻る, an edit from the review — is saved, and the next
// try for the same company opens with that commitment.
func TestTryQuickDebriefThenMemory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	script, err := os.ReadFile("testdata/quick_debrief.txt")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := bansouAt(t, tuesday, string(script), "try", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	goldenTry(t, "testdata/quick_debrief.golden", out)
	for _, want := range []string{
		"いまの回答: 売上は前年比で1割減",                  // 戻る showed the earlier answer
		"4. 本人の言葉: 「わかってはいるんだけど、手が回らないんだよね」", // the edit from the review (after the company and its stage)
		"保存しました。",
		"・次の一歩: 「朝礼で月２回、目標を話す」（期限 ", // due date from the 全角 １２／４
		"月4日(", // …which is a 4th
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q\n%s", want, out)
		}
	}
	out, errOut, code = bansouAt(t, tuesday, "2\n1\nやめる\n", "try", "--db", db)
	if code != 0 {
		t.Fatalf("second try: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "山田製作所の前回の記録です。") || !strings.Contains(out, "「朝礼で月２回、目標を話す」") {
		t.Errorf("second try does not open with the company's last commitment:\n%s", out)
	}
}

func TestFlowsCheck(t *testing.T) {
	out, _, code := bansou(t, "", "flows", "check")
	if code != 0 || !strings.Contains(out, "ok  debrief") {
		t.Errorf("built-in flows: exit %d\n%s", code, out)
	}
	_, errOut, code := bansou(t, "", "flows", "check", "testdata/broken")
	if code == 0 {
		t.Fatal("flows check accepted a broken flow")
	}
	want := filepath.Join("testdata", "broken", "bad.yaml") + `:10: step a: next goes to unknown step "nowhere"`
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr %q lacks %q", errOut, want)
	}
}

// flows check computes the longest path of every mode with a budget: the
// built-in debrief fits (full ≤ 20, quick ≤ 12) and a flow that can ask
// more than its budget fails with file:line and the path.
func TestFlowsCheckEnforcesBudgets(t *testing.T) {
	out, _, code := bansou(t, "", "flows", "check")
	if code != 0 || !strings.Contains(out, "full 20/20") || !strings.Contains(out, "quick 12/12") {
		t.Errorf("built-in flows: exit %d\n%s", code, out)
	}
	_, errOut, code := bansou(t, "", "flows", "check", "testdata/overbudget")
	want := filepath.Join("testdata", "overbudget", "long.yaml") + ":6: budget: full mode can ask 3 questions (limit 2): a → b → c"
	if code == 0 || !strings.Contains(errOut, want) {
		t.Errorf("over-budget flow: exit %d, stderr %q; want %q", code, errOut, want)
	}
	// The questions of a flow handed off to count: long_intro asks one
	// question itself and three in intro, its hand-off.
	_, errOut, code = bansou(t, "", "flows", "check", "testdata/overbudget_handoff")
	want = filepath.Join("testdata", "overbudget_handoff", "parent.yaml") + ":6: budget: full mode can ask 4 questions (limit 3): a → intro:x → intro:y → intro:z"
	if code == 0 || !strings.Contains(errOut, want) {
		t.Errorf("over-budget hand-off: exit %d, stderr %q; want %q", code, errOut, want)
	}
}

func TestTryRefusesBrokenFlows(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	_, errOut, code := bansou(t, "", "try", "--db", db, "--flows", "testdata/broken")
	if code == 0 || !strings.Contains(errOut, "bad.yaml:10:") {
		t.Errorf("try started with a broken flow dir: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("try opened the database before validating the flows")
	}
}

func TestOwnerTryNeedsACompany(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	_, errOut, code := bansou(t, "", "try", "--as", "owner", "--db", db)
	if code == 0 || !strings.Contains(errOut, "--company") {
		t.Errorf("owner try on an empty db: exit %d, stderr %q", code, errOut)
	}
}

func TestUnknownCommandAndRole(t *testing.T) {
	if _, _, code := bansou(t, "", "fly"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if _, errOut, code := bansou(t, "", "try", "--as", "boss"); code != 1 || !strings.Contains(errOut, "--as") {
		t.Errorf("bad role: exit %d %q", code, errOut)
	}
}

var updateGolden = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// goldenTry compares what try printed with a golden transcript (rewritten
// with go test ./cmd/bansou -run TestTry -update; read the diff).
func goldenTry(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/bansou -run TestTry -update creates it)", err)
	}
	if got != string(want) {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := range max(len(wl), len(gl)) {
			w, g := "", ""
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("try differs from %s at line %d:\nwant %q\n got %q", path, i+1, w, g)
			}
		}
	}
}
