package digest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// overdue is section 2: companies whose next follow-up date has passed
// (before today, local time) with no advisor session since it was set,
// most days overdue first.
func (b *builder) overdue(s *snapshot) Section {
	type row struct {
		late int
		item Item
	}
	var rows []row
	for _, c := range s.companies {
		fu, ok := latestOpen(c.records.Followups)
		if !ok {
			continue
		}
		due, err := flows.ParseISODate(fu.Due)
		if err != nil || !due.Before(b.today) || c.advisorContactAfter(fu.CreatedAt) {
			continue
		}
		late := daysBetween(due, b.today)
		advisor := s.name(fu.AdvisorID)
		if advisor == "" {
			advisor = c.advisor(s)
		}
		rows = append(rows, row{late, Item{Company: c.Name, Advisor: advisor, Text: b.overdueLine(c, due, late)}})
	}
	slices.SortStableFunc(rows, func(a, z row) int {
		return cmp.Or(cmp.Compare(z.late, a.late), strings.Compare(a.item.Company, z.item.Company))
	})
	items := make([]Item, 0, len(rows))
	for _, r := range rows {
		items = append(items, r.item)
	}
	return section(2, txt("フォロー期限切れ", "Overdue follow-ups"), group(flows.Text{}, items))
}

func (b *builder) overdueLine(c *company, due flows.Date, late int) flows.Text {
	parts := []flows.Text{wrapf("%s超過", "%s overdue", days(late)), labelled(txt("予定日", "due"), day(due))}
	if a, _, ok := c.latestTag(tagWallMain); ok {
		parts = append(parts, labelled(txt("壁", "wall"), b.labels.wall(a.Value)))
	}
	if a, _, ok := c.latestTag(tagOwnerWords); ok {
		parts = append(parts, quote(a.Value))
	}
	return join(parts...)
}

// latestOpen is the most recently set open follow-up (records are oldest
// first); a new debrief replaces the earlier ones.
func latestOpen(fus []store.Followup) (store.Followup, bool) {
	for _, f := range slices.Backward(fus) {
		if f.Status == "open" {
			return f, true
		}
	}
	return store.Followup{}, false
}
