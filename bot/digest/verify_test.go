package digest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/store"
)

// withWriter runs fn in one transaction on st, with now as the fixture's
// clock and one advisor.
func withWriter(t *testing.T, st store.Store, fn func(w *writer, adv store.Person)) {
	t.Helper()
	err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		w := &writer{t: t, ctx: ctx, tx: tx, now: monday}
		fn(w, w.person(store.RoleAdvisor, "佐藤", "slack", "U1"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Verifications decide the other two rules: a wall held 45 days that a
// verification calls unchanged is stuck; a smaller one is not. Two
// verifications with three signs each and confidence 4 make a
// self-running candidate; two signs do not.
func TestVerificationRules(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	withWriter(t, st, func(w *writer, adv store.Person) {
		held := w.company("見える化商事", adv)
		w.session("debrief", held, adv, w.ago(60), ans{step: "D15", tag: "wall.main", value: "mienai"},
			ans{step: "D16", tag: "wall.evidence", value: "数字は税理士任せ"})
		w.session("verify", held, adv, w.ago(10), ans{step: "V6", tag: "wall.change", value: "same"})

		better := w.company("小さくなる工業", adv)
		w.session("debrief", better, adv, w.ago(60), ans{step: "D15", tag: "wall.main", value: "tarinai"})
		w.session("verify", better, adv, w.ago(10), ans{step: "V6", tag: "wall.change", value: "smaller"})

		recent := w.company("最近の壁", adv)
		w.session("debrief", recent, adv, w.ago(30), ans{step: "D15", tag: "wall.main", value: "mienai"})
		w.session("verify", recent, adv, w.ago(3), ans{step: "V6", tag: "wall.change", value: "bigger"})

		for name, signs := range map[string]string{"自走の里": "own_next_issue,meetings_running,staff_initiative", "もう一歩": "own_next_issue,none"} {
			c := w.company(name, adv)
			w.session("verify", c, adv, w.ago(70), ans{step: "V8", value: "own_next_issue,meetings_running,checks_numbers"}, ans{step: "V10", tag: "progress", value: "3"})
			w.session("verify", c, adv, w.ago(6), ans{step: "V8", value: signs}, ans{step: "V10", tag: "progress", value: "5"})
		}
	})
	d := build(t, st, monday, digest.Thresholds{})
	wantGroups(t, sectionNo(t, d, 3), map[string][]string{"見えない → ロカベン・経営デザインシートで見える化": {"見える化商事"}})
	wantContains(t, "stuck by verification", line(t, sectionNo(t, d, 3), "見える化商事"), "60日間同じ壁", "根拠: 数字は税理士任せ")
	wantGroups(t, sectionNo(t, d, 7), map[string][]string{"": {"自走の里"}})
	wantContains(t, "self-running", line(t, sectionNo(t, d, 7), "自走の里"), "自走のサイン 3件・3件", "手応え 5/5")
}

// A section never runs past MaxLines company lines: the rest is counted.
func TestLongSectionsAreCapped(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	withWriter(t, st, func(w *writer, adv store.Person) {
		for i := range 14 {
			c := w.company(fmt.Sprintf("会社%02d", i), adv)
			s := w.session("debrief", c, adv, w.ago(30), ans{step: "D34", tag: "followup.date", value: w.date(-1 - i)})
			w.followup(s, adv, w.date(-1-i))
		}
	})
	d := build(t, st, monday, digest.Thresholds{})
	lines := d.Lines(sectionNo(t, d, 2), "ja")
	var items []string
	for _, l := range lines {
		if l.Kind == digest.LineItem {
			items = append(items, l.Text)
		}
	}
	if len(items) != 10 || !strings.HasPrefix(items[0], "会社13（佐藤） 14日超過") || !strings.HasPrefix(items[9], "会社04（佐藤） 5日超過") {
		t.Errorf("capped overdue list, most overdue first:\n%s", strings.Join(items, "\n"))
	}
	if last := lines[len(lines)-1]; last.Kind != digest.LineMore || last.Text != "ほか 4 社" {
		t.Errorf("last line %+v, want ほか 4 社", last)
	}
	if !slices.ContainsFunc(d.Lines(sectionNo(t, d, 2), "en"), func(l digest.Line) bool { return l.Text == "and 4 more companies" }) {
		t.Errorf("English cap line missing")
	}
}

// A debrief that chose problem inspection for an imminent crisis this week
// is a crisis sign; the same answer last month is not.
func TestCrisisFromADebrief(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	withWriter(t, st, func(w *writer, adv store.Person) {
		for name, ago := range map[string]int{"今週の危機": 2, "先月の危機": 40} {
			w.session("debrief", w.company(name, adv), adv, w.ago(ago),
				ans{step: "D19", value: "inspection"}, ans{step: "D19b", value: "crisis"})
		}
	})
	d := build(t, st, monday, digest.Thresholds{})
	wantGroups(t, sectionNo(t, d, 1), map[string][]string{"危機のサイン（今週）": {"今週の危機"}})
	wantContains(t, "crisis", line(t, sectionNo(t, d, 1), "今週の危機"), "振り返り: 差し迫った危機がある")
}
