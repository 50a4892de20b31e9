package digest

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
)

// Audit actions the digest reads (written by the bot and the reminders).
const (
	actionEscalation = "escalation"         // detail: keyword, callback, callback:<slot>
	actionUnanswered = "checkin.unanswered" // an owner did not answer a check-in
)

// dated is a line with the moment it is about, for sorting.
type dated struct {
	at   time.Time
	item Item
}

func sortedItems(ds []dated) []Item {
	slices.SortStableFunc(ds, func(a, z dated) int {
		if c := a.at.Compare(z.at); c != 0 {
			return c
		}
		return strings.Compare(a.item.Company, z.item.Company)
	})
	out := make([]Item, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.item)
	}
	return out
}

// needsAction is section 1: crisis signs this week, call requests nobody
// followed up, low or falling confidence, unanswered check-ins and failed
// deliveries; each group oldest first (longest waiting on top).
func (b *builder) needsAction(s *snapshot) Section {
	var crisis, calls, conf, silent []dated
	for _, c := range s.companies {
		crisis = append(crisis, b.crisis(s, c)...)
		calls = append(calls, b.callback(s, c)...)
		conf = append(conf, b.confidence(s, c)...)
		silent = append(silent, b.unanswered(s, c)...)
	}
	return section(1, txt("要対応", "Needs action now"),
		group(txt("危機のサイン（今週）", "Crisis signs this week"), sortedItems(crisis)),
		group(txt("電話のご希望に未対応", "Asked for a call, no contact yet"), sortedItems(calls)),
		group(txt("続けられそうかの手応えが低い・下がった", "Low or falling confidence"), sortedItems(conf)),
		group(txt("近況確認に未回答", "Check-ins unanswered"), sortedItems(silent)),
		group(txt("届かなかった連絡", "Deliveries that failed"), sortedItems(b.failedDeliveries(s))),
		group(txt("送信上限で保留中の近況確認", "Check-ins held for the LINE quota"), sortedItems(b.heldDeliveries(s))),
	)
}

// crisis: LINE escalations on urgent words, 資金繰り within 3 months at
// intake, and debriefs that chose problem inspection for an imminent crisis.
func (b *builder) crisis(s *snapshot, c *company) []dated {
	var out []dated
	add := func(at time.Time, what flows.Text) {
		out = append(out, dated{at, Item{Company: c.Name, Advisor: c.advisor(s), Text: join(what, day(b.dateOf(at)))}})
	}
	for _, e := range c.audit {
		if e.Action == actionEscalation && e.Detail == "keyword" && b.inWeek(e.At) {
			add(e.At, txt("LINEで至急のご連絡", "Urgent message on LINE"))
		}
	}
	for _, x := range c.completed("") {
		if !b.inWeek(x.at()) {
			continue
		}
		if a, ok := x.tag(tagUrgency); ok && a.Value == "cash_3m" {
			add(x.at(), labelled(txt("棚卸し", "Intake"), b.labels.option(flowIntake, tagUrgency, "", a.Value)))
		}
		if a, ok := x.step(stepApproachWhy); ok && x.FlowID == flowDebrief && a.Value == "crisis" {
			add(x.at(), labelled(txt("振り返り", "Debrief"), b.labels.option(flowDebrief, "", stepApproachWhy, a.Value)))
		}
	}
	return out
}

// callRequest is an owner asking for a call: from a check-in answer or the
// escalation the bot logged when the owner answered.
type callRequest struct {
	at   time.Time
	slot string // option id of callback.slot, when known
}

// callback lists the company's latest call request when no advisor has
// filed anything about the company since and CallbackDays have passed.
func (b *builder) callback(s *snapshot, c *company) []dated {
	req, ok := latestCallRequest(c)
	if !ok || c.advisorContactAfter(req.at) {
		return nil
	}
	waited := b.daysSince(req.at)
	if waited < b.th.CallbackDays {
		return nil
	}
	what := txt("電話のご希望", "Asked for a call")
	if req.slot != "" {
		what = wrapf("電話のご希望（%s）", "Asked for a call (%s)", b.labels.option(flowCheckin, tagCallbackSlot, "", req.slot))
	}
	line := join(what, day(b.dateOf(req.at)), txtf("%d日経過・連絡の記録なし", "%d days, no contact recorded", waited))
	return []dated{{req.at, Item{Company: c.Name, Advisor: c.advisor(s), Text: line}}}
}

