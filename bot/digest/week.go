package digest

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
)

// thisWeek is section 5: what was filed this week, new intakes by stage,
// phase transitions, and closures or hand-overs decided at verification.
func (b *builder) thisWeek(s *snapshot) Section {
	var intakes, phases, closures, checkins []dated
	counts := map[string]int{}
	companies := map[string]map[int64]bool{}
	for _, c := range s.companies {
		closures = append(closures, b.handovers(s, c)...)
		for _, x := range c.completed("") {
			if !b.inWeek(x.at()) {
				continue
			}
			counts[x.FlowID]++
			if companies[x.FlowID] == nil {
				companies[x.FlowID] = map[int64]bool{}
			}
			companies[x.FlowID][c.ID] = true
			if it, ok := b.weekEvent(s, c, x); ok {
				switch x.FlowID {
				case flowIntake:
					intakes = append(intakes, dated{x.at(), it})
				case flowDebrief:
					phases = append(phases, dated{x.at(), it})
				case flowVerify:
					closures = append(closures, dated{x.at(), it})
				case flowCheckin:
					checkins = append(checkins, dated{x.at(), it})
				}
			}
		}
	}
	return section(5, txt("今週の動き", "This week"),
		group(flows.Text{}, []Item{{Text: b.weekCounts(counts, companies)}}),
		group(txt("新規の棚卸し", "New intakes"), sortedItems(intakes)),
		group(txt("段階の移行", "Phase changes"), sortedItems(phases)),
		group(txt("一区切り・引継ぎ", "Closures and hand-overs"), sortedItems(closures)),
		group(txt("近況確認への回答", "Check-in answers"), sortedItems(checkins)),
	)
}

// weekKinds names the sessions tallied in section 5.
var weekKinds = []struct {
	flow string
	name flows.Text
}{
	{flowDebrief, txt("振り返り", "Debriefs")},
	{flowVerify, txt("検証", "Verifications")},
	{flowIntake, txt("新規の棚卸し", "Intakes")},
	{flowCheckin, txt("近況確認への回答", "Check-in answers")},
}

// weekCounts is the one-line tally of sessions filed this week.
func (b *builder) weekCounts(counts map[string]int, companies map[string]map[int64]bool) flows.Text {
	var parts []flows.Text
	for _, k := range weekKinds {
		n, cs := counts[k.flow], len(companies[k.flow])
		en := fmt.Sprintf("%s %d (%d companies)", k.name.EN, n, cs)
		if cs == 1 {
			en = fmt.Sprintf("%s %d (1 company)", k.name.EN, n)
		}
		parts = append(parts, flows.Text{JA: fmt.Sprintf("%s %d件（%d社）", k.name.JA, n, cs), EN: en})
	}
	return join(parts...)
}

// weekEvent is the line a session of this week adds to section 5, if any.
func (b *builder) weekEvent(s *snapshot, c *company, x *session) (Item, bool) {
	it := Item{Company: c.Name, Advisor: s.name(x.RespondentID)}
	switch x.FlowID {
	case flowIntake:
		stage := txt("段階は未記入", "stage not recorded")
		if a, ok := x.tag(tagStage); ok {
			stage = b.labels.option(flowIntake, tagStage, "", a.Value)
		}
		it.Text = join(stage, day(b.dateOf(x.at())))
		return it, true
	case flowDebrief:
		from, to, ok := phaseChange(c, x)
		if !ok {
			return it, false
		}
		f, z := b.labels.option(flowDebrief, "", stepPhase, from), b.labels.option(flowDebrief, "", stepPhase, to)
		it.Text = join(flows.Text{JA: f.JA + " → " + z.JA, EN: f.In("en") + " → " + z.In("en")}, day(b.dateOf(x.at())))
		return it, true
	case flowCheckin:
		it.Advisor = c.advisor(s)
		return b.checkinEvent(it, x)
	case flowVerify:
		a, ok := x.tag(tagDirection)
		if !ok || (a.Value != "graduate" && a.Value != "handover" && a.Value != "end_other") {
			return it, false
		}
		it.Text = join(b.labels.option(flowVerify, tagDirection, "", a.Value), day(b.dateOf(x.at())))
		return it, true
	}
	return it, false
}

// phaseChange compares the phase of debrief x (D4) with the company's
// debrief before it.
func phaseChange(c *company, x *session) (from, to string, ok bool) {
	now, ok := x.step(stepPhase)
	if !ok {
		return "", "", false
	}
	var prev string
	for _, y := range c.completed(flowDebrief) {
		if y.ID == x.ID {
			break
		}
		if a, ok := y.step(stepPhase); ok {
			prev = a.Value
		}
	}
	return prev, now.Value, prev != "" && prev != now.Value
}

// smallWins is section 6: this week's 「できた」 moments, from debriefs and
// owners' check-ins, in order.
func (b *builder) smallWins(s *snapshot) Section {
	var ds []dated
	for _, c := range s.companies {
		for _, w := range c.records.SmallWins {
			if !b.inWeek(w.CreatedAt) || b.hiddenRecord(c, w.SessionID, tagSmallWin) {
				continue
			}
			from := txt("担当者から", "from the advisor")
			if w.Source == "owner" {
				from = txt("ご本人から", "from the owner")
			}
			ds = append(ds, dated{w.CreatedAt, Item{Company: c.Name, Advisor: c.advisor(s),
				Text: join(quote(w.Text), from, day(b.dateOf(w.CreatedAt)))}})
		}
	}
	return section(6, txt("小さな成功体験", "Small wins"), group(flows.Text{}, sortedItems(ds)))
}

