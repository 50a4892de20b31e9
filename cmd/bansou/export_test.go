package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

// Free text with everything CSV must quote: a comma, double quotes and a
// line break.
const trickyText = "売上は前年比「9割」, \"ほぼ横ばい\"\n来月に再確認します"

// exportFixture is what seedExport stored.
type exportFixture struct {
	in      []int64 // sessions created inside November 2026 (JST), oldest first
	answers int     // answer revisions of those sessions
}

// seedExport stores two companies and four sessions: two inside November
// 2026 in Tokyo (at 11/1 00:00 and 11/30 23:59) and two just outside
// (10/31 23:59 and 12/1 00:00).
func seedExport(t *testing.T, db string) exportFixture {
	t.Helper()
	ctx := context.Background()
	jst, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(m time.Month, d, h, mi int) time.Time { return time.Date(2026, m, d, h, mi, 0, 0, jst) }
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var fx exportFixture
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		adv, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤 花子", Locale: "ja"}, "slack", "U01ADVISOR")
		if err != nil {
			return err
		}
		owner, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: "鈴木 一郎", Locale: "ja"}, "line", "U0OWNER")
		if err != nil {
			return err
		}
		a, err := tx.CreateCompany(ctx, store.Company{Name: "山田製作所", CreatedAt: at(10, 1, 9, 0)})
		if err != nil {
			return err
		}
		b, err := tx.CreateCompany(ctx, store.Company{Name: "鈴木商店", CreatedAt: at(10, 1, 9, 0)})
		if err != nil {
			return err
		}
		session := func(flow string, company, respondent int64, created time.Time, answers ...store.Answer) (int64, error) {
			s, err := tx.CreateSession(ctx, store.Session{FlowID: flow, FlowVersion: 1, Mode: "full", CompanyID: company,
				RespondentID: respondent, Channel: "slack", Status: store.SessionCompleted, Step: "end",
				CreatedAt: created, UpdatedAt: created.Add(10 * time.Minute), CompletedAt: created.Add(10 * time.Minute)})
			if err != nil {
				return 0, err
			}
			for i, ans := range answers {
				ans.SessionID, ans.ByPersonID, ans.At = s.ID, respondent, created.Add(time.Duration(i+1)*time.Minute)
				if _, err := tx.AddAnswer(ctx, ans); err != nil {
					return 0, err
				}
			}
			return s.ID, nil
		}
		if _, err := session("debrief", a.ID, adv.ID, at(10, 31, 23, 59), store.Answer{StepID: "D5", Value: "十月の回答", Raw: "十月の回答"}); err != nil {
			return err
		}
		s1, err := session("debrief", a.ID, adv.ID, at(11, 1, 0, 0),
			store.Answer{StepID: "D1", Value: "山田製作所", Raw: "山田製作所", Tag: "company"},
			store.Answer{StepID: "D2", Value: "2026-10-30", Raw: "10/30"},
			store.Answer{StepID: "D2b", Value: "online", Raw: "3"},
			store.Answer{StepID: "D3", Value: "president,employee", Raw: "1,4"},
			store.Answer{StepID: "D5", Value: "最初のメモ", Raw: "最初のメモ", Tag: "facts"},
			store.Answer{StepID: "D5", Value: trickyText, Raw: trickyText, Tag: "facts"}, // an edit: revision 2
			store.Answer{StepID: "D6a", Value: "母の介護で週2日休んでいる", Raw: "母の介護で週2日休んでいる", Sensitive: true},
			store.Answer{StepID: "D7", Skipped: true, Tag: "owner.words"})
		if err != nil {
			return err
		}
		s2, err := session("checkin", b.ID, owner.ID, at(11, 30, 23, 59),
			store.Answer{StepID: "L0", Value: "yes", Raw: "はい", Tag: "checkin.consent"},
			store.Answer{StepID: "L1", Value: "done", Raw: "できた", Tag: "checkin.status"})
		if err != nil {
			return err
		}
		if _, err := session("debrief", a.ID, adv.ID, at(12, 1, 0, 0), store.Answer{StepID: "D5", Value: "十二月の回答", Raw: "十二月の回答"}); err != nil {
			return err
		}
		fx = exportFixture{in: []int64{s1, s2}, answers: 8 + 2}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// readExcelCSV checks the Excel shape of a file (BOM, CRLF after every
// record) and parses it.
func readExcelCSV(t *testing.T, path string) (string, [][]string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("%s does not start with the UTF-8 BOM", filepath.Base(path))
	}
	if !bytes.HasSuffix(data, []byte("\r\n")) || bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Errorf("%s has a line break that is not CRLF", filepath.Base(path))
	}
	records, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return string(data), records
}

func idText(n int64) string { return strconv.FormatInt(n, 10) }

// column returns the index of the column whose header ends with (name).
func column(t *testing.T, header []string, name string) int {
	t.Helper()
	for i, h := range header {
		if strings.HasSuffix(h, "("+name+")") {
			return i
		}
	}
	t.Fatalf("no column (%s) in %q", name, header)
	return -1
}

