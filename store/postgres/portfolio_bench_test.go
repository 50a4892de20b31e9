package postgres

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/web"
	"github.com/bansou/bansou/bot/web/webtest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// portfolioDesk is the web desk on a PostgreSQL store whose statements are
// counted, seeded with a portfolio.
type portfolioDesk struct {
	counter *statementCounter
	handler http.Handler
	cookie  string
	seed    webtest.Seed
}

func newPortfolioDesk(tb testing.TB, companies, advisors int, viewer string) *portfolioDesk {
	tb.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(pgtest.EmptyDB(tb))
	if err != nil {
		tb.Fatal(err)
	}
	d := &portfolioDesk{counter: &statementCounter{}}
	cfg.ConnConfig.Tracer = d.counter
	db, err := openConfig(ctx, cfg, time.Now)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	loc, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, loc)
	if d.seed, err = webtest.Fill(ctx, db, webtest.Options{Companies: companies, Advisors: advisors, Now: now}); err != nil {
		tb.Fatal(err)
	}
	set, err := flows.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	clock := func() time.Time { return now }
	// A staff list as in production: an advisor's pages check they are still staff.
	staff := bot.NewStaff(nil, []string{webtest.CoordinatorSlackID}, true)
	var group []string
	for i := range advisors {
		group = append(group, webtest.AdvisorSlackID(i))
	}
	staff.SetGroup(group)
	b, err := bot.New(bot.Config{Store: db, Flows: set, Now: clock, Location: loc, PublicURL: "http://localhost", Staff: staff})
	if err != nil {
		tb.Fatal(err)
	}
	h, err := web.New(web.Config{Auth: b, Store: db, Flows: set, Location: loc, Now: clock})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	d.handler = mux
	l, err := b.WebLink(ctx, bot.ChannelSlack, viewer)
	if err != nil {
		tb.Fatal(err)
	}
	token := l.URL[strings.Index(l.URL, "?t=")+3:]
	req := httptest.NewRequest("POST", "/app/signin", strings.NewReader("t="+token))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		tb.Fatalf("sign-in: %d", rec.Code)
	}
	d.cookie = strings.Split(rec.Header().Get("Set-Cookie"), ";")[0]
	return d
}

// page gets path and returns its status, body and statement count.
func (d *portfolioDesk) page(path string) (int, string, int64) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Cookie", d.cookie)
	rec := httptest.NewRecorder()
	d.counter.reset()
	d.handler.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), d.counter.count()
}

// The portfolio page runs the same few statements for 10 companies as for
// 50: no query per company.
func TestPortfolioStatementsDoNotGrowWithCompanies(t *testing.T) {
	t.Parallel()
	for _, viewer := range []string{webtest.CoordinatorSlackID, webtest.AdvisorSlackID(0)} {
		var counts []int64
		for _, n := range []int{10, 50} {
			d := newPortfolioDesk(t, n, 4, viewer)
			for _, path := range []string{"/app/", "/app/?wall=tarinai&sort=followup&dir=desc"} {
				status, body, statements := d.page(path)
				if status != 200 || !strings.Contains(body, "data-company=") {
					t.Fatalf("%s as %s with %d companies: %d", path, viewer, n, status)
				}
				counts = append(counts, statements)
			}
		}
		if slices.Max(counts) > 10 || slices.Min(counts) != slices.Max(counts) {
			t.Errorf("portfolio as %s ran %v statements (10 and 50 companies), want the same number ≤ 10", viewer, counts)
		}
		t.Logf("portfolio as %s: %v statements", viewer, counts)
	}
}

// BenchmarkPortfolio renders the coordinator's portfolio of 1,000
// companies and 40 advisors on PostgreSQL, through the handler, and reports
// the latency percentiles and the statements per page:
//
//	go test -run '^$' -bench Portfolio -benchtime 200x ./store/postgres/
func BenchmarkPortfolio(b *testing.B) {
	d := newPortfolioDesk(b, 1000, 40, webtest.CoordinatorSlackID)
	if status, body, _ := d.page("/app/"); status != 200 || strings.Count(body, "data-company=") != 1000 {
		b.Fatalf("portfolio: %d with %d rows", status, strings.Count(body, "data-company="))
	}
	// Warm up: the first reads of freshly seeded rows write their hint bits
	// and the first plans lack statistics; a store in use is past both.
	for range 10 {
		d.page("/app/")
	}
	times := make([]time.Duration, 0, b.N)
	var statements int64
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		status, _, n := d.page("/app/")
		times = append(times, time.Since(start))
		if status != 200 {
			b.Fatalf("portfolio: %d", status)
		}
		statements = max(statements, n)
	}
	b.StopTimer()
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(float64(len(times))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(times[0].Microseconds())/1000, "min-ms") // the closest to an idle machine
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(statements), "statements/page")
	if statements > 10 {
		b.Errorf("%d statements per page, want ≤ 10", statements)
	}
}
