package digest_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/store"
)

var update = flag.Bool("update", false, "rewrite the golden digests in testdata")

func build(t testing.TB, st store.Store, now time.Time, th digest.Thresholds) *digest.Digest {
	t.Helper()
	d, err := digest.Build(context.Background(), st, digest.Options{Now: now, Location: jst, Thresholds: th})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sectionNo(t testing.TB, d *digest.Digest, no int) digest.Section {
	t.Helper()
	for _, s := range d.Sections {
		if s.No == no {
			return s
		}
	}
	t.Fatalf("no section %d", no)
	return digest.Section{}
}

// groupCompanies lists, per sub-heading (Japanese), the companies of the
// section's lines in order.
func groupCompanies(s digest.Section) map[string][]string {
	out := map[string][]string{}
	for _, g := range s.Groups {
		for _, it := range g.Items {
			out[g.Title.JA] = append(out[g.Title.JA], it.Company)
		}
	}
	return out
}

// line finds the Japanese text of company's line in the section.
func line(t testing.TB, s digest.Section, company string) string {
	t.Helper()
	for _, g := range s.Groups {
		for _, it := range g.Items {
			if it.Company == company {
				return it.Text.JA
			}
		}
	}
	t.Fatalf("section %d has no line about %s", s.No, company)
	return ""
}

func wantGroups(t *testing.T, s digest.Section, want map[string][]string) {
	t.Helper()
	got := groupCompanies(s)
	if len(got) != len(want) {
		t.Errorf("section %d: groups %v, want %v", s.No, got, want)
	}
	for title, companies := range want {
		if !slices.Equal(got[title], companies) {
			t.Errorf("section %d, group %q: %v, want %v", s.No, title, got[title], companies)
		}
	}
}

func wantContains(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s %q lacks %q", what, text, p)
		}
	}
}

