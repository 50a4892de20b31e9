package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quickDebrief is a whole quick debrief of 山田製作所 typed at the terminal:
// the company is new, so the intake's stage question comes first (2,
// 発展・停滞期), then the debrief with one wall (いちばんの壁 recorded without
// asking) and the follow-up date 12/18.
const quickDebrief = "2\n山田製作所\n2\n" +
	"売上が前年比1割減。\n「手が回らない」\n3\n1\n朝礼で月2回、目標を話す\n12/4\n3\n12/18\n保存\n"

// Item 9: history in the terminal, export creates its folder, no log lines
// in the conversation, --lang sticks to the person, resuming says where,
// number steps say their range, control characters never stored.
func TestTerminalHistoryShowsTheCompanysRecords(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	if _, errOut, code := bansouAt(t, tuesday, quickDebrief, "try", "--db", db); code != 0 {
		t.Fatalf("try: exit %d: %s", code, errOut)
	}
	out, errOut, code := bansou(t, "", "history", "--company", "山田製作所", "--db", db)
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"山田製作所の記録（新しい順）", "2026年11月24日(火)  訪問後の振り返り",
		"  次の一歩: 朝礼で月2回、目標を話す", "  いちばん大きな壁: 実行できない", "  聞いた事実: 売上が前年比1割減。"} {
		if !strings.Contains(out, want) {
			t.Errorf("history lacks %q:\n%s", want, out)
		}
	}
	_, errOut, code = bansou(t, "", "history", "--company", "佐藤商店", "--db", db)
	if code != 1 || !strings.Contains(errOut, "「佐藤商店」という企業の記録はありません") {
		t.Errorf("unknown company: exit %d, %q", code, errOut)
	}
}

func TestExportCreatesItsFolder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	if _, errOut, code := bansouAt(t, tuesday, quickDebrief, "try", "--db", db); code != 0 {
		t.Fatalf("try: exit %d: %s", code, errOut)
	}
	dir := filepath.Join(t.TempDir(), "new", "folder")
	_, errOut, code := bansou(t, "", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", dir, "--db", db)
	if code != 0 {
		t.Fatalf("export into a missing folder: exit %d: %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "bansou-*.csv"))
	if len(files) != 2 {
		t.Errorf("export wrote %v, want two CSV files", files)
	}
}

func TestTryKeepsLogsOutAndLangSticksToThePerson(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	if _, errOut, code := bansouAt(t, tuesday, quickDebrief, "try", "--db", db); code != 0 {
		t.Fatalf("try: exit %d: %s", code, errOut)
	}
	// The owner types free text the check-in cannot take: no log lines at all.
	out, errOut, code := bansouAt(t, tuesday, "はい\n資金繰りが厳しくて\n", "try", "--as", "owner", "--db", db)
	if code != 0 || strings.Contains(out, "level=") || errOut != "" {
		t.Errorf("owner try: exit %d, log lines in the conversation or on stderr:\n%s\n%s", code, out, errOut)
	}
	// --lang en on a database first used in Japanese: the advisor is answered in English, and stays so.
	out, _, _ = bansouAt(t, tuesday, "", "try", "--lang", "en", "--db", db)
	if !strings.Contains(out, "Which would you like?") {
		t.Errorf("--lang en was ignored:\n%s", out)
	}
	out, _, _ = bansouAt(t, tuesday, "", "try", "--db", db)
	if !strings.Contains(out, "Which would you like?") {
		t.Errorf("the person's language did not stick:\n%s", out)
	}
}

func TestTryResumesSayingWhereAndStripsControlCharacters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	// 山田製作所 is new: the intake's stage question, then the debrief's facts
	// and the owner's words; Ctrl-D at the walls.
	bansouAt(t, tuesday, "2\n山田製作所\n2\n"+
		"売上が\x00前年比\x1b[31m1割減。\n行を変えて\n", "try", "--db", db)
	out, errOut, code := bansouAt(t, tuesday, "", "try", "--db", db)
	if code != 0 || !strings.Contains(out, "続きから再開します（山田製作所、質問5/8）。") {
		t.Errorf("Ctrl-D then try again: exit %d %s\n%s", code, errOut, out)
	}
	out, _, _ = bansou(t, "", "history", "--company", "山田製作所", "--db", db)
	if strings.ContainsAny(out, "\x00\x1b") {
		t.Errorf("control characters stored: %q", out)
	}
	raw, err := os.ReadFile(db)
	if err == nil && strings.Contains(string(raw), "売上が\x00前年比") {
		t.Error("NUL stored in the database")
	}
}