// hiddenRecord reports whether a derived record comes from a sensitive
// answer.
func (b *builder) hiddenRecord(c *company, sessionID int64, tag string) bool {
	x, ok := c.sessionByID(sessionID)
	return ok && x.hidden[tag]
}

// recordQuality is section 9: this week's debriefs that lack the owner's
// words, a next step, or a next follow-up date.
func (b *builder) recordQuality(s *snapshot) Section {
	var ds []dated
	for _, c := range s.companies {
		for _, x := range c.completed(flowDebrief) {
			if !b.inWeek(x.at()) {
				continue
			}
			if missing := missingInDebrief(x); len(missing) > 0 {
				ds = append(ds, dated{x.at(), Item{Company: c.Name, Advisor: s.name(x.RespondentID),
					Text: join(wrapf("%sの振り返り", "debrief of %s", day(b.dateOf(x.at()))),
						labelled(txt("記入なし", "missing"), joinList(missing)))}})
			}
		}
	}
	return section(9, txt("記録の質", "Record quality"), group(flows.Text{}, sortedItems(ds)))
}

func missingInDebrief(x *session) []flows.Text {
	present := func(tags ...string) bool {
		for _, tag := range tags {
			if _, ok := x.tag(tag); ok || x.hidden[tag] {
				return true
			}
		}
		return false
	}
	var out []flows.Text
	if !present(tagOwnerWords) {
		out = append(out, txt("ご本人の言葉", "owner's words"))
	}
	if !present(tagCommitmentText, tagCommitmentSm) {
		out = append(out, txt("次の一歩", "next step"))
	}
	if !present(tagFollowup) {
		out = append(out, txt("次回フォロー日", "next follow-up date"))
	}
	return out
}

// questions is section 10: what advisors asked the coordinator (D37) this
// week.
func (b *builder) questions(s *snapshot) Section {
	var ds []dated
	for _, c := range s.companies {
		for _, x := range c.completed("") {
			a, ok := x.tag(tagQuestion)
			if !ok || !b.inWeek(x.at()) {
				continue
			}
			ds = append(ds, dated{x.at(), Item{Company: c.Name, Advisor: s.name(x.RespondentID),
				Text: join(verbatim("「"+clip(oneLine(a.Value), 60)+"」"), day(b.dateOf(x.at())))}})
		}
	}
	return section(10, txt("要相談", "Advisor questions"), group(flows.Text{}, sortedItems(ds)))
}

// joinList is a list of labels: A・B / A, B.
func joinList(xs []flows.Text) flows.Text {
	var ja, en []string
	for _, x := range xs {
		ja, en = append(ja, x.JA), append(en, x.In("en"))
	}
	return flows.Text{JA: strings.Join(ja, "・"), EN: strings.Join(en, ", ")}
}

// actionHandover is the audit action bot writes for a handover (引継ぎ),
// with Detail "from:<id> to:<id> …".
const actionHandover = "company.handover"

// handovers are the company's handovers this week: who handed it to whom.
func (b *builder) handovers(s *snapshot, c *company) []dated {
	var out []dated
	for _, e := range c.audit {
		if e.Action != actionHandover || !b.inWeek(e.At) {
			continue
		}
		var from, to int64
		_, _ = fmt.Sscanf(e.Detail, "from:%d to:%d", &from, &to)
		who := func(id int64) string { return cmp.Or(s.name(id), fmt.Sprintf("#%d", id)) }
		line := who(to)
		if from != 0 {
			line = who(from) + " → " + who(to)
		}
		out = append(out, dated{e.At, Item{Company: c.Name, Advisor: who(to),
			Text: join(txt("担当交代（"+line+"）", "handed over ("+line+")"), day(b.dateOf(e.At)))}})
	}
	return out
}

// checkinEvent is an owner's check-in answers in one line: how the step
// goes, what is in the way, confidence and a call request.
func (b *builder) checkinEvent(it Item, x *session) (Item, bool) {
	var parts []flows.Text
	if a, ok := x.tag(tagCheckinStatus); ok {
		parts = append(parts, b.labels.option(flowCheckin, tagCheckinStatus, "", a.Value))
	}
	if a, ok := x.tag(tagObstacle); ok && a.Value != "nothing" {
		parts = append(parts, labelled(txt("進めにくい点", "in the way"), b.labels.option(flowCheckin, tagObstacle, "", a.Value)))
	}
	if a, ok := x.tag(tagConfidence); ok {
		parts = append(parts, txtf("続けられそうか %s/5", "confidence %s/5", a.Value))
	}
	if slot, ok := x.tag(tagCallbackSlot); ok {
		parts = append(parts, wrapf("電話のご希望（%s）", "asked for a call (%s)", b.labels.option(flowCheckin, tagCallbackSlot, "", slot.Value)))
	} else if a, ok := x.tag(tagCallbackWanted); ok && a.Value == "call" {
		parts = append(parts, txt("電話のご希望", "asked for a call"))
	}
	if len(parts) == 0 {
		return it, false
	}
	it.Text = join(append(parts, day(b.dateOf(x.at())))...)
	return it, true
}
