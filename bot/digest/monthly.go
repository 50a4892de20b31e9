package digest

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/bansou/bansou/flows"
)

// maxQuestions bounds the anonymised effective questions shown monthly.
const maxQuestions = 3

// noData is the honest line for a figure with nothing to count yet.
var noData = txt("—（データなし）", "— (no data yet)")

// monthly is section 11, in the first week of a month: where the companies
// stand (walls, stages), where referrals go and how many complete, how long
// from intake to the owner's first step, who chose the first theme, and a
// few anonymised questions that worked.
func (b *builder) monthly(s *snapshot) Section {
	one := func(title, line flows.Text) Group {
		if line.IsZero() {
			line = noData
		}
		return Group{Title: title, Items: []Item{{Text: line}}}
	}
	sec := Section{No: 11, Title: txt("月次の傾向", "Monthly trends"), Groups: []Group{
		one(txt("いちばん大きな壁の分布", "Main walls"), b.distribution(s, flowDebrief, tagWallMain)),
		one(txt("会社の段階", "Stages"), b.distribution(s, flowIntake, tagStage)),
		one(txt("つなぎ先（多い順）と完了", "Referral destinations and completions"), b.destinations(s)),
		one(txt("棚卸しから最初の一歩まで", "Intake to the owner's first step"), firstStepMedian(s)),
		one(txt("最初のテーマをご本人が選んだ割合", "First theme chosen by the owner"), themeShare(s)),
	}}
	qs := b.effectiveQuestions(s)
	if len(qs) == 0 {
		qs = []Item{{Text: noData}}
	}
	sec.Groups = append(sec.Groups, Group{Title: txt("効いた問いかけ（匿名）", "Questions that worked (anonymised)"), Items: qs})
	return sec
}

// distribution counts each company's latest answer to tag, in option order.
func (b *builder) distribution(s *snapshot, flowID, tag string) flows.Text {
	counts := map[string]int{}
	for _, c := range s.companies {
		if a, _, ok := c.latestTag(tag); ok {
			counts[a.Value]++
		}
	}
	var parts []flows.Text
	for _, id := range b.labels.options(flowID, tag, "") {
		if n := counts[id]; n > 0 {
			l := b.labels.option(flowID, tag, "", id)
			parts = append(parts, flows.Text{JA: fmt.Sprintf("%s %d社", l.JA, n), EN: fmt.Sprintf("%s %d", l.In("en"), n)})
		}
	}
	return joinList(parts)
}

// destinations lists the five most frequent referral destinations with how
// many of their referrals are done.
func (b *builder) destinations(s *snapshot) flows.Text {
	type dest struct {
		id          string
		total, done int
	}
	byID := map[string]*dest{}
	for _, c := range s.companies {
		for _, r := range c.records.Referrals {
			if b.hiddenRecord(c, r.SessionID, tagReferralTarget) {
				continue
			}
			for _, t := range r.Targets {
				if byID[t] == nil {
					byID[t] = &dest{id: t}
				}
				byID[t].total++
				if r.Status == "done" {
					byID[t].done++
				}
			}
		}
	}
	ds := make([]*dest, 0, len(byID))
	for _, d := range byID {
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, z *dest) int { return cmp.Or(cmp.Compare(z.total, a.total), cmp.Compare(a.id, z.id)) })
	var parts []flows.Text
	for _, d := range ds[:min(len(ds), 5)] {
		l := b.labels.option(flowDebrief, tagReferralTarget, "", d.id)
		parts = append(parts, flows.Text{JA: fmt.Sprintf("%s %d件（完了 %d）", l.JA, d.total, d.done),
			EN: fmt.Sprintf("%s %d (%d done)", l.In("en"), d.total, d.done)})
	}
	return joinList(parts)
}

// firstStepMedian is the median number of days from a company's first
// intake to its first commitment.
func firstStepMedian(s *snapshot) flows.Text {
	var ds []int
	for _, c := range s.companies {
		in := c.completed(flowIntake)
		if len(in) == 0 {
			continue
		}
		start := in[0].at()
		for _, cm := range c.records.Commitments {
			if !cm.CreatedAt.Before(start) {
				ds = append(ds, int(cm.CreatedAt.Sub(start)/(24*time.Hour)))
				break
			}
		}
	}
	if len(ds) == 0 {
		return flows.Text{}
	}
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return txtf("中央値 %d日（%d社）", "median %d days (%d companies)", m, len(ds))
}

// themeShare is the share of intakes whose first theme the owner chose.
func themeShare(s *snapshot) flows.Text {
	total, owner := 0, 0
	for _, c := range s.companies {
		for _, x := range c.completed(flowIntake) {
			if a, ok := x.step(stepThemeChosenBy); ok {
				total++
				if a.Value == "owner_chose" {
					owner++
				}
			}
		}
	}
	if total == 0 {
		return flows.Text{}
	}
	return txtf("%d%%（%d件中%d件）", "%[1]d%% (%[3]d of %[2]d)", owner*100/total, total, owner)
}

// effectiveQuestions are the latest questions advisors found effective
// (D13) in the last 30 days, without the company.
func (b *builder) effectiveQuestions(s *snapshot) []Item {
	var ds []dated
	since := b.today.AddDays(-30).In(b.loc)
	for _, c := range s.companies {
		for _, x := range c.completed(flowDebrief) {
			if a, ok := x.step(stepKeyQuestion); ok && !x.at().Before(since) {
				ds = append(ds, dated{x.at(), Item{Text: verbatim("「" + clip(oneLine(a.Value), 60) + "」")}})
			}
		}
	}
	items := sortedItems(ds)
	slices.Reverse(items) // newest first
	return items[:min(len(items), maxQuestions)]
}
