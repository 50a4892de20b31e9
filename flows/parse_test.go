package flows

import (
	"strings"
	"testing"
	"time"
)

// day is a short way to write a Date in tables.
func day(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// Fixed "today" values used across the tables.
var (
	friday   = day(2026, time.November, 20) // a Friday
	sunday   = day(2026, time.November, 22)
	monday   = day(2026, time.November, 23)
	lateDec  = day(2026, time.December, 20) // a Sunday near the year end
	march1st = day(2027, time.March, 1)
)

func TestFixedTodays(t *testing.T) {
	for d, want := range map[Date]time.Weekday{
		friday: time.Friday, sunday: time.Sunday, monday: time.Monday, lateDec: time.Sunday,
	} {
		if got := d.Weekday(); got != want {
			t.Errorf("%v.Weekday() = %v, want %v", d, got, want)
		}
	}
}

func TestDateMethods(t *testing.T) {
	d := day(2026, time.December, 3)
	if got := d.String(); got != "2026-12-03" {
		t.Errorf("String() = %q", got)
	}
	if got := d.Japanese(); got != "12月3日(木)" {
		t.Errorf("Japanese() = %q", got)
	}
	if got := day(2027, time.January, 4).JapaneseWithYear(); got != "2027年1月4日(月)" {
		t.Errorf("JapaneseWithYear() = %q", got)
	}
	if d.IsZero() || !(Date{}).IsZero() {
		t.Error("IsZero wrong")
	}
	if got := d.AddDays(29); got != day(2027, time.January, 1) {
		t.Errorf("AddDays(29) = %v", got)
	}
	if got := day(2028, time.March, 1).AddDays(-1); got != day(2028, time.February, 29) {
		t.Errorf("AddDays(-1) = %v", got)
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || !d.After(day(2026, time.November, 30)) || d.After(d) {
		t.Error("Before/After wrong")
	}
	if !day(2025, time.December, 31).Before(day(2026, time.January, 1)) {
		t.Error("Before across years wrong")
	}
	jst := time.FixedZone("JST", 9*3600)
	if got := d.In(jst); !got.Equal(time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("In(JST) = %v", got)
	}
	// 00:30 JST on 12/3 is still 12/2 in UTC: DateOf uses t's own location.
	if got := DateOf(time.Date(2026, 12, 3, 0, 30, 0, 0, jst)); got != d {
		t.Errorf("DateOf = %v", got)
	}
}

func TestParseISODate(t *testing.T) {
	tests := []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-12-03", day(2026, time.December, 3), true},
		{"2028-02-29", day(2028, time.February, 29), true},
		{"0001-01-01", day(1, time.January, 1), true},
		{"2027-02-29", Date{}, false},
		{"2026-13-01", Date{}, false},
		{"2026-00-10", Date{}, false},
		{"2026-12-00", Date{}, false},
		{"2026-12-3", Date{}, false},
		{"2026/12/03", Date{}, false},
		{" 2026-12-03", Date{}, false},
		{"2026-12-03T00:00", Date{}, false},
		{"+026-12-03", Date{}, false},
		{"２０２６-12-03", Date{}, false},
		{"", Date{}, false},
	}
	for _, tt := range tests {
		got, err := ParseISODate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseISODate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"１２３", "123"},
		{"ＡＢＣｘｙｚ", "ABCxyz"},
		{"１２／３", "12/3"},
		{"２０２６－１２－０３", "2026-12-03"},
		{"Ｒ８．１２．３", "R8.12.3"},
		{"１，２００", "1,200"},
		{"１２：３０", "12:30"},
		{"＋１４ｄ", "+14d"},
		{"（木）", "(木)"},
		{"　はい　", "はい"},
		{"a  　b", "a b"},
		{" \t 前 \t 後 ", "前 後"},
		{"一行目\n\n  二行目", "一行目\n二行目"},
		{"「その他」", "「その他」"},
		{"コーヒー", "コーヒー"},
		{"ー", "ー"},
		{"〜", "〜"},
		{"￥100", "￥100"},
		{"ｱｲｳ", "アイウ"},
		{"ｶﾞｷﾞﾊﾟﾝ", "ガギパン"},
		{"ｺｰﾋｰ", "コーヒー"},
		{"｢ﾃｽﾄ｣｡", "「テスト」。"},
		{"ﾞ", "゛"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseYesNo(t *testing.T) {
	tests := []struct {
		in      string
		yes, ok bool
	}{
		{"はい", true, true},
		{"はい。", true, true},
		{"　はい！", true, true},
		{"ええ", true, true},
		{"うん", true, true},
		{"yes", true, true},
		{"YES", true, true},
		{"ｙｅｓ", true, true},
		{"Y", true, true},
		{"ok", true, true},
		{"ＯＫ", true, true},
		{"○", true, true},
		{"〇", true, true},
		{"1", true, true},
		{"１", true, true},
		{"いいえ", false, true},
		{"いえ", false, true},
		{"no", false, true},
		{"No.", false, true},
		{"N", false, true},
		{"×", false, true},
		{"✕", false, true},
		{"2", false, true},
		{"２", false, true},
		{"", false, false},
		{"うーん", false, false},
		{"はい?", false, false},
		{"3", false, false},
		{"たぶん", false, false},
		{"いいです", false, false},
	}
	for _, tt := range tests {
		yes, ok := ParseYesNo(tt.in)
		if yes != tt.yes || ok != tt.ok {
			t.Errorf("ParseYesNo(%q) = %v, %v; want %v, %v", tt.in, yes, ok, tt.yes, tt.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true},
		{"１２", 12, true},
		{"1,200", 1200, true},
		{"１，２００", 1200, true},
		{"1,234,567", 1234567, true},
		{"1、200", 1200, true},
		{"3.5", 3.5, true},
		{"３．５", 3.5, true},
		{"-2", -2, true},
		{"－２", -2, true},
		{"−2", -2, true},
		{"▲200万", -2000000, true},
		{"マイナス3", -3, true},
		{"+5", 5, true},
		{"0", 0, true},
		{"-0", 0, true},
		{"12人", 12, true},
		{"12 人", 12, true},
		{"3年", 3, true},
		{"1200万", 12000000, true},
		{"1200万円", 12000000, true},
		{"2千", 2000, true},
		{"3千万", 30000000, true},
		{"1億2000万", 120000000, true},
		{"1.5万", 15000, true},
		{"千円", 1000, true},
		{"三人", 3, true},
		{"十二", 12, true},
		{"二十", 20, true},
		{"約12人", 12, true},
		{"¥1,200", 1200, true},
		{"￥１，２００", 1200, true},
		{"12人くらい", 12, true},
		{"50%", 50, true},
		{"３ヶ月", 3, true},
		{"12。", 12, true},
		{"", 0, false},
		{"なし", 0, false},
		{"万", 0, false},
		{"abc", 0, false},
		{"1,2", 0, false},
		{"1,2000", 0, false},
		{"3.5.1", 0, false},
		{"12〜15人", 0, false},
		{"12-15", 0, false},
		{"1/2", 0, false},
		{"12人3", 0, false},
		{"1e5", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseNumber(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseScale(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true},
		{"3", 3, true},
		{"５", 5, true},
		{"③", 3, true},
		{"3点", 3, true},
		{"３点", 3, true},
		{"3 点", 3, true},
		{"4。", 4, true},
		{"三", 3, true},
		{"0", 0, false},
		{"6", 0, false},
		{"⑥", 0, false},
		{"10", 0, false},
		{"3.5", 0, false},
		{"-3", 0, false},
		{"", 0, false},
		{"ふつう", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseScale(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseScale(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// industries are options whose labels contain separators, brackets and と.
var industries = []Option{
	{ID: "manufacturing", Label: Text{JA: "製造業", EN: "Manufacturing"}},
	{ID: "retail", Label: Text{JA: "小売・卸売", EN: "Retail / wholesale"}},
	{ID: "food", Label: Text{JA: "飲食と宿泊", EN: "Food and lodging"}},
	{ID: "service", Label: Text{JA: "サービス業（その他）", EN: "Services (other)"}},
	{ID: "it", Label: Text{JA: "IT", EN: "IT"}},
	{ID: "other", Label: Text{JA: "「その他」", EN: "Other."}},
}

func TestMatchOptionsSingle(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means ok=false
	}{
		{"1", "manufacturing"},
		{"２", "retail"},
		{"③", "food"},
		{"4番", "service"},
		{" 5 ", "it"},
		{"製造業", "manufacturing"},
		{"製造業。", "manufacturing"},
		{"MANUFACTURING", "manufacturing"},
		{"manufacturing", "manufacturing"},
		{"Retail / wholesale", "retail"},
		{"retail / WHOLESALE", "retail"},
		{"小売・卸売", "retail"},
		{"小売･卸売", "retail"},
		{"飲食と宿泊", "food"},
		{"サービス業（その他）", "service"},
		{"サービス業(その他)", "service"},
		{"サービス業", "service"},
		{"services", "service"},
		{"サービス", "service"},
		{"製造", "manufacturing"},
		{"ＩＴ", "it"},
		{"it", "it"},
		{"その他", "other"},
		{"「その他」", "other"},
		{"other", "other"},
		{"", ""},
		{"　", ""},
		{"7", ""},
		{"0", ""},
		{"製", ""},
		{"1,2", ""},
		{"1と2", ""},
		{"建設業", ""},
	}
	for _, tt := range tests {
		ids, ok := MatchOptions(tt.in, industries, false)
		if tt.want == "" {
			if ok {
				t.Errorf("MatchOptions(%q, single) = %v, want no match", tt.in, ids)
			}
			continue
		}
		if !ok || len(ids) != 1 || ids[0] != tt.want {
			t.Errorf("MatchOptions(%q, single) = %v, %v; want [%s]", tt.in, ids, ok, tt.want)
		}
	}
}

func TestMatchOptionsAmbiguousPrefix(t *testing.T) {
	opts := []Option{
		{ID: "sales", Label: Text{JA: "営業力"}},
		{ID: "hours", Label: Text{JA: "営業時間"}},
	}
	if ids, ok := MatchOptions("営業", opts, false); ok {
		t.Errorf("ambiguous prefix matched %v", ids)
	}
	if ids, ok := MatchOptions("営業時", opts, false); !ok || ids[0] != "hours" {
		t.Errorf("unique prefix = %v, %v", ids, ok)
	}
	if _, ok := MatchOptions("1", nil, false); ok {
		t.Error("matched with no options")
	}
}

func TestMatchOptionsMulti(t *testing.T) {
	tests := []struct {
		in   string
		want string // ids joined by ","; "" means ok=false
	}{
		{"1,3", "manufacturing,food"},
		{"3、1", "manufacturing,food"},
		{"１，３", "manufacturing,food"},
		{"１　３", "manufacturing,food"},
		{"1 3", "manufacturing,food"},
		{"1・3", "manufacturing,food"},
		{"1/3", "manufacturing,food"},
		{"1;3", "manufacturing,food"},
		{"①③", ""},
		{"① ③", "manufacturing,food"},
		{"2", "retail"},
		{"2, 2, ２", "retail"},
		{"1,,3、", "manufacturing,food"},
		{"製造業、飲食と宿泊", "manufacturing,food"},
		{"小売・卸売、製造業", "manufacturing,retail"},
		{"小売・卸売・IT", "retail,it"},
		{"Retail / wholesale, IT", "retail,it"},
		{"it, MANUFACTURING", "manufacturing,it"},
		{"サービス業、製造", "manufacturing,service"},
		{"1,9", ""},
		{"1と3", ""},
		{"1, 建設業", ""},
		{"、", ""},
		{"", ""},
	}
	for _, tt := range tests {
		ids, ok := MatchOptions(tt.in, industries, true)
		if tt.want == "" {
			if ok {
				t.Errorf("MatchOptions(%q, multi) = %v, want no match", tt.in, ids)
			}
			continue
		}
		if got := strings.Join(ids, ","); !ok || got != tt.want {
			t.Errorf("MatchOptions(%q, multi) = %v, %v; want %s", tt.in, ids, ok, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		today Date
		want  Date
	}{
		// Full dates.
		{"iso", "2026-12-03", friday, day(2026, 12, 3)},
		{"slash", "2026/12/3", friday, day(2026, 12, 3)},
		{"dots", "2026.12.3", friday, day(2026, 12, 3)},
		{"compact", "20261203", friday, day(2026, 12, 3)},
		{"kanji ymd", "2026年12月3日", friday, day(2026, 12, 3)},
		{"kanji ymd no 日", "2026年12月3", friday, day(2026, 12, 3)},
		{"past full date", "2025-04-01", friday, day(2025, 4, 1)},
		{"leap day", "2028-02-29", friday, day(2028, 2, 29)},
		{"leap day kanji", "2028年2月29日", friday, day(2028, 2, 29)},

		// Month and day.
		{"m/d", "12/3", friday, day(2026, 12, 3)},
		{"m-d", "12-3", friday, day(2026, 12, 3)},
		{"m.d", "12.3", friday, day(2026, 12, 3)},
		{"kanji md", "12月3日", friday, day(2026, 12, 3)},
		{"kanji md spaced", "12月 3日", friday, day(2026, 12, 3)},
		{"md today", "11/20", friday, day(2026, 11, 20)},
		{"md passed", "11/19", friday, day(2027, 11, 19)},
		{"rollover", "1/5", lateDec, day(2027, 1, 5)},
		{"rollover 12/3", "12/3", lateDec, day(2027, 12, 3)},
		{"rollover same day", "12/20", lateDec, day(2026, 12, 20)},
		{"next leap day", "2/29", march1st, day(2028, 2, 29)},

		// Trailing weekday.
		{"paren weekday", "12/3(木)", friday, day(2026, 12, 3)},
		{"fullwidth paren weekday", "12月3日（木）", friday, day(2026, 12, 3)},
		{"paren weekday long", "2026/12/3(木曜日)", friday, day(2026, 12, 3)},
		{"weekday word", "12月3日 木曜日", friday, day(2026, 12, 3)},
		{"wrong weekday ignored", "12/3(月)", friday, day(2026, 12, 3)},
		{"まで", "12/3まで", friday, day(2026, 12, 3)},
		{"までに with weekday", "12月3日(木)までに", friday, day(2026, 12, 3)},
		{"ごろ", "来週火曜ごろ", friday, day(2026, 11, 24)},

		// 令和 and older eras.
		{"R dots", "R8.12.3", friday, day(2026, 12, 3)},
		{"R slash", "R8/12/3", friday, day(2026, 12, 3)},
		{"r lower", "r8.12.3", friday, day(2026, 12, 3)},
		{"R zero padded", "R08.12.03", friday, day(2026, 12, 3)},
		{"R kanji", "R8年12月3日", friday, day(2026, 12, 3)},
		{"令和", "令和8年12月3日", friday, day(2026, 12, 3)},
		{"令和 weekday", "令和8年12月3日(木)", friday, day(2026, 12, 3)},
		{"令和元年", "令和元年5月1日", friday, day(2019, 5, 1)},
		{"R1", "R1.5.1", friday, day(2019, 5, 1)},
		{"令和 square", "㋿8.12.3", friday, day(2026, 12, 3)},
		{"平成", "平成31年4月30日", friday, day(2019, 4, 30)},
		{"H", "H2.3.4", friday, day(1990, 3, 4)},
		{"昭和", "昭和64年1月7日", friday, day(1989, 1, 7)},

		// 全角 and kana-mode input.
		{"fw iso", "２０２６－１２－０３", friday, day(2026, 12, 3)},
		{"fw slash", "２０２６／１２／３", friday, day(2026, 12, 3)},
		{"fw compact", "２０２６１２０３", friday, day(2026, 12, 3)},
		{"fw md", "１２／３", friday, day(2026, 12, 3)},
		{"fw kanji md", "１２月３日", friday, day(2026, 12, 3)},
		{"fw kanji ymd", "２０２６年１２月３日", friday, day(2026, 12, 3)},
		{"fw R", "Ｒ８．１２．３", friday, day(2026, 12, 3)},
		{"fw 令和", "令和８年１２月３日（木）", friday, day(2026, 12, 3)},
		{"fw rollover", "１／５", lateDec, day(2027, 1, 5)},
		{"fw spaces", "　１２／３　", friday, day(2026, 12, 3)},
		{"kana-mode dash", "2026ー12ー03", friday, day(2026, 12, 3)},
		{"kana-mode slash", "12・3", friday, day(2026, 12, 3)},
		{"kana-mode dot", "R8。12。3", friday, day(2026, 12, 3)},

		// Words.
		{"今日", "今日", friday, friday},
		{"きょう", "きょう", friday, friday},
		{"本日", "本日", friday, friday},
		{"明日", "明日", friday, day(2026, 11, 21)},
		{"あした", "あした", friday, day(2026, 11, 21)},
		{"あす", "あす", friday, day(2026, 11, 21)},
		{"明後日", "明後日", friday, day(2026, 11, 22)},
		{"あさって", "あさって", friday, day(2026, 11, 22)},
		{"tomorrow", "Tomorrow", friday, day(2026, 11, 21)},
		{"明日 new year", "明日", day(2026, 12, 31), day(2027, 1, 1)},
		{"月末", "月末", friday, day(2026, 11, 30)},
		{"月末 dec", "月末", lateDec, day(2026, 12, 31)},
		{"月末 feb leap", "月末", day(2028, 2, 1), day(2028, 2, 29)},
		{"来月末", "来月末", friday, day(2026, 12, 31)},

		// Relative periods.
		{"3日後", "3日後", friday, day(2026, 11, 23)},
		{"fw ３日後", "３日後", friday, day(2026, 11, 23)},
		{"三日後", "三日後", friday, day(2026, 11, 23)},
		{"十日後", "十日後", friday, day(2026, 11, 30)},
		{"2週間後", "2週間後", friday, day(2026, 12, 4)},
		{"二週間後", "二週間後", friday, day(2026, 12, 4)},
		{"2週後", "2週後", friday, day(2026, 12, 4)},
		{"1か月後", "1か月後", friday, day(2026, 12, 20)},
		{"1ヶ月後", "1ヶ月後", friday, day(2026, 12, 20)},
		{"1カ月後", "1カ月後", friday, day(2026, 12, 20)},
		{"1ヵ月後", "1ヵ月後", friday, day(2026, 12, 20)},
		{"一か月後", "一か月後", friday, day(2026, 12, 20)},
		{"３ヶ月後", "３ヶ月後", friday, day(2027, 2, 20)},
		{"month clamp", "1か月後", day(2027, 1, 31), day(2027, 2, 28)},
		{"month clamp leap", "1か月後", day(2028, 1, 31), day(2028, 2, 29)},
		{"1年後", "1年後", friday, day(2027, 11, 20)},
		{"半年後", "半年後", friday, day(2027, 5, 20)},
		{"+14d", "+14d", friday, day(2026, 12, 4)},
		{"fw +14d", "＋１４ｄ", friday, day(2026, 12, 4)},
		{"+14D", "+14D", friday, day(2026, 12, 4)},
		{"14d", "14d", friday, day(2026, 12, 4)},
		{"+2w", "+2w", friday, day(2026, 12, 4)},
		{"+1m", "+1m", friday, day(2026, 12, 20)},
		{"+1m year end", "+1m", lateDec, day(2027, 1, 20)},
		{"+3", "+3", friday, day(2026, 11, 23)},
		{"+0d", "+0d", friday, friday},
		{"+3日", "+3日", friday, day(2026, 11, 23)},

		// Weekdays. Weeks run Monday to Sunday.
		{"来週火曜 from Fri", "来週火曜", friday, day(2026, 11, 24)},
		{"来週の火曜日", "来週の火曜日", friday, day(2026, 11, 24)},
		{"来週火", "来週火", friday, day(2026, 11, 24)},
		{"来週 火曜", "来週 火曜", friday, day(2026, 11, 24)},
		{"来週日曜", "来週日曜", friday, day(2026, 11, 29)},
		{"来週火曜 from Sun", "来週火曜", sunday, day(2026, 11, 24)},
		{"来週火曜 from Mon", "来週火曜", monday, day(2026, 12, 1)},
		{"来週月曜 from Mon", "来週月曜", monday, day(2026, 11, 30)},
		{"再来週月曜", "再来週月曜", friday, day(2026, 11, 30)},
		{"今週金曜 today", "今週金曜", friday, friday},
		{"今週土曜", "今週土曜", friday, day(2026, 11, 21)},
		{"今週日曜", "今週の日曜日", friday, day(2026, 11, 22)},
		{"今週日曜 from Sun", "今週日曜", sunday, sunday},
		{"火曜", "火曜", friday, day(2026, 11, 24)},
		{"火曜日", "火曜日", friday, day(2026, 11, 24)},
		{"金曜 is next week", "金曜", friday, day(2026, 11, 27)},
		{"土曜", "土曜日", friday, day(2026, 11, 21)},
		{"次の火曜", "次の火曜", friday, day(2026, 11, 24)},
		{"english weekday", "Tuesday", friday, day(2026, 11, 24)},
		{"english next", "next tue", friday, day(2026, 11, 24)},

		// Day of the month only.
		{"25日", "25日", friday, day(2026, 11, 25)},
		{"20日 today", "20日", friday, friday},
		{"3日 next month", "3日", friday, day(2026, 12, 3)},
		{"来月3日", "来月3日", friday, day(2026, 12, 3)},
		{"今月25日", "今月25日", friday, day(2026, 11, 25)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in, tt.today)
			if err != nil || got != tt.want {
				t.Errorf("ParseDate(%q, %v) = %v, %v; want %v", tt.in, tt.today, got, err, tt.want)
			}
		})
	}
}

func TestParseDateErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		today Date
		says  string // part of the Japanese message
	}{
		{"empty", "", friday, "読み取れません"},
		{"blank", "　", friday, "読み取れません"},
		{"words", "そのうち", friday, "読み取れません"},
		{"latin", "abc", friday, "読み取れません"},
		{"feb 30", "2/30", friday, "2027年2月30日という日付はありません"},
		{"month 13", "13/1", friday, "13月1日という日付はありません"},
		{"day 32", "12/32", friday, "日付はありません"},
		{"month 0", "0/1", friday, "日付はありません"},
		{"iso month 13", "2026-13-01", friday, "日付はありません"},
		{"not a leap year", "2027-02-29", friday, "2027年2月29日という日付はありません"},
		{"not a leap year md", "2/29", lateDec, "2027年2月29日"},
		{"fw bad day", "２／３０", friday, "日付はありません"},
		{"before 令和", "令和元年4月1日", friday, "令和元年4月1日という日付はありません"},
		{"R0", "R0.1.1", friday, "日付はありません"},
		{"after 平成", "平成31年5月1日", friday, "日付はありません"},
		{"day 31 in Nov", "31日", friday, "11月31日"},
		{"今週 past", "今週月曜", friday, "今週の月曜日（11月16日）はもう過ぎています"},
		{"今週 past from Sun", "今週金曜", sunday, "過ぎています"},
		{"lone kanji weekday", "火", friday, "読み取れません"},
		{"来週 alone", "来週", friday, "読み取れません"},
		{"month only", "12月", friday, "読み取れません"},
		{"four digits", "1203", friday, "読み取れません"},
		{"seven digits", "2026123", friday, "読み取れません"},
		{"days before", "3日前", friday, "読み取れません"},
		{"bare number", "3", friday, "読み取れません"},
		{"ascii unit with 後", "2w後", friday, "読み取れません"},
		{"too far", "+999999d", friday, "遠すぎます"},
		{"too many digits", "+99999999999999999999d", friday, "遠すぎます"},
		{"range", "12/3〜12/5", friday, "読み取れません"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in, tt.today)
			if err == nil {
				t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, got)
			}
			msg := DateProblem(err, "ja")
			if !strings.Contains(msg, tt.says) || !strings.Contains(msg, "入力してください") {
				t.Errorf("ParseDate(%q) error = %q, want it to say %q and how to type a date", tt.in, msg, tt.says)
			}
			if en := DateProblem(err, "en"); japanese(en) != "" || !strings.Contains(en, "type") && !strings.Contains(en, "Type") {
				t.Errorf("ParseDate(%q) in English = %q, want English saying what to type", tt.in, en)
			}
			if japanese(err.Error()) != "" {
				t.Errorf("ParseDate(%q): error string %q carries a user-facing sentence", tt.in, err)
			}
		})
	}
}

func TestParseDateErrorListsExamples(t *testing.T) {
	_, err := ParseDate("いつか", friday)
	for _, ex := range []string{"「12/3」", "「12月3日」", "「2026-12-03」", "「来週火曜」", "「+14d」"} {
		if err == nil || !strings.Contains(DateProblem(err, "ja"), ex) {
			t.Errorf("error %v does not list %s", err, ex)
		}
	}
}
