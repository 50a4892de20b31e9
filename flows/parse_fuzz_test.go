package flows

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// dateSeeds are typical inputs for the date fuzzer.
var dateSeeds = []string{
	"2026-12-03", "2026/12/3", "2026.12.3", "20261203", "12/3", "12-3", "12月3日",
	"2026年12月3日", "R8.12.3", "R8/12/3", "令和8年12月3日", "令和8年12月3日(木)",
	"令和元年5月1日", "今日", "きょう", "明日", "あした", "あす", "明後日", "あさって",
	"3日後", "2週間後", "1か月後", "1ヶ月後", "1カ月後", "一か月後", "来週火曜",
	"来週の火曜日", "来週火", "今週金曜", "火曜", "火曜日", "+14d", "+2w", "+1m",
	"月末", "２０２６－１２－０３", "１２／３", "１２月３日（木）", "Ｒ８．１２．３",
	"2/30", "13/1", "2028-02-29", "2027-02-29", "31日", "来月末", "+99999999999d",
	"H31.4.30", "㋿1.5.1", "12月3日 木曜日", "", " ", "ｶﾞ", "12/3(木)",
}

func FuzzParseDate(f *testing.F) {
	for i, s := range dateSeeds {
		f.Add(s, uint16(i*37))
	}
	base := day(2026, 11, 20)
	f.Fuzz(func(t *testing.T, s string, offset uint16) {
		// Vary today over about 18 years around the fixed base day.
		today := base.AddDays(int(offset) - 3300)
		d, err := ParseDate(s, today)
		if err != nil {
			if !strings.Contains(DateProblem(err, "ja"), "入力してください") || japanese(DateProblem(err, "en")) != "" {
				t.Fatalf("ParseDate(%q): error %q does not tell the user what to type in both languages", s, err)
			}
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) returned %v with an error", s, d)
			}
			return
		}
		if _, ok := makeDate(d.Year, int(d.Month), d.Day); !ok {
			t.Fatalf("ParseDate(%q) = %#v, not a valid date", s, d)
		}
		back, err := ParseISODate(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDate(%q) = %v does not round-trip: %v, %v", s, d, back, err)
		}
	})
}

func FuzzMatchOptions(f *testing.F) {
	for _, s := range []string{
		"1", "２", "③", "4番", "1,3", "3、1", "１　３", "1・3", "製造業", "小売・卸売、製造業",
		"Retail / wholesale, IT", "サービス", "その他", "「その他」", "", "、", "1と3", "製",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multi bool) {
		ids, ok := MatchOptions(s, industries, multi)
		if !ok {
			if ids != nil {
				t.Fatalf("MatchOptions(%q) = %v with ok=false", s, ids)
			}
			return
		}
		if len(ids) == 0 || (!multi && len(ids) != 1) {
			t.Fatalf("MatchOptions(%q, %v) = %v", s, multi, ids)
		}
		checkOptionOrder(t, s, ids)
		again, ok2 := MatchOptions(Fold(s), industries, multi)
		if !ok2 || !slices.Equal(again, ids) {
			t.Fatalf("MatchOptions(Fold(%q)) = %v, %v; want %v", s, again, ok2, ids)
		}
	})
}

// checkOptionOrder fails unless ids are distinct option ids in option order.
func checkOptionOrder(t *testing.T, s string, ids []string) {
	t.Helper()
	last := -1
	for _, id := range ids {
		i := slices.IndexFunc(industries, func(o Option) bool { return o.ID == id })
		if i <= last {
			t.Fatalf("MatchOptions(%q) = %v: unknown, repeated or out of order", s, ids)
		}
		last = i
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"１２３", "ＡＢＣ", "　はい　", "a  　b", "ｶﾞｷﾞ", "ﾞﾞ", "ｳﾞ", "a\n\n b", "「その他」",
		"コーヒー", "\xff\xfe", " \u3000\t", "ｶ ﾞ", "カ\u3099",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if twice := Fold(once); twice != once {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, once, twice)
		}
		if !utf8.ValidString(once) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, once)
		}
		if once != strings.TrimSpace(once) {
			t.Fatalf("Fold(%q) = %q is not trimmed", s, once)
		}
		for _, r := range once {
			if (r >= 0xFF01 && r <= 0xFF5E) || (r >= 0xFF61 && r <= 0xFF9F) || (unicode.IsSpace(r) && r != ' ' && r != '\n') {
				t.Fatalf("Fold(%q) = %q still holds %U", s, once, r)
			}
		}
		if strings.Contains(once, "  ") || strings.Contains(once, " \n") || strings.Contains(once, "\n ") || strings.Contains(once, "\n\n") {
			t.Fatalf("Fold(%q) = %q has a run of white space", s, once)
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"12", "１，２００", "3.5", "-2", "12人", "1200万", "2千", "1億2000万円", "三人", "▲5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseNumber(s)
		if ok && (math.IsInf(v, 0) || math.IsNaN(v)) {
			t.Fatalf("ParseNumber(%q) = %v", s, v)
		}
		if !ok && v != 0 {
			t.Fatalf("ParseNumber(%q) = %v with ok=false", s, v)
		}
		if n, ok := ParseScale(s); ok && (n < 1 || n > 5) {
			t.Fatalf("ParseScale(%q) = %d", s, n)
		}
	})
}
