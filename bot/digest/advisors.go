package digest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// selfRunning is section 7: companies whose last two verifications each
// show SelfRunningSigns signs of running on their own (V8) and whose last
// confidence (check-in, else the verification's progress) is at least
// SelfRunningConfidence.
func (b *builder) selfRunning(s *snapshot) Section {
	var items []Item
	for _, c := range s.companies {
		vs := c.completed(flowVerify)
		if len(vs) < 2 {
			continue
		}
		n1, n2 := selfSigns(vs[len(vs)-2]), selfSigns(vs[len(vs)-1])
		conf, ok := lastConfidence(c)
		if n1 < b.th.SelfRunningSigns || n2 < b.th.SelfRunningSigns || !ok || conf < b.th.SelfRunningConfidence {
			continue
		}
		items = append(items, Item{Company: c.Name, Advisor: c.advisor(s), Text: join(
			txtf("自走のサイン %d件・%d件（直近2回の検証）", "signs of self-running: %d and %d (last two verifications)", n1, n2),
			txtf("手応え %d/5", "confidence %d/5", conf))})
	}
	return section(7, txt("自走化の候補", "Self-running candidates"), group(flows.Text{}, items))
}

// selfSigns counts the signs of self-running ticked in a verification.
func selfSigns(x *session) int {
	a, ok := x.step(stepSelfRunning)
	if !ok {
		return 0
	}
	n := 0
	for id := range strings.SplitSeq(a.Value, ",") {
		if id != "" && id != "none" {
			n++
		}
	}
	return n
}

// lastConfidence is the owner's latest check-in confidence, or else the
// latest verification's sense of progress.
func lastConfidence(c *company) (int, bool) {
	for _, tag := range []string{tagConfidence, tagProgress} {
		if a, _, ok := c.latestTag(tag); ok {
			n, err := strconv.Atoi(a.Value)
			return n, err == nil
		}
	}
	return 0, false
}

// desk is one advisor's load.
type desk struct {
	name                string
	cases, noNext, open int
}

// advisorLoad is section 8: companies per advisor, those with no next date,
// and debriefs left unfinished for StaleSessionDays; busiest first. Then the
// companies nobody is assigned to.
func (b *builder) advisorLoad(s *snapshot) Section {
	loads := map[int64]*desk{}
	get := func(id int64) *desk {
		if loads[id] == nil {
			loads[id] = &desk{name: s.name(id)}
		}
		return loads[id]
	}
	var orphans []string
	for _, c := range s.companies {
		_, hasNext := latestOpen(c.records.Followups)
		for _, p := range c.advisors {
			l := get(p.ID)
			l.cases++
			if !hasNext {
				l.noNext++
			}
		}
		if len(c.advisors) == 0 {
			orphans = append(orphans, c.Name)
		}
		for _, x := range c.sessions {
			if x.Status == store.SessionActive && x.audience != flows.AudienceOwner && b.daysSince(x.CreatedAt) >= b.th.StaleSessionDays {
				get(x.RespondentID).open++
			}
		}
	}
	sec := section(8, txt("支援者の状況", "Advisor load & continuity"), group(flows.Text{}, b.loadItems(loads)))
	if len(orphans) > 0 {
		sec.Groups = append(sec.Groups, Group{Title: txt("担当者のいない企業", "Companies without an advisor"),
			Items: []Item{{Text: verbatim(strings.Join(orphans, "、"))}}})
	}

	return sec
}

func (b *builder) loadItems(loads map[int64]*desk) []Item {
	ls := make([]*desk, 0, len(loads))
	for _, l := range loads {
		ls = append(ls, l)
	}
	slices.SortFunc(ls, func(a, z *desk) int {
		return cmp.Or(cmp.Compare(z.cases, a.cases), cmp.Compare(z.open, a.open), strings.Compare(a.name, z.name))
	})
	items := make([]Item, 0, len(ls))
	for _, l := range ls {
		parts := []flows.Text{txtf("担当 %d社", "%d companies", l.cases)}
		if l.noNext > 0 {
			parts = append(parts, txtf("次回日未定 %d社", "no next date: %d", l.noNext))
		}
		if l.open > 0 {
			parts = append(parts, txtf("%d日以上記入途中 %d件", "unfinished for %d+ days: %d", b.th.StaleSessionDays, l.open))
		}
		items = append(items, Item{Advisor: l.name, Text: join(parts...)})
	}
	return items
}
