package web

import (
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// The tags the portfolio reads, and the flows that count as a visit.
var (
	portfolioTags = []string{"wall.main", "stage", "checkin.status", "checkin.confidence"}
	visitFlows    = []string{bot.FlowDebrief, bot.FlowIntake, bot.FlowVerify}
)

// row is one company in the portfolio.
type row struct {
	ID           int64
	Name         string
	Advisors     string
	AdvisorIDs   []int64
	AdvisorNames []string
	Stage        string
	Wall         string
	WallID       string
	Municipality string
	LastVisit    string // YYYY-MM-DD, local
	Commitment   string // in the owner's words
	CommitDue    string // YYYY-MM-DD
	Followup     string // YYYY-MM-DD
	Overdue      bool
	CheckIn      string
	Confidence   string
	Referral     string
}

// filters are what the portfolio is narrowed by.
type filters struct {
	Advisor, Wall, Stage, Municipality string
	Overdue                            bool
	Sort                               string
	Desc                               bool
}

func readFilters(v url.Values) filters {
	return filters{Advisor: v.Get("advisor"), Wall: v.Get("wall"), Stage: v.Get("stage"),
		Municipality: v.Get("municipality"), Overdue: v.Get("overdue") == "1", Sort: v.Get("sort"), Desc: v.Get("dir") == "desc"}
}

func (f filters) match(r row) bool {
	return (f.Advisor == "" || slices.Contains(r.AdvisorIDs, atoi(f.Advisor))) &&
		(f.Wall == "" || r.WallID == f.Wall) && (f.Stage == "" || r.Stage == f.Stage) &&
		(f.Municipality == "" || r.Municipality == f.Municipality) && (!f.Overdue || r.Overdue)
}

// query is the filters as a query string, with one field changed.
func (f filters) query(key, value string) string {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("advisor", f.Advisor)
	set("wall", f.Wall)
	set("stage", f.Stage)
	set("municipality", f.Municipality)
	if f.Overdue {
		v.Set("overdue", "1")
	}
	set("sort", f.Sort)
	if f.Desc {
		v.Set("dir", "desc")
	}
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	if s := v.Encode(); s != "" {
		return "?" + s
	}
	return "?"
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// portfolioData is the portfolio page.
type portfolioData struct {
	Rows     []row
	Total    int
	Filters  filters
	Groups   []filterGroup
	Columns  []column
	ClearURL string
	L        rowLabels // words repeated on every row, looked up once
}

type rowLabels struct {
	Due, Overdue, Confidence string
	Cols                     []string // the column titles, for phones (rows stack there)
}

type filterGroup struct {
	Label   string
	Options []filterOption
}

type filterOption struct {
	Label    string
	Count    int
	URL      string
	Selected bool
}

type column struct {
	Label, URL, Arrow string
}

func (h *Handler) portfolio(ctx context.Context, q *request) error {
	rows, err := h.portfolioRows(ctx, q.tx, q.viewer, q.lang)
	if err != nil {
		return err
	}
	f := readFilters(q.r.URL.Query())
	d := portfolioData{Total: len(rows), Filters: f, ClearURL: "/app/",
		L: rowLabels{Due: flows.Msg(q.lang, "web_due2"), Overdue: flows.Msg(q.lang, "web_overdue"), Confidence: flows.Msg(q.lang, "web_confidence")}}
	for _, r := range rows {
		if f.match(r) {
			d.Rows = append(d.Rows, r)
		}
	}
	sortRows(d.Rows, f.Sort, f.Desc)
	d.Groups = groups(rows, f, q.lang)
	d.Columns = columns(f, q.lang)
	for _, c := range d.Columns {
		d.L.Cols = append(d.L.Cols, c.Label)
	}
	h.render(q.w, 200, "portfolio", q.page(flows.Msg(q.lang, "web_portfolio"), "portfolio", d))
	return nil
}

// portfolioRows reads the viewer's companies and their facts in a fixed
// number of statements.
func (h *Handler) portfolioRows(ctx context.Context, tx store.Tx, viewer store.Person, lang string) ([]row, error) {
	companies, err := bot.VisibleCompanies(ctx, tx, viewer)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(companies))
	for i, c := range companies {
		ids[i] = c.ID
	}
	facts, err := tx.PortfolioFacts(ctx, ids, visitFlows, portfolioTags)
	if err != nil {
		return nil, err
	}
	today := h.cfg.Now().In(h.cfg.Location).Format("2006-01-02")
	l := labeler{flows: h.cfg.Flows, lang: lang}
	rows := make([]row, 0, len(companies))
	for _, c := range companies {
		f := facts[c.ID]
		r := row{ID: c.ID, Name: c.Name, Advisors: joinNames(f.Advisors), Municipality: c.Municipality,
			Stage: c.Stage, Commitment: f.Commitment.Text, CommitDue: f.Commitment.Due, Followup: f.NextFollowup.Due}
		for _, a := range f.Advisors {
			r.AdvisorIDs = append(r.AdvisorIDs, a.ID)
			r.AdvisorNames = append(r.AdvisorNames, personName(a))
		}
		if r.Stage == "" {
			r.Stage = l.tagged(bot.FlowIntake, f.Tagged["stage"])
		}
		if w, ok := f.Tagged["wall.main"]; ok && !w.Skipped {
			r.WallID, r.Wall = w.Value, l.tagged(bot.FlowDebrief, w)
		}
		if !f.LastVisit.IsZero() {
			r.LastVisit = f.LastVisit.In(h.cfg.Location).Format("2006-01-02")
		}
		r.Overdue = r.Followup != "" && r.Followup < today
		r.CheckIn = l.tagged(bot.FlowCheckin, f.Tagged["checkin.status"])
		if c, ok := f.Tagged["checkin.confidence"]; ok && !c.Skipped {
			r.Confidence = c.Value
		}
		if f.Referral.ID != 0 {
			r.Referral = l.referral(f.Referral)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// labeler shows stored answers as people read them.
type labeler struct {
	flows *flows.Set
	lang  string
}

// tagged shows the answer a tagged step of flowID stored.
func (l labeler) tagged(flowID string, a store.Answer) string {
	if a.Value == "" || a.Skipped {
		return ""
	}
	if a.Sensitive {
		return ""
	}
	f, ok := l.flows.Get(flowID)
	if !ok {
		return a.Value
	}
	s, ok := f.StepByTag(a.Tag)
	if !ok {
		return a.Value
	}
	return f.Display(s, flows.Answer{Value: a.Value}, l.lang)
}

// referralStatus is the catalog key of each referral status.
var referralStatus = map[string]string{
	"pending":  "web_referral_pending",
	"accepted": "web_referral_accepted",
	"done":     "web_referral_done",
	"failed":   "web_referral_failed",
}

func (l labeler) referral(r store.Referral) string {
	targets := l.tagged(bot.FlowDebrief, store.Answer{Tag: "referral.targets", Value: strings.Join(r.Targets, ",")})
	status := r.Status
	if key, ok := referralStatus[r.Status]; ok {
		status = flows.Msg(l.lang, key)
	}
	if targets == "" {
		return status
	}
	return targets + flows.Msg(l.lang, "paren", status)
}

// sortKeys are the sortable columns, in table order; each is labelled by
// the catalog key web_col_<key>.
var sortKeys = []struct{ key string }{
	{"name"}, {"advisor"}, {"stage"}, {"wall"}, {"visit"}, {"commitment"}, {"followup"}, {"checkin"}, {"referral"},
}

func sortValue(r row, key string) string {
	switch key {
	case "advisor":
		return r.Advisors
	case "stage":
		return r.Stage
	case "wall":
		return r.Wall
	case "visit":
		return r.LastVisit
	case "commitment":
		return r.CommitDue + r.Commitment
	case "followup":
		return r.Followup
	case "checkin":
		return r.Confidence + r.CheckIn
	case "referral":
		return r.Referral
	}
	return r.Name
}

// sortRows sorts by key; empty values go last either way.
func sortRows(rows []row, key string, desc bool) {
	slices.SortStableFunc(rows, func(a, b row) int {
		x, y := sortValue(a, key), sortValue(b, key)
		switch {
		case x == y:
			return cmp.Compare(a.Name, b.Name)
		case x == "":
			return 1
		case y == "":
			return -1
		case desc:
			return strings.Compare(y, x)
		}
		return strings.Compare(x, y)
	})
}

func columns(f filters, lang string) []column {
	var cols []column
	for _, k := range sortKeys {
		c := column{Label: flows.Msg(lang, "web_col_"+k.key)}
		key := k.key
		cur := f.Sort
		if cur == "" {
			cur = "name"
		}
		g := f
		g.Sort, g.Desc = key, false
		if cur == key {
			g.Desc = !f.Desc
			c.Arrow = "▲"
			if f.Desc {
				c.Arrow = "▼"
			}
		}
		c.URL = "/app/" + g.query("sort", key)
		cols = append(cols, c)
	}
	return cols
}

// groups are the filter choices with how many companies each holds.
func groups(rows []row, f filters, lang string) []filterGroup {
	type opt struct {
		value, label string
		n            int
	}
	count := func(key func(row) [][2]string) []opt {
		idx := map[string]int{}
		var out []opt
		for _, r := range rows {
			for _, kv := range key(r) {
				if kv[0] == "" {
					continue
				}
				i, ok := idx[kv[0]]
				if !ok {
					i = len(out)
					idx[kv[0]] = i
					out = append(out, opt{value: kv[0], label: kv[1]})
				}
				out[i].n++
			}
		}
		slices.SortFunc(out, func(a, b opt) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.label, b.label)) })
		return out
	}
	build := func(label, key, current string, opts []opt) filterGroup {
		g := filterGroup{Label: label}
		for _, o := range opts {
			v := o.value
			if v == current { // a second tap clears the filter
				v = ""
			}
			g.Options = append(g.Options, filterOption{Label: o.label, Count: o.n, Selected: current == o.value,
				URL: "/app/" + f.query(key, v)})
		}
		return g
	}
	advisors := count(func(r row) [][2]string {
		var kv [][2]string
		for i, id := range r.AdvisorIDs {
			kv = append(kv, [2]string{strconv.FormatInt(id, 10), r.AdvisorNames[i]})
		}
		return kv
	})
	walls := count(func(r row) [][2]string { return [][2]string{{r.WallID, r.Wall}} })
	stages := count(func(r row) [][2]string { return [][2]string{{r.Stage, r.Stage}} })
	munis := count(func(r row) [][2]string { return [][2]string{{r.Municipality, r.Municipality}} })
	overdue := 0
	for _, r := range rows {
		if r.Overdue {
			overdue++
		}
	}
	gs := []filterGroup{
		build(flows.Msg(lang, "web_advisor"), "advisor", f.Advisor, advisors),
		build(flows.Msg(lang, "web_main_wall"), "wall", f.Wall, walls),
		build(flows.Msg(lang, "web_stage"), "stage", f.Stage, stages),
		build(flows.Msg(lang, "web_municipality"), "municipality", f.Municipality, munis),
	}
	od := "1"
	if f.Overdue {
		od = ""
	}
	gs = append(gs, filterGroup{Label: flows.Msg(lang, "web_follow_up"), Options: []filterOption{{
		Label: flows.Msg(lang, "web_overdue2"), Count: overdue, Selected: f.Overdue, URL: "/app/" + f.query("overdue", od)}}})
	return gs
}
