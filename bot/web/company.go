package web

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// companyData is the 企業カルテ page.
type companyData struct {
	Company      store.Company
	Advisors     string
	OwnerWords   []quote // the owner's own words, newest first
	Timeline     []event // newest first
	ShowHidden   bool    // the viewer may see 要配慮 answers
	HiddenCount  int
	OpenCommit   string
	OpenDue      string
	NextFollowup string
}

type quote struct {
	When, Text, Source string
}

// event is one entry of the timeline.
type event struct {
	At      time.Time
	When    string
	Kind    string
	By      string
	Lines   []line
	Comment string
}

type line struct {
	Label     string
	Value     string
	Sensitive bool
	Hidden    bool
}

func (h *Handler) company(ctx context.Context, q *request) error {
	id, err := strconv.ParseInt(q.r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	ok, err := bot.CanSee(ctx, q.tx, q.viewer, id)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound // the same answer as a company that does not exist
	}
	c, err := q.tx.Company(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	advisors, err := q.tx.AdvisorsOf(ctx, id)
	if err != nil {
		return err
	}
	d := companyData{Company: c, Advisors: joinNames(advisors)}
	d.ShowHidden = q.viewer.Role == store.RoleCoordinator ||
		slices.ContainsFunc(advisors, func(a store.Person) bool { return a.ID == q.viewer.ID })
	if err := h.timeline(ctx, q, &d); err != nil {
		return err
	}
	h.render(q.w, 200, "company", q.page(c.Name, "", d))
	return nil
}

// timeline reads every session and record of the company (one company:
// a query per session is fine here).
func (h *Handler) timeline(ctx context.Context, q *request, d *companyData) error {
	sessions, err := q.tx.CompanySessions(ctx, d.Company.ID)
	if err != nil {
		return err
	}
	people := map[int64]string{}
	name := func(id int64) string {
		if id == 0 {
			return ""
		}
		if n, ok := people[id]; ok {
			return n
		}
		p, err := q.tx.Person(ctx, id)
		if err != nil {
			people[id] = ""
			return ""
		}
		people[id] = personName(p)
		return people[id]
	}
	for _, s := range sessions {
		if s.Status == store.SessionCancelled {
			continue
		}
		answers, err := q.tx.Answers(ctx, s.ID)
		if err != nil {
			return err
		}
		e := h.sessionEvent(s, answers, q.lang, d)
		e.By = name(s.RespondentID)
		d.Timeline = append(d.Timeline, e)
	}
	rec, err := q.tx.CompanyRecords(ctx, d.Company.ID)
	if err != nil {
		return err
	}
	h.recordEvents(rec, q.lang, d)
	audit, err := q.tx.Audit(ctx, "company:"+strconv.FormatInt(d.Company.ID, 10))
	if err != nil {
		return err
	}
	for _, a := range audit {
		if strings.Contains(a.Action, "handover") {
			d.Timeline = append(d.Timeline, event{At: a.At, Kind: flows.Msg(q.lang, "web_handover"), By: name(a.ActorID), Comment: a.Detail})
		}
	}
	slices.SortStableFunc(d.Timeline, func(a, b event) int { return b.At.Compare(a.At) })
	for i := range d.Timeline {
		d.Timeline[i].When = dateText(q.lang, d.Timeline[i].At.In(h.cfg.Location)) + " " + d.Timeline[i].At.In(h.cfg.Location).Format("15:04")
	}
	slices.SortStableFunc(d.OwnerWords, func(a, b quote) int { return cmp.Compare(b.When, a.When) })
	return nil
}

// sessionEvent shows a session's latest answers in the flow's order.
// 要配慮 answers are shown, marked, to the assigned advisors and
// coordinators, and hidden (but marked) from anyone else.
func (h *Handler) sessionEvent(s store.Session, answers []store.Answer, lang string, d *companyData) event {
	e := event{At: s.CompletedAt, Kind: s.FlowID}
	if e.At.IsZero() {
		e.At = s.UpdatedAt
	}
	f, ok := h.cfg.Flows.Get(s.FlowID)
	if ok {
		e.Kind = f.Title.In(lang)
	}
	switch s.Status {
	case store.SessionActive:
		e.Kind += flows.Msg(lang, "bot_in_progress")
	case store.SessionExpired:
		e.Kind += flows.Msg(lang, "web_not_answered")
	}
	latest := map[string]store.Answer{}
	for _, a := range answers {
		latest[a.StepID] = a // Answers is ordered by step, then revision
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(position(f, a), position(f, b)) })
	for _, id := range ids {
		a := latest[id]
		if a.Skipped {
			continue
		}
		var step *flows.Step
		if ok {
			step, _ = f.Step(id)
		}
		l := line{Label: id, Value: a.Value, Sensitive: a.Sensitive || step != nil && step.Sensitive}
		if step != nil {
			l.Label = step.ReviewLabel(lang)
			l.Value = f.Display(step, flows.Answer{Value: a.Value}, lang)
		}
		if l.Sensitive && !d.ShowHidden {
			l.Value, l.Hidden = flows.Msg(lang, "web_hidden_sensitive"), true
			d.HiddenCount++
		}
		if a.Tag == "owner.words" && !l.Hidden {
			d.OwnerWords = append(d.OwnerWords, quote{When: a.At.In(h.cfg.Location).Format("2006-01-02"), Text: l.Value, Source: e.Kind})
		}
		e.Lines = append(e.Lines, l)
	}
	return e
}

