package digest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// referralRow is one referral waiting on one destination.
type referralRow struct {
	age  int
	item Item
}

// referrals is section 4: referrals pending longer than ReferralPendingDays,
// accepted with no outcome after ReferralAcceptedDays, or waiting for the
// owner's consent; grouped by destination in the flow's order, oldest first.
func (b *builder) referrals(s *snapshot) Section {
	byTarget := map[string][]referralRow{}
	for _, c := range s.companies {
		for _, r := range c.records.Referrals {
			line, ok := b.referralLine(c, r)
			if !ok {
				continue
			}
			row := referralRow{b.daysSince(r.CreatedAt), Item{Company: c.Name, Advisor: c.advisor(s), Text: line}}
			for _, target := range r.Targets {
				byTarget[target] = append(byTarget[target], row)
			}
		}
	}
	sec := Section{No: 4, Title: txt("つなぎの状況", "Referrals")}
	for _, target := range targetOrder(b.labels, byTarget) {
		rows := byTarget[target]
		slices.SortStableFunc(rows, func(a, z referralRow) int {
			return cmp.Or(cmp.Compare(z.age, a.age), strings.Compare(a.item.Company, z.item.Company))
		})
		g := Group{Title: b.labels.option(flowDebrief, tagReferralTarget, "", target)}
		for _, r := range rows {
			g.Items = append(g.Items, r.item)
		}
		sec.Groups = append(sec.Groups, g)
	}
	return sec
}

// targetOrder lists the destinations present, in the flow's option order.
func targetOrder(l labels, byTarget map[string][]referralRow) []string {
	order := l.options(flowDebrief, tagReferralTarget, "")
	var extra []string
	for t := range byTarget {
		if !slices.Contains(order, t) {
			extra = append(extra, t)
		}
	}
	slices.Sort(extra)
	var out []string
	for _, t := range append(order, extra...) {
		if len(byTarget[t]) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// referralLine says why a referral needs attention, if it does.
func (b *builder) referralLine(c *company, r store.Referral) (flows.Text, bool) {
	sess, _ := c.sessionByID(r.SessionID)
	if sess != nil && sess.hidden[tagReferralTarget] {
		return flows.Text{}, false
	}
	age := b.daysSince(r.CreatedAt)
	var parts []flows.Text
	switch {
	case r.Status == "pending" && age > b.th.ReferralPendingDays:
		parts = append(parts, wrapf("打診中のまま%s", "pending for %s", days(age)))
	case r.Status == "accepted" && age > b.th.ReferralAcceptedDays:
		parts = append(parts, wrapf("受理後、結果の記録なし（依頼から%s）", "accepted, no outcome yet (%s since referral)", days(age)))
	}
	if r.Status == "pending" && sess != nil && consentPending(sess) {
		parts = append(parts, txt("ご本人の了解はこれから確認", "owner's consent still to be asked"))
	}
	if len(parts) == 0 {
		return flows.Text{}, false
	}
	parts = append(parts, labelled(txt("依頼日", "referred"), day(b.dateOf(r.CreatedAt))))
	return join(parts...), true
}

// consentPending reports whether the advisor still had to ask the owner
// (D32, or the verification's hand-over consent = これから確認する).
func consentPending(s *session) bool {
	for _, id := range []string{stepConsent, stepHandoverOK} {
		if a, ok := s.step(id); ok && a.Value == "will_confirm" {
			return true
		}
	}
	return false
}