func TestExportNovember(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "bansou.db")
	fx := seedExport(t, db)
	out := t.TempDir()
	stdout, stderr, code := bansou(t, "", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", out, "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr without --include-sensitive: %q", stderr)
	}
	sessionsPath := filepath.Join(out, "bansou-sessions-2026-11-01_2026-11-30.csv")
	answersPath := filepath.Join(out, "bansou-answers-2026-11-01_2026-11-30.csv")
	for _, want := range []string{"セッション 2 件: " + sessionsPath, "回答 10 件: " + answersPath} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}

	_, sessions := readExcelCSV(t, sessionsPath)
	if len(sessions) != 1+len(fx.in) {
		t.Fatalf("sessions file has %d records, want header + %d:\n%q", len(sessions), len(fx.in), sessions)
	}
	h := sessions[0]
	if h[column(t, h, "company")] != "企業名 (company)" {
		t.Errorf("header not Japanese with English in parentheses: %q", h)
	}
	for i, want := range []struct{ id, company, created, respondent, role string }{
		{idText(fx.in[0]), "山田製作所", "2026-11-01 00:00", "佐藤 花子", "advisor"},
		{idText(fx.in[1]), "鈴木商店", "2026-11-30 23:59", "鈴木 一郎", "owner"},
	} {
		r := sessions[i+1]
		got := []string{r[column(t, h, "session_id")], r[column(t, h, "company")], r[column(t, h, "created_at")],
			r[column(t, h, "respondent")], r[column(t, h, "role")]}
		if strings.Join(got, "|") != strings.Join([]string{want.id, want.company, want.created, want.respondent, want.role}, "|") {
			t.Errorf("session row %d = %q, want %+v", i, got, want)
		}
	}
	if c := sessions[1][column(t, h, "completed_at")]; c != "2026-11-01 00:10" {
		t.Errorf("completed_at = %q, want local time 2026-11-01 00:10", c)
	}

	raw, answers := readExcelCSV(t, answersPath)
	if len(answers) != 1+fx.answers {
		t.Fatalf("answers file has %d records, want header + %d", len(answers), fx.answers)
	}
	for _, gone := range []string{"十月の回答", "十二月の回答", "母の介護", "online", "president"} {
		if strings.Contains(raw, gone) {
			t.Errorf("answers file contains %q", gone)
		}
	}
	h = answers[0]
	rows := map[string][][]string{} // by step id
	for _, r := range answers[1:] {
		rows[r[column(t, h, "step_id")]] = append(rows[r[column(t, h, "step_id")]], r)
	}
	val := func(step string, rev int, col string) string { return rows[step][rev][column(t, h, col)] }
	checks := []struct{ step, col, want string }{
		{"D2b", "value", "オンライン"},
		{"D2b", "raw", "3"},
		{"D2b", "step", "面談の形"},
		{"D3", "value", "社長、従業員"},
		{"D2", "value", "2026年10月30日(金)"},
		{"D6a", "value", "（要配慮のため省略）"},
		{"D6a", "raw", "（要配慮のため省略）"},
		{"D6a", "sensitive", "1"},
		{"D7", "skipped", "1"},
		{"L1", "value", "できた"},
		{"L1", "company", "鈴木商店"},
		{"L1", "by", "鈴木 一郎"},
	}
	for _, c := range checks {
		if len(rows[c.step]) == 0 {
			t.Errorf("no row for step %s", c.step)
			continue
		}
		if got := val(c.step, 0, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.step, c.col, got, c.want)
		}
	}
	if d5 := rows["D5"]; len(d5) != 2 {
		t.Fatalf("D5 has %d rows, want both revisions", len(d5))
	}
	for rev, want := range []struct{ revision, latest, value string }{{"1", "0", "最初のメモ"}, {"2", "1", trickyText}} {
		got := []string{val("D5", rev, "revision"), val("D5", rev, "latest"), val("D5", rev, "value"), val("D5", rev, "raw")}
		if strings.Join(got, "|") != strings.Join([]string{want.revision, want.latest, want.value, want.value}, "|") {
			t.Errorf("D5 revision row %d = %q, want %+v", rev, got, want)
		}
	}
	if at := val("D5", 1, "at"); at != "2026-11-01 00:06" {
		t.Errorf("D5 revision 2 at %q, want local 2026-11-01 00:06", at)
	}
	info, err := os.Stat(answersPath)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("answers file mode %v: readable by others", perm)
	}
}

func TestExportIncludeSensitive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	seedExport(t, db)
	out := t.TempDir()
	_, stderr, code := bansou(t, "", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", out, "--db", db, "--include-sensitive")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "要配慮") {
		t.Errorf("no warning on stderr: %q", stderr)
	}
	raw, _ := readExcelCSV(t, filepath.Join(out, "bansou-answers-2026-11-01_2026-11-30.csv"))
	if !strings.Contains(raw, "母の介護で週2日休んでいる") || strings.Contains(raw, "要配慮のため省略") {
		t.Errorf("--include-sensitive did not write the sensitive answer as it is")
	}
}

// A day is a local calendar day: --to 2026-11-30 ends at midnight in Tokyo,
// not in UTC (where 11/30 23:59 JST is still 11/30 and 12/1 00:00 JST is
// 11/30 15:00).
func TestExportSingleDayBoundaries(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	fx := seedExport(t, db)
	out := t.TempDir()
	_, stderr, code := bansou(t, "", "export", "--from", "2026-11-30", "--to", "2026-11-30", "--out", out, "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, sessions := readExcelCSV(t, filepath.Join(out, "bansou-sessions-2026-11-30_2026-11-30.csv"))
	if len(sessions) != 2 || sessions[1][0] != idText(fx.in[1]) {
		t.Errorf("11/30 alone: sessions %q, want only session %d (11/30 23:59)", sessions[1:], fx.in[1])
	}
}

func TestExportRejectsBadDates(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "2026/11/01", "--to", "2026-11-30"}, "YYYY-MM-DD"},
		{[]string{"--from", "2026-11-01", "--to", "2026-11-31"}, "YYYY-MM-DD"},
		{[]string{"--from", "2026-11-01"}, "--to is required"},
		{[]string{"--from", "2026-12-01", "--to", "2026-11-30"}, "before --from"},
	} {
		args := append([]string{"export", "--db", db, "--out", t.TempDir()}, tc.args...)
		_, stderr, code := bansou(t, "", args...)
		if code != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 1 mentioning %q", tc.args, code, stderr, tc.want)
		}
	}
}
