package web

import (
	"cmp"
	"context"
	"github.com/bansou/bansou/flows"
	"math"
	"slices"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// period is a span of whole months in local time: a fiscal quarter or the
// fiscal year (April to March).
type period struct {
	Key        string
	From, To   time.Time // [From, To)
	Label      string
	monthCount int
}

// periodOf reads the period picker: this (quarter), last (quarter) or fy.
func periodOf(key string, now time.Time, lang string) period {
	y, m := now.Year(), int(now.Month())
	// fiscal quarters start in April, July, October, January
	qStart := time.Date(y, time.Month((m-1)/3*3+1), 1, 0, 0, 0, 0, now.Location())
	p := period{Key: key}
	switch key {
	case "last":
		p.From, p.To, p.monthCount = qStart.AddDate(0, -3, 0), qStart, 3
	case "fy":
		fy := y
		if m < 4 {
			fy--
		}
		p.From, p.monthCount = time.Date(fy, time.April, 1, 0, 0, 0, 0, now.Location()), 12
		p.To = p.From.AddDate(1, 0, 0)
	default:
		p.Key, p.From, p.To, p.monthCount = "this", qStart, qStart.AddDate(0, 3, 0), 3
	}
	last := p.To.AddDate(0, 0, -1)
	p.Label = flows.Msg(lang, "web_period_range", monthText(lang, p.From), monthText(lang, last))
	return p
}

func (p period) months(lang string) []string {
	out := make([]string, p.monthCount)
	for i := range out {
		m := p.From.AddDate(0, i, 0)
		out[i] = flows.Msg(lang, "web_month", int(m.Month()), m.Format("Jan"))
	}
	return out
}

// monthIndex is the month of t within p, or -1.
func (p period) monthIndex(t time.Time) int {
	t = t.In(p.From.Location())
	i := (t.Year()-p.From.Year())*12 + int(t.Month()) - int(p.From.Month())
	if i < 0 || i >= p.monthCount {
		return -1
	}
	return i
}

type trendsData struct {
	Period  period
	Periods []periodLink
	Charts  []chart
}

type periodLink struct {
	Label, URL string
	Current    bool
}

func (h *Handler) trends(ctx context.Context, q *request) error {
	now := h.cfg.Now().In(h.cfg.Location)
	p := periodOf(q.r.URL.Query().Get("period"), now, q.lang)
	companies, err := bot.VisibleCompanies(ctx, q.tx, q.viewer)
	if err != nil {
		return err
	}
	ids := make([]int64, len(companies))
	for i, c := range companies {
		ids[i] = c.ID
	}
	rec, err := q.tx.PeriodRecords(ctx, ids, p.From, p.To, []string{"wall.main"})
	if err != nil {
		return err
	}
	facts, err := q.tx.PortfolioFacts(ctx, ids, nil, []string{"stage"})
	if err != nil {
		return err
	}
	d := trendsData{Period: p}
	for _, key := range []string{"this", "last", "fy"} {
		d.Periods = append(d.Periods, periodLink{Label: flows.Msg(q.lang, "web_period_"+key), URL: "/app/trends?period=" + key, Current: key == p.Key})
	}
	l := labeler{flows: h.cfg.Flows, lang: q.lang}
	d.Charts = []chart{
		wallsByMonth(p, rec, l, q.lang),
		followupsOnTime(p, rec, now, q.lang),
		checkinResponse(p, rec, q.lang),
		companiesByStage(companies, facts, l, q.lang),
		smallWins(p, rec, q.lang),
		advisorLoad(companies, facts, q.lang),
	}
	h.render(q.w, 200, "trends", q.page(flows.Msg(q.lang, "web_trends"), "trends", d))
	return nil
}

func wallsByMonth(p period, rec store.PeriodRecords, l labeler, lang string) chart {
	c := chart{ID: "walls", Title: flows.Msg(lang, "web_main_walls_by_month_debriefs"), Categories: p.months(lang)}
	idx := map[string]int{}
	for _, a := range rec.Answers {
		if a.Tag != "wall.main" || a.Skipped || a.Value == "" {
			continue
		}
		m := p.monthIndex(a.At)
		if m < 0 {
			continue
		}
		label := l.tagged(bot.FlowDebrief, a.Answer)
		i, ok := idx[label]
		if !ok {
			i = len(c.Series)
			idx[label] = i
			c.Series = append(c.Series, series{Name: label, Values: make([]float64, len(c.Categories))})
		}
		c.Series[i].Values[m]++
	}
	return c
}

// followupsOnTime: of the follow-ups due each month (up to today), the
// share for which a visit was recorded on or before the due day.
func followupsOnTime(p period, rec store.PeriodRecords, now time.Time, lang string) chart {
	c := chart{ID: "ontime", Title: flows.Msg(lang, "web_follow_ups_done_on_time"), Categories: p.months(lang), Unit: "%", Max: 100}
	due := make([]float64, len(c.Categories))
	done := make([]float64, len(c.Categories))
	today := now.Format(time.DateOnly)
	for _, f := range rec.Followups {
		d, err := time.ParseInLocation(time.DateOnly, f.Due, p.From.Location())
		if err != nil || f.Due > today {
			continue
		}
		m := p.monthIndex(d)
		if m < 0 {
			continue
		}
		due[m]++
		end := d.AddDate(0, 0, 1)
		if slices.ContainsFunc(rec.Sessions, func(s store.Session) bool {
			return s.CompanyID == f.CompanyID && s.ID != f.SessionID && s.Status == store.SessionCompleted &&
				slices.Contains(visitFlows, s.FlowID) && s.CompletedAt.After(f.CreatedAt) && s.CompletedAt.Before(end)
		}) {
			done[m]++
		}
	}
	c.Series = []series{{Name: flows.Msg(lang, "web_on_time"), Values: percent(done, due)}}
	return c
}

// percent is part of whole in whole per cent, or noValue where whole is 0.
func percent(part, whole []float64) []float64 {
	out := make([]float64, len(part))
	for i := range part {
		out[i] = noValue
		if whole[i] > 0 {
			out[i] = math.Round(part[i] / whole[i] * 100)
		}
	}
	return out
}

func checkinResponse(p period, rec store.PeriodRecords, lang string) chart {
	c := chart{ID: "checkins", Title: flows.Msg(lang, "web_owners_check_in_response_rate"), Categories: p.months(lang), Unit: "%", Max: 100}
	sent := make([]float64, len(c.Categories))
	answered := make([]float64, len(c.Categories))
	for _, s := range rec.Sessions {
		if s.FlowID != bot.FlowCheckin {
			continue
		}
		m := p.monthIndex(s.CreatedAt)
		if m < 0 {
			continue
		}
		sent[m]++
		if s.Status == store.SessionCompleted {
			answered[m]++
		}
	}
	c.Series = []series{{Name: flows.Msg(lang, "web_answered"), Values: percent(answered, sent)}}
	return c
}

func companiesByStage(companies []store.Company, facts map[int64]store.CompanyFacts, l labeler, lang string) chart {
	counts := map[string]float64{}
	for _, co := range companies {
		st := co.Stage
		if st == "" {
			st = l.tagged(bot.FlowIntake, facts[co.ID].Tagged["stage"])
		}
		if st == "" {
			st = flows.Msg(lang, "web_not_set")
		}
		counts[st]++
	}
	return countChart("stages", flows.Msg(lang, "web_companies_by_stage_now"), flows.Msg(lang, "web_companies"), counts)
}

func smallWins(p period, rec store.PeriodRecords, lang string) chart {
	c := chart{ID: "wins", Title: flows.Msg(lang, "web_small_wins_per_month"), Categories: p.months(lang)}
	v := make([]float64, len(c.Categories))
	for _, w := range rec.SmallWins {
		if m := p.monthIndex(w.CreatedAt); m >= 0 {
			v[m]++
		}
	}
	c.Series = []series{{Name: flows.Msg(lang, "web_small_wins"), Values: v}}
	return c
}

func advisorLoad(companies []store.Company, facts map[int64]store.CompanyFacts, lang string) chart {
	counts := map[string]float64{}
	for _, co := range companies {
		for _, a := range facts[co.ID].Advisors {
			counts[personName(a)]++
		}
	}
	c := countChart("load", flows.Msg(lang, "web_companies_per_advisor"), flows.Msg(lang, "web_companies2"), counts)
	return c
}

// countChart is a horizontal bar per key, largest first.
func countChart(id, title, name string, counts map[string]float64) chart {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	c := chart{ID: id, Title: title, Categories: keys, Horizontal: true}
	v := make([]float64, len(keys))
	for i, k := range keys {
		v[i] = counts[k]
	}
	c.Series = []series{{Name: name, Values: v}}
	return c
}

// monthText is 2026年11月 / Nov 2026.
func monthText(lang string, t time.Time) string {
	return flows.Msg(lang, "web_year_month", t.Year(), int(t.Month()), t.Format("Jan"))
}