func TestSectionsListTheRightCompaniesInOrder(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	seed(t, st, monday)
	d := build(t, st, monday, digest.Thresholds{})

	if d.Monthly || len(d.Sections) != 10 || d.Companies != 4 {
		t.Fatalf("mid-month digest: monthly %v, %d sections, %d companies; want 10 sections for 4 companies", d.Monthly, len(d.Sections), d.Companies)
	}
	for i, s := range d.Sections {
		if s.No != i+1 {
			t.Errorf("section %d is numbered %d", i+1, s.No)
		}
	}

	s1 := sectionNo(t, d, 1)
	wantGroups(t, s1, map[string][]string{
		"危機のサイン（今週）":          {"高橋食堂", "高橋食堂"},
		"電話のご希望に未対応":          {"佐々木工務店"},
		"続けられそうかの手応えが低い・下がった": {"佐々木工務店"},
		"近況確認に未回答":            {"高橋食堂"},
		"届かなかった連絡":            {"高橋食堂"},
	})
	crisis := s1.Groups[0].Items
	wantContains(t, "first crisis line", crisis[0].Text.JA, "資金繰りが3か月以内に厳しい")
	wantContains(t, "second crisis line", crisis[1].Text.JA, "LINEで至急のご連絡", "11月15日(日)")
	wantContains(t, "call line", s1.Groups[1].Items[0].Text.JA, "電話のご希望（午後）", "3日経過")
	wantContains(t, "confidence line", s1.Groups[2].Items[0].Text.JA, "2/5（前回 4/5）")
	wantContains(t, "unanswered line", s1.Groups[3].Items[0].Text.JA, "2回続けて未回答")
	wantContains(t, "failed line", s1.Groups[4].Items[0].Text.JA, "近況確認を届けられませんでした", "高橋 花子")

	s2 := sectionNo(t, d, 2)
	wantGroups(t, s2, map[string][]string{"": {"山田製作所", "佐々木工務店"}})
	wantContains(t, "overdue line", line(t, s2, "山田製作所"), "10日超過", "壁: 実行できない",
		"「わかってはいるんだけど、手が回らないんだよね。社員にも申し訳なくて、夜も考えて…」")
	if got := s2.Groups[0].Items[0].Advisor; got != "佐藤" {
		t.Errorf("overdue advisor %q, want 佐藤", got)
	}
	wantContains(t, "overdue line", line(t, s2, "佐々木工務店"), "3日超過", "壁: 足りない")

	s3 := sectionNo(t, d, 3)
	wantGroups(t, s3, map[string][]string{
		"向き合わない → 傾聴型ギャップ・強み発見型で": {"鈴木商店"},
		"実行できない → 次の一歩をもっと小さく":    {"山田製作所"},
	})
	wantContains(t, "stuck line", line(t, s3, "鈴木商店"), "2回続けて同じ壁", "根拠: 「若い人は続かない」と話題を変える")

	s4 := sectionNo(t, d, 4)
	wantGroups(t, s4, map[string][]string{
		"よろず支援拠点": {"山田製作所", "鈴木商店"},
		"取引金融機関":  {"鈴木商店"},
	})
	wantContains(t, "referral line", line(t, s4, "鈴木商店"), "打診中のまま20日", "ご本人の了解はこれから確認")
	if strings.Contains(line(t, s4, "山田製作所"), "了解") {
		t.Errorf("山田製作所 had the owner's consent, yet: %q", line(t, s4, "山田製作所"))
	}

	s5 := sectionNo(t, d, 5)
	wantGroups(t, s5, map[string][]string{"": {""}, "新規の棚卸し": {"高橋食堂"}, "段階の移行": {"鈴木商店"}, "近況確認への回答": {"佐々木工務店"}})
	wantContains(t, "week counts", s5.Groups[0].Items[0].Text.JA, "振り返り 1件（1社）", "検証 0件（0社）", "新規の棚卸し 1件（1社）", "近況確認への回答 1件（1社）")
	wantContains(t, "new intake", line(t, s5, "高橋食堂"), "事業再生")
	wantContains(t, "phase change", line(t, s5, "鈴木商店"), "課題設定 → 実行の支援")

	wantGroups(t, sectionNo(t, d, 6), map[string][]string{"": {"鈴木商店"}})
	wantContains(t, "small win", line(t, sectionNo(t, d, 6), "鈴木商店"), "「初めて月次の数字を一緒に見た」", "担当者から")

	if s7 := sectionNo(t, d, 7); !s7.Empty() {
		t.Errorf("self-running candidates: %v", groupCompanies(s7))
	}

	s8 := sectionNo(t, d, 8)
	var advisors []string
	for _, it := range s8.Groups[0].Items {
		advisors = append(advisors, it.Advisor+" "+it.Text.JA)
	}
	want := []string{"田中 担当 2社 ／ 3日以上記入途中 1件", "佐藤 担当 2社"}
	if !slices.Equal(advisors, want) {
		t.Errorf("advisor load %q, want %q", advisors, want)
	}

	wantGroups(t, sectionNo(t, d, 9), map[string][]string{"": {"鈴木商店"}})
	wantContains(t, "record quality", line(t, sectionNo(t, d, 9), "鈴木商店"), "記入なし: 次の一歩")
	if l := line(t, sectionNo(t, d, 9), "鈴木商店"); strings.Contains(l, "ご本人の言葉") {
		t.Errorf("record quality flags words that were written: %q", l)
	}

	wantGroups(t, sectionNo(t, d, 10), map[string][]string{"": {"鈴木商店"}})
	wantContains(t, "question", line(t, sectionNo(t, d, 10), "鈴木商店"), "後継者の話をどう切り出すか")
}

// The planted sensitive answers (a life note, a personal debt, an owner's
// small win from a flow that marks it sensitive) never appear, in either
// language, nor in the digest's data.
func TestSensitiveAnswersNeverAppear(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	seed(t, st, monday)
	for _, now := range []time.Time{monday, time.Date(2026, 12, 1, 9, 0, 0, 0, jst)} {
		d := build(t, st, now, digest.Thresholds{})
		raw, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		for name, text := range map[string]string{"ja": d.Text("ja"), "en": d.Text("en"), "json": string(raw)} {
			if strings.Contains(text, "4217") {
				t.Errorf("%s digest at %s shows a sensitive answer:\n%s", name, now, text)
			}
		}
	}
}