func latestCallRequest(c *company) (callRequest, bool) {
	var reqs []callRequest
	for _, x := range c.completed(flowCheckin) {
		slot, hasSlot := x.tag(tagCallbackSlot)
		wanted, _ := x.tag(tagCallbackWanted)
		if hasSlot || wanted.Value == "call" {
			reqs = append(reqs, callRequest{at: x.at(), slot: slot.Value})
		}
	}
	for _, e := range c.audit {
		if e.Action != actionEscalation || (e.Detail != "callback" && !strings.HasPrefix(e.Detail, "callback:")) {
			continue
		}
		_, slot, _ := strings.Cut(e.Detail, ":")
		reqs = append(reqs, callRequest{at: e.At, slot: slot})
	}
	if len(reqs) == 0 {
		return callRequest{}, false
	}
	slices.SortStableFunc(reqs, func(a, z callRequest) int { return a.at.Compare(z.at) })
	last := reqs[len(reqs)-1]
	// The same request is often logged twice (the answer, then the slot):
	// keep a slot given within a day of the latest request.
	for _, r := range slices.Backward(reqs) {
		if r.slot != "" && last.slot == "" && last.at.Sub(r.at) < 24*time.Hour {
			last.slot = r.slot
		}
	}
	return last, true
}

// confidence flags this week's check-ins with a confidence at or below
// LowConfidence, or a drop of ConfidenceDrop since the check-in before.
func (b *builder) confidence(s *snapshot, c *company) []dated {
	var out []dated
	prev := -1
	for _, x := range c.completed(flowCheckin) {
		a, ok := x.tag(tagConfidence)
		if !ok {
			continue
		}
		v, err := strconv.Atoi(a.Value)
		if err != nil {
			continue
		}
		low, drop := v <= b.th.LowConfidence, prev >= 0 && prev-v >= b.th.ConfidenceDrop
		if b.inWeek(x.at()) && (low || drop) {
			out = append(out[:0], dated{x.at(), Item{Company: c.Name, Advisor: c.advisor(s), Text: confidenceLine(v, prev, b.dateOf(x.at()))}})
		}
		prev = v
	}
	return out
}

func confidenceLine(v, prev int, d flows.Date) flows.Text {
	what := txtf("続けられそうか %d/5", "confidence %d/5", v)
	if prev >= 0 {
		what = txtf("続けられそうか %d/5（前回 %d/5）", "confidence %d/5 (previously %d/5)", v, prev)
	}
	return join(what, day(d))
}

// unanswered counts the check-ins the owner left unanswered since their
// last answered one.
func (b *builder) unanswered(s *snapshot, c *company) []dated {
	var since time.Time
	if cs := c.completed(flowCheckin); len(cs) > 0 {
		since = cs[len(cs)-1].at()
	}
	n, last := 0, time.Time{}
	for _, e := range c.audit {
		if e.Action == actionUnanswered && e.At.After(since) {
			n, last = n+1, e.At
		}
	}
	if n < b.th.UnansweredInARow {
		return nil
	}
	line := join(txtf("近況確認に%d回続けて未回答", "%d check-ins in a row unanswered", n),
		labelled(txt("最後", "last"), day(b.dateOf(last))))
	return []dated{{last, Item{Company: c.Name, Advisor: c.advisor(s), Text: line}}}
}

// reminderKinds names what a reminder was delivering.
var reminderKinds = map[string]flows.Text{
	"followup": txt("フォロー日のお知らせ", "follow-up reminder"),
	"checkin":  txt("近況確認", "check-in"),
	"nudge":    txt("近況確認の再送", "check-in nudge"),
	"digest":   txt("まとめ", "digest"),
	"alert":    txt("担当者への通知", "advisor alert"),
}

// failedDeliveries lists this week's reminders that could not be delivered.
func (b *builder) failedDeliveries(s *snapshot) []dated {
	var out []dated
	for _, r := range s.failed {
		kind, ok := reminderKinds[r.Kind]
		if !ok {
			kind = verbatim(r.Kind)
		}
		it := Item{Text: join(wrapf("%sを届けられませんでした", "Could not deliver the %s", kind), day(b.dateOf(r.DueAt)))}
		if to := s.name(r.RecipientID); to != "" {
			it.Text = join(it.Text, labelled(txt("宛先", "to"), verbatim(to)))
		}
		if c, ok := s.company(r.CompanyID); ok {
			it.Company = c.Name
		}
		out = append(out, dated{r.DueAt, it})
	}
	return out
}

// section assembles a section from its groups, leaving out empty ones.
func section(no int, title flows.Text, groups ...Group) Section {
	s := Section{No: no, Title: title}
	for _, g := range groups {
		if len(g.Items) > 0 {
			s.Groups = append(s.Groups, g)
		}
	}
	return s
}

func group(title flows.Text, items []Item) Group { return Group{Title: title, Items: items} }
