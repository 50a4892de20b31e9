package digest

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
)

// tactics suggest the next approach per wall (§B.5 section 3).
var tactics = map[string]flows.Text{
	"mienai":         txt("ロカベン・経営デザインシートで見える化", "make it visible: Local Benchmark, Management Design Sheet"),
	"mukiawanai":     txt("傾聴型ギャップ・強み発見型で", "listening-based gap or strength discovery"),
	"jikkou_dekinai": txt("次の一歩をもっと小さく", "make the next step smaller"),
	"tsuite_konai":   txt("社員を交えて話す場を", "a conversation with staff present"),
	"tarinai":        txt("他機関・専門家につなぐ", "refer to another institution or expert"),
}

// stuckCase is a company held up by the same main wall.
type stuckCase struct {
	wall  string
	run   int       // consecutive debriefs with this main wall
	since time.Time // first debrief of the run
	item  Item
}

// stuck is section 3: the same main wall in StuckDebriefs consecutive
// debriefs, or held StuckDays while a verification says it is unchanged or
// bigger (or two verifications in a row say so). Grouped by wall in the
// flow's order, longest runs first.
func (b *builder) stuck(s *snapshot) Section {
	byWall := map[string][]stuckCase{}
	for _, c := range s.companies {
		if sc, ok := b.stuckCase(s, c); ok {
			byWall[sc.wall] = append(byWall[sc.wall], sc)
		}
	}
	order := b.labels.options(flowDebrief, tagWallMain, "")
	for w := range byWall {
		if !slices.Contains(order, w) {
			order = append(order, w) // a wall a custom flow no longer offers
		}
	}
	sec := Section{No: 3, Title: txt("壁で止まっている企業", "Stuck on a wall")}
	for _, w := range order {
		cases := byWall[w]
		if len(cases) == 0 {
			continue
		}
		slices.SortStableFunc(cases, func(a, z stuckCase) int {
			return cmp.Or(cmp.Compare(z.run, a.run), a.since.Compare(z.since), strings.Compare(a.item.Company, z.item.Company))
		})
		title := b.labels.wall(w)
		if tac, ok := tactics[w]; ok {
			title = flows.Text{JA: title.JA + " → " + tac.JA, EN: title.In("en") + " → " + tac.EN}
		}
		g := Group{Title: title}
		for _, sc := range cases {
			g.Items = append(g.Items, sc.item)
		}
		sec.Groups = append(sec.Groups, g)
	}
	return sec
}

func (b *builder) stuckCase(s *snapshot, c *company) (stuckCase, bool) {
	wall, run := wallRun(c.completed(flowDebrief))
	if wall == "" {
		return stuckCase{}, false
	}
	sc := stuckCase{wall: wall, run: len(run), since: run[0].at()}
	unchanged := verifiesUnchanged(c.completed(flowVerify), sc.since)
	held := b.daysSince(sc.since)
	var why flows.Text
	switch {
	case sc.run >= b.th.StuckDebriefs:
		why = txtf("%d回続けて同じ壁", "same wall in %d debriefs in a row", sc.run)
	case unchanged >= 2:
		why = txtf("検証で%d回続けて「変わらない・大きくなった」", "%d verifications in a row: unchanged or bigger", unchanged)
	case unchanged >= 1 && held >= b.th.StuckDays:
		why = txtf("%d日間同じ壁（検証で「変わらない・大きくなった」）", "same wall for %d days (verification: unchanged or bigger)", held)
	default:
		return stuckCase{}, false
	}
	parts := []flows.Text{why, labelled(txt("最初", "since"), day(b.dateOf(sc.since)))}
	for _, x := range slices.Backward(run) {
		if a, ok := x.tag(tagWallEvidence); ok {
			parts = append(parts, labelled(txt("根拠", "evidence"), verbatim(clip(oneLine(a.Value), quoteLen))))
			break
		}
	}
	sc.item = Item{Company: c.Name, Advisor: c.advisor(s), Text: join(parts...)}
	return sc, true
}

// wallRun returns the main wall of the latest debrief and the consecutive
// debriefs (oldest first) that ended on it. A debrief without a main wall
// breaks the run.
func wallRun(debriefs []*session) (string, []*session) {
	var wall string
	var run []*session
	for _, x := range slices.Backward(debriefs) {
		a, ok := x.tag(tagWallMain)
		if !ok || (wall != "" && a.Value != wall) {
			break
		}
		wall = a.Value
		run = append(run, x)
	}
	slices.Reverse(run)
	return wall, run
}

// verifiesUnchanged counts the latest verifications since since that say,
// in a row, the last wall is unchanged or bigger (V6).
func verifiesUnchanged(verifies []*session, since time.Time) int {
	n := 0
	for _, x := range slices.Backward(verifies) {
		a, ok := x.tag(tagWallChange)
		if !x.at().After(since) || !ok || (a.Value != "same" && a.Value != "bigger") {
			break
		}
		n++
	}
	return n
}

// oneLine folds line breaks and runs of spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