func TestMonthlySectionOnlyInTheFirstWeek(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	seed(t, st, monday)
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 12, 1, 0, 0, 0, 0, jst), true},
		{time.Date(2026, 12, 7, 23, 59, 0, 0, jst), true},
		{time.Date(2026, 12, 8, 0, 0, 0, 0, jst), false},
		{time.Date(2026, 12, 7, 15, 30, 0, 0, time.UTC), false}, // 12/8 00:30 in Tokyo
		{time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC), true}, // 12/1 00:30 in Tokyo
		{monday, false},
	} {
		d := build(t, st, c.now, digest.Thresholds{})
		has := strings.Contains(d.Text("ja"), "\n11. 月次の傾向\n")
		if d.Monthly != c.want || has != c.want || (len(d.Sections) == 11) != c.want {
			t.Errorf("at %s: monthly %v, section 11 in text %v, %d sections; want %v", c.now, d.Monthly, has, len(d.Sections), c.want)
		}
	}
	d := build(t, st, time.Date(2026, 12, 7, 9, 0, 0, 0, jst), digest.Thresholds{})
	got := map[string]string{}
	for _, g := range sectionNo(t, d, 11).Groups {
		got[g.Title.JA] = g.Items[0].Text.JA
	}
	for title, want := range map[string]string{
		"いちばん大きな壁の分布":      "向き合わない 1社・実行できない 1社・足りない 1社",
		"会社の段階":            "事業承継 1社・事業再生 1社",
		"つなぎ先（多い順）と完了":     "よろず支援拠点 2件（完了 0）・取引金融機関 1件（完了 0）・専門家派遣（診断士など） 1件（完了 0）",
		"棚卸しから最初の一歩まで":     "中央値 30日（1社）",
		"最初のテーマをご本人が選んだ割合": "50%（2件中1件）",
		"効いた問いかけ（匿名）":      "「今いちばん眠れなくなるのは、どんなときですか？」",
	} {
		if got[title] != want {
			t.Errorf("monthly %q = %q, want %q", title, got[title], want)
		}
	}
}

// A follow-up due today is not overdue until the day changes in Tokyo,
// whatever the zone of the clock: 鈴木商店's is due 2026-11-25.
func TestOverdueJudgedInTokyo(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	seed(t, st, monday)
	for _, c := range []struct {
		now  time.Time
		want []string
	}{
		{time.Date(2026, 11, 25, 23, 59, 0, 0, jst), []string{"山田製作所", "佐々木工務店", "高橋食堂"}},
		{time.Date(2026, 11, 25, 14, 59, 0, 0, time.UTC), []string{"山田製作所", "佐々木工務店", "高橋食堂"}},
		{time.Date(2026, 11, 26, 0, 0, 0, 0, jst), []string{"山田製作所", "佐々木工務店", "高橋食堂", "鈴木商店"}},
		{time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC), []string{"山田製作所", "佐々木工務店", "高橋食堂", "鈴木商店"}},
	} {
		d := build(t, st, c.now, digest.Thresholds{})
		got := groupCompanies(sectionNo(t, d, 2))[""]
		if !slices.Equal(got, c.want) {
			t.Errorf("at %s: overdue %v, want %v", c.now, got, c.want)
		}
	}
}

func TestThresholdsAreConfigurable(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	seed(t, st, monday)
	d := build(t, st, monday, digest.Thresholds{CallbackDays: 4, ReferralPendingDays: 25, UnansweredInARow: 3, StuckDebriefs: 3})
	s1 := groupCompanies(sectionNo(t, d, 1))
	if len(s1["電話のご希望に未対応"]) != 0 || len(s1["近況確認に未回答"]) != 0 {
		t.Errorf("call after 3 days / 2 unanswered listed with thresholds 4 days / 3 in a row: %v", s1)
	}
	if l := line(t, sectionNo(t, d, 4), "鈴木商店"); strings.Contains(l, "打診中") || !strings.Contains(l, "了解") {
		t.Errorf("20-day referral with a 25-day threshold: %q; want only the consent", l)
	}
	if s3 := sectionNo(t, d, 3); !s3.Empty() {
		t.Errorf("two debriefs on the same wall are stuck with StuckDebriefs 3: %v", groupCompanies(s3))
	}
}

func TestEmptyStore(t *testing.T) {
	t.Parallel()
	d := build(t, openStore(t), monday, digest.Thresholds{})
	text := d.Text("ja")
	if n := strings.Count(text, "該当なし"); n != 9 { // section 5 always tallies the week
		t.Errorf("empty store: %d sections say 該当なし, want 9\n%s", n, text)
	}
	if !strings.Contains(d.Text("en"), "\n3. Stuck on a wall\n  None\n") {
		t.Errorf("English empty section:\n%s", d.Text("en"))
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	seed(t, st, monday)
	for _, c := range []struct {
		name string
		now  time.Time
		lang string
	}{
		{"digest.golden", monday, "ja"},
		{"digest_en.golden", monday, "en"},
		{"digest_monthly.golden", time.Date(2026, 12, 7, 9, 0, 0, 0, jst), "ja"},
	} {
		got := build(t, st, c.now, digest.Thresholds{}).Text(c.lang)
		path := filepath.Join("testdata", c.name)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./bot/digest -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs (go test ./bot/digest -update rewrites it after review):\n--- got\n%s\n--- want\n%s", path, got, want)
		}
	}
}
