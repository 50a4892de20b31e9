package flows

import "testing"

// Today is Tuesday 2026-11-24 in these cases (the day).
func TestParsePastDateReadsTowardsThePast(t *testing.T) {
	tue := Date{2026, 11, 24}
	for _, c := range []struct{ in, want string }{
		{"昨日", "2026-11-23"},
		{"おととい", "2026-11-22"},
		{"3日前", "2026-11-21"},
		{"2週間前", "2026-11-10"},
		{"先週火曜", "2026-11-17"},
		{"先週の金曜日", "2026-11-20"},
		{"先々週月曜", "2026-11-09"},
		{"火曜", "2026-11-24"},
		{"金曜", "2026-11-20"},
		{"11/18", "2026-11-18"},
		{"12/3", "2025-12-03"},
		{"１１月２０日", "2026-11-20"},
		{"25日", "2026-10-25"},
		{"今日", "2026-11-24"},
		// Future words stay in the future: the step refuses them.
		{"明日", "2026-11-25"},
		{"来週火曜", "2026-12-01"},
	} {
		d, err := ParsePastDate(c.in, tue)
		if err != nil || d.String() != c.want {
			t.Errorf("ParsePastDate(%q) = %s, %v; want %s", c.in, d, err, c.want)
		}
	}
}

func TestFarDatesAreConfirmedNearOnesAreNot(t *testing.T) {
	tue := Date{2026, 11, 24}
	s := &Step{Kind: KindDate}
	for _, c := range []struct {
		v   string
		far bool
	}{{"2027-08-24", false}, {"2027-08-25", true}, {"2026-02-24", false}, {"2026-02-23", true}} {
		if got := far(s, Answer{Value: c.v}, tue); got != c.far {
			t.Errorf("far(%s) = %v, want %v", c.v, got, c.far)
		}
	}
	_, problem := parseDateAnswer(&Step{Kind: KindDate, Dates: "past"}, "明日", Env{Today: tue})
	if problem == "" {
		t.Error("明日 at a past-date step was accepted")
	}
}

// Number steps say their range before any wrong answer.
func TestNumberStepsShowTheirRangeUpFront(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := set.Get("intake")
	s, ok := f.Step("I4")
	if !ok || s.Kind != KindNumber {
		t.Fatal("intake I4 is not the number step")
	}
	st := f.moveTo(State{Answers: map[string]Answer{}}, "I4")
	for lang, want := range map[string]string{"ja": "500〜2100の数字で", "en": "A number from 500 to 2100"} {
		env := testEnv()
		env.Lang = lang
		if p := f.Render(st, env); p.Format != want {
			t.Errorf("%s: I4 format %q, want %q", lang, p.Format, want)
		}
	}
}