func position(f *flows.Flow, stepID string) int {
	if f != nil {
		for i := range f.Steps {
			if f.Steps[i].ID == stepID {
				return i
			}
		}
	}
	return 1 << 30
}

// commitmentStatus is the catalog key of each commitment status.
var commitmentStatus = map[string]string{
	"open":    "web_commitment_open",
	"done":    "web_commitment_done",
	"dropped": "web_commitment_dropped",
}

// recordEvents adds commitments and their outcomes, referrals and small
// wins to the timeline.
func (h *Handler) recordEvents(rec store.Records, lang string, d *companyData) {
	l := labeler{flows: h.cfg.Flows, lang: lang}
	for _, c := range rec.Commitments {
		status := c.Status
		if key, ok := commitmentStatus[c.Status]; ok {
			status = flows.Msg(lang, key)
		}
		lines := []line{{Label: flows.Msg(lang, "bot_next_step"), Value: "「" + c.Text + "」"}, {Label: flows.Msg(lang, "web_outcome"), Value: status}}
		if c.Due != "" {
			lines = append(lines, line{Label: flows.Msg(lang, "web_due"), Value: dayText(lang, c.Due)})
		}
		d.Timeline = append(d.Timeline, event{At: c.CreatedAt, Kind: flows.Msg(lang, "web_commitment"), Lines: lines})
		d.OwnerWords = append(d.OwnerWords, quote{When: c.CreatedAt.In(h.cfg.Location).Format("2006-01-02"), Text: c.Text, Source: flows.Msg(lang, "bot_next_step")})
		if c.Status == "open" {
			d.OpenCommit, d.OpenDue = c.Text, c.Due
		}
	}
	for _, f := range rec.Followups {
		if f.Status == "open" && (d.NextFollowup == "" || f.Due < d.NextFollowup) {
			d.NextFollowup = f.Due
		}
	}
	for _, r := range rec.Referrals {
		lines := []line{{Label: flows.Msg(lang, "web_to_status"), Value: l.referral(r)}}
		if r.Reason != "" {
			lines = append(lines, line{Label: flows.Msg(lang, "web_reason"), Value: r.Reason})
		}
		d.Timeline = append(d.Timeline, event{At: r.CreatedAt, Kind: flows.Msg(lang, "web_referral"), Lines: lines})
	}
	for _, w := range rec.SmallWins {
		src := flows.Msg(lang, "web_from_the_advisor")
		if w.Source == "owner" {
			src = flows.Msg(lang, "web_from_the_owner")
		}
		d.Timeline = append(d.Timeline, event{At: w.CreatedAt, Kind: flows.Msg(lang, "web_small_win"), Comment: w.Text + "（" + src + "）"})
	}
}
