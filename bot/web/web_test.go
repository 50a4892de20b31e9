package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/web/webtest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/export"
)

func TestSignInFromSlackLinkOpensASession(t *testing.T) {
	d := newDesk(t, 6, 2)
	b := d.browser()
	link := d.link(webtest.CoordinatorSlackID)
	// Opening the link (a Slack preview does) does not use it.
	for range 2 {
		if status, _ := b.get(strings.TrimPrefix(link, d.srv.URL)); status != 200 {
			t.Fatalf("link page: %d", status)
		}
	}
	u, _ := url.Parse(link)
	res, err := b.c.PostForm(d.srv.URL+"/app/signin", url.Values{"t": {u.Query().Get("t")}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/" {
		t.Fatalf("sign-in: %d to %q, want 303 to /app/", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{"bansou_session=", "HttpOnly", "SameSite=Lax", "Path=/app/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, u.Query().Get("t")) {
		t.Error("the cookie holds the link's token")
	}
	status, page := b.get("/app/")
	if status != 200 || !strings.Contains(page, d.seed.Companies[0].Name) {
		t.Fatalf("portfolio after sign-in: %d", status)
	}
}

func TestSecureCookieUnlessLocalHTTP(t *testing.T) {
	d := newDesk(t, 1, 1)
	// A second desk handler with Secure set, on the same store and bot.
	h := secureHandler(t, d)
	link := d.link(webtest.CoordinatorSlackID)
	u, _ := url.Parse(link)
	req := httptestRequest("POST", "/app/signin", url.Values{"t": {u.Query().Get("t")}})
	rec := record(h, req)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Errorf("secure desk: %d, cookie %q: want 303 and a Secure cookie", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}

func TestUsedLinkIsRefused(t *testing.T) {
	d := newDesk(t, 2, 1)
	link := d.link(webtest.CoordinatorSlackID)
	if status, _ := d.browser().useLink(link); status != http.StatusSeeOther {
		t.Fatalf("first use: %d", status)
	}
	other := d.browser()
	status, page := other.useLink(link)
	if status != http.StatusUnauthorized || !strings.Contains(page, "/bansou web") {
		t.Errorf("second use: %d, want 401 and how to get a new link", status)
	}
	if status, _ := other.get("/app/"); status != http.StatusUnauthorized {
		t.Errorf("portfolio after a refused link: %d, want 401", status)
	}
}

func TestExpiredLinkIsRefused(t *testing.T) {
	d := newDesk(t, 2, 1)
	link := d.link(webtest.CoordinatorSlackID)
	d.clock.Add(bot.WebLinkTTL)
	b := d.browser()
	if status, _ := b.useLink(link); status != http.StatusUnauthorized {
		t.Errorf("link used after 10 minutes: %d, want 401", status)
	}
	if status, page := b.get("/app/"); status != http.StatusUnauthorized || strings.Contains(page, d.seed.Companies[0].Name) {
		t.Errorf("portfolio: %d, want 401 and no company", status)
	}
	fresh := d.link(webtest.CoordinatorSlackID)
	d.clock.Add(bot.WebLinkTTL - time.Second)
	if status, _ := b.useLink(fresh); status != http.StatusSeeOther {
		t.Errorf("link used within 10 minutes: %d, want 303", status)
	}
}

func TestBadLinkTokensAreRefused(t *testing.T) {
	d := newDesk(t, 1, 1)
	b := d.browser()
	for _, token := range []string{"", "x", strings.Repeat("A", 43)} {
		if status, _ := b.post("/app/signin", url.Values{"t": {token}}); status != http.StatusUnauthorized {
			t.Errorf("token %q: %d, want 401", token, status)
		}
	}
	if status, _ := b.get("/app/signin"); status != http.StatusBadRequest {
		t.Errorf("link page without a token: %d, want 400", status)
	}
}

func TestSessionEndsAfterEightIdleHours(t *testing.T) {
	d := newDesk(t, 2, 1)
	b := d.signIn(webtest.CoordinatorSlackID)
	for range 3 { // active all day: each visit keeps the session
		d.clock.Add(bot.WebIdleLimit - time.Minute)
		if status, _ := b.get("/app/"); status != 200 {
			t.Fatalf("portfolio after %v idle: %d, want 200", bot.WebIdleLimit-time.Minute, status)
		}
	}
	u, _ := url.Parse(d.srv.URL + "/app/")
	cookie := b.c.Jar.Cookies(u)[0]
	d.clock.Add(bot.WebIdleLimit)
	status, page := b.get("/app/")
	if status != http.StatusUnauthorized || !strings.Contains(page, "/bansou web") || strings.Contains(page, d.seed.Companies[0].Name) {
		t.Errorf("after 8 idle hours: %d, want 401, the way back and no data", status)
	}
	// The ended session stays ended, even for a browser that kept the
	// cookie and a clock turned back.
	d.clock.Add(-bot.WebIdleLimit)
	req, _ := http.NewRequest("GET", d.srv.URL+"/app/", nil)
	req.AddCookie(cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("ended session came back: %d", res.StatusCode)
	}
}

func TestLogoutFromSlackEndsEverySession(t *testing.T) {
	d := newDesk(t, 2, 1)
	phone, laptop := d.signIn(webtest.CoordinatorSlackID), d.signIn(webtest.CoordinatorSlackID)
	adv := d.signIn(webtest.AdvisorSlackID(0))
	n, err := d.bot.WebLogout(t.Context(), bot.ChannelSlack, webtest.CoordinatorSlackID)
	if err != nil || n != 2 {
		t.Fatalf("WebLogout = %d, %v; want 2 sessions ended", n, err)
	}
	for name, b := range map[string]*browser{"phone": phone, "laptop": laptop} {
		if status, _ := b.get("/app/trends"); status != http.StatusUnauthorized {
			t.Errorf("%s after logout: %d, want 401", name, status)
		}
	}
	if status, _ := adv.get("/app/"); status != 200 {
		t.Errorf("another person's session: %d, want 200", status)
	}
}

func TestPostsWithoutTheCSRFTokenAreRefused(t *testing.T) {
	d := newDesk(t, 3, 1)
	b := d.signIn(webtest.CoordinatorSlackID)
	token := b.csrf()
	form := url.Values{"from": {"2026-04-01"}, "to": {"2026-11-30"}, "kind": {"sessions"}}
	for name, csrf := range map[string]string{"none": "", "wrong": strings.Repeat("0", len(token)), "another session's": d.signIn(webtest.AdvisorSlackID(0)).csrf()} {
		f := url.Values{"csrf": {csrf}}
		for k, v := range form {
			f[k] = v
		}
		if status, body := b.post("/app/export", f); status != http.StatusForbidden || strings.Contains(body, d.seed.Companies[0].Name) {
			t.Errorf("export with %s token: %d, want 403 and no data", name, status)
		}
		if status, _ := b.post("/app/signout", url.Values{"csrf": {csrf}}); status != http.StatusForbidden {
			t.Errorf("sign-out with %s token: %d, want 403", name, status)
		}
	}
	if status, _ := b.get("/app/"); status != 200 {
		t.Fatalf("refused sign-outs ended the session: %d", status)
	}
	if status, _ := b.post("/app/signout", url.Values{"csrf": {token}}); status != 200 {
		t.Fatalf("sign-out with the token: %d", status)
	}
	if status, _ := b.get("/app/"); status != http.StatusUnauthorized {
		t.Errorf("after sign-out: %d, want 401", status)
	}
}

func TestSignedOutPagesShowNothing(t *testing.T) {
	d := newDesk(t, 2, 1)
	b := d.browser()
	for _, path := range []string{"/app/", "/app/trends", fmt.Sprintf("/app/companies/%d", d.seed.Companies[0].ID)} {
		status, page := b.get(path)
		if status != http.StatusUnauthorized || strings.Contains(page, d.seed.Companies[0].Name) {
			t.Errorf("%s signed out: %d, want 401 and no data", path, status)
		}
	}
	if status, _ := b.post("/app/export", url.Values{"from": {"2026-04-01"}, "to": {"2026-11-30"}}); status != http.StatusUnauthorized {
		t.Errorf("export signed out: %d, want 401", status)
	}
}

func TestPortfolioShowsAdvisorsOnlyTheirCompanies(t *testing.T) {
	d := newDesk(t, 9, 3)
	mine, others := d.ofAdvisor(1)
	status, page := d.signIn(webtest.AdvisorSlackID(1)).get("/app/")
	if status != 200 {
		t.Fatalf("portfolio: %d", status)
	}
	if got := rows(page); got != len(mine) {
		t.Errorf("advisor sees %d rows, want their %d companies", got, len(mine))
	}
	for _, c := range mine {
		if !strings.Contains(page, c.Name) {
			t.Errorf("own company %s missing", c.Name)
		}
	}
	for _, c := range others {
		if strings.Contains(page, c.Name) {
			t.Errorf("another advisor's company %s is shown", c.Name)
		}
	}
	status, page = d.signIn(webtest.CoordinatorSlackID).get("/app/")
	if status != 200 || rows(page) != len(d.seed.Companies) {
		t.Errorf("coordinator sees %d rows (%d), want all %d", rows(page), status, len(d.seed.Companies))
	}
}

var rowRE = regexp.MustCompile(`<tr[^>]*data-company="(\d+)"`)

func rows(page string) int { return len(rowRE.FindAllString(page, -1)) }

func rowIDs(page string) []string {
	var ids []string
	for _, m := range rowRE.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestPortfolioFiltersCountAndSort(t *testing.T) {
	d := newDesk(t, 12, 3)
	b := d.signIn(webtest.CoordinatorSlackID)
	_, page := b.get("/app/")
	wantWall := 0
	for _, w := range d.seed.Walls {
		if w.Value == "tarinai" {
			wantWall++
		}
	}
	status, filtered := b.get("/app/?wall=tarinai")
	if status != 200 || rows(filtered) != wantWall {
		t.Errorf("wall filter: %d rows (%d), want %d", rows(filtered), status, wantWall)
	}
	// The chip shows the count it filters to.
	chip := regexp.MustCompile(`href="/app/\?wall=tarinai"[^>]*>[^<]*<b>(\d+)</b>`).FindStringSubmatch(page)
	if chip == nil || chip[1] != strconv.Itoa(wantWall) {
		t.Errorf("wall chip count = %v, want %d", chip, wantWall)
	}
	overdue := 0
	for _, late := range d.seed.Overdue {
		if late {
			overdue++
		}
	}
	_, late := b.get("/app/?overdue=1")
	if rows(late) != overdue || overdue == 0 || !strings.Contains(late, `class="overdue"`) {
		t.Errorf("overdue filter: %d rows, want %d (marked overdue)", rows(late), overdue)
	}
	_, byName := b.get("/app/?sort=name")
	_, byNameDesc := b.get("/app/?sort=name&dir=desc")
	asc, desc := rowIDs(byName), rowIDs(byNameDesc)
	if len(asc) != 12 || asc[0] != desc[len(desc)-1] || asc[0] != strconv.FormatInt(d.seed.Companies[0].ID, 10) {
		t.Errorf("sort by name: asc %v desc %v", asc, desc)
	}
	_, byVisit := b.get("/app/?sort=visit&dir=desc")
	// The newest visit is the first company's (1 day ago).
	if ids := rowIDs(byVisit); ids[0] != strconv.FormatInt(d.seed.Companies[0].ID, 10) {
		t.Errorf("sort by last visit, newest first: %v", ids)
	}
}

func TestCompanyOfAnotherAdvisorIsNotFound(t *testing.T) {
	d := newDesk(t, 4, 2)
	mine, others := d.ofAdvisor(0)
	b := d.signIn(webtest.AdvisorSlackID(0))
	status, page := b.get(fmt.Sprintf("/app/companies/%d", others[0].ID))
	_, missing := b.get("/app/companies/987654")
	if status != http.StatusNotFound || strings.Contains(page, others[0].Name) || strings.Contains(page, webtest.SensitiveText) {
		t.Errorf("another advisor's company: %d, want 404 and no data", status)
	}
	if page != missing {
		t.Error("another advisor's company is told apart from a missing one")
	}
	status, page = b.get(fmt.Sprintf("/app/companies/%d", mine[0].ID))
	if status != 200 || !strings.Contains(page, mine[0].Name) {
		t.Fatalf("own company: %d", status)
	}
	// The assigned advisor sees the 要配慮 answer, marked.
	if !strings.Contains(page, webtest.SensitiveText) || !strings.Contains(page, `class="sensitive"`) {
		t.Error("the assigned advisor does not see the marked 要配慮 answer")
	}
	if !strings.Contains(page, "もう少し若い人に来てほしい") || !strings.Contains(page, `blockquote class="owner"`) {
		t.Error("the owner's words are not set apart")
	}
	for _, p := range []string{"/app/companies/abc", "/app/companies/-1"} {
		if status, _ := b.get(p); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, status)
		}
	}
	status, page = d.signIn(webtest.CoordinatorSlackID).get(fmt.Sprintf("/app/companies/%d", others[0].ID))
	if status != 200 || !strings.Contains(page, webtest.SensitiveText) {
		t.Errorf("coordinator: %d, want 200 with the 要配慮 answer", status)
	}
}

func TestTrendsChartsHaveTheRightBars(t *testing.T) {
	d := newDesk(t, 20, 3)
	status, page := d.signIn(webtest.CoordinatorSlackID).get("/app/trends?period=fy")
	if status != 200 {
		t.Fatalf("trends: %d", status)
	}
	bars := chartBars(page)
	if len(bars) != 6 {
		t.Fatalf("charts %v, want 6", bars)
	}
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, tokyo)
	if got, want := bars["walls"], wallBars(d.seed, from, from.AddDate(1, 0, 0)); got != want {
		t.Errorf("walls chart has %d bar segments, want %d (one per month and wall)", got, want)
	}
	if got, want := bars["stages"], 4; got != want {
		t.Errorf("stage chart has %d bars, want %d", got, want)
	}
	if got, want := bars["load"], 3; got != want {
		t.Errorf("advisor load chart has %d bars, want %d", got, want)
	}
	wantOnTime := map[string][2]int{} // month → on time, due
	for _, f := range d.seed.Followups {
		if day := f.At.In(tokyo); !day.Before(from) && day.Format("2006-01-02") < today.Format("2006-01-02") {
			m := wantOnTime[day.Format("1月")]
			if f.Value != "" {
				m[0]++
			}
			m[1]++
			wantOnTime[day.Format("1月")] = m
		}
	}
	onTimeBars := 0
	for month, m := range wantOnTime {
		want := fmt.Sprintf("<tr><th scope=\"row\">%s</th><td>%d%%</td></tr>", month, (m[0]*100+m[1]/2)/m[1])
		if !strings.Contains(onTimeTable(page), want) {
			t.Errorf("on-time table lacks %s", want)
		}
		if m[0] > 0 {
			onTimeBars++
		}
	}
	if got := chartBars(page)["ontime"]; got != onTimeBars || onTimeBars == 0 {
		t.Errorf("on-time chart has %d bars, want %d", got, onTimeBars)
	}
	if !strings.Contains(onTimeTable(page), "<td>—</td>") {
		t.Error("months with nothing due are not told apart from 0%")
	}
	if !strings.Contains(page, "<table>") || !strings.Contains(page, "<caption") {
		t.Error("no data tables beside the charts")
	}
	// An advisor's trends count their own companies only.
	status, own := d.signIn(webtest.AdvisorSlackID(2)).get("/app/trends?period=fy")
	mine, others := d.ofAdvisor(2)
	if got := chartBars(own); status != 200 || got["load"] != 1 || strings.Contains(own, "支援者01") {
		t.Errorf("advisor's trends: %d, load bars %d, want 1 (themselves)", status, got["load"])
	}
	if !strings.Contains(own, fmt.Sprintf("<tr><th scope=\"row\">支援者03</th><td>%d</td></tr>", len(mine))) || len(others) == 0 {
		t.Errorf("advisor's load table does not count their %d companies", len(mine))
	}
	_, quarter := d.signIn(webtest.CoordinatorSlackID).get("/app/trends")
	if !strings.Contains(quarter, "2026年10月〜2026年12月") {
		t.Error("this quarter is not October to December")
	}
}

func onTimeTable(page string) string {
	_, rest, _ := strings.Cut(page, `id="ontime"`)
	table, _, _ := strings.Cut(rest, "</table>")
	return table
}

var svgRE = regexp.MustCompile(`<svg [^>]*data-chart="(\w+)" data-bars="(\d+)"`)

// chartBars counts the rect.bar of each chart, checked against data-bars.
func chartBars(page string) map[string]int {
	out := map[string]int{}
	for _, part := range strings.Split(page, "<svg ")[1:] {
		m := svgRE.FindStringSubmatch("<svg " + part)
		if m == nil {
			continue
		}
		body, _, _ := strings.Cut(part, "</svg>")
		n := strings.Count(body, `class="bar"`)
		if strconv.Itoa(n) != m[2] {
			n = -1 // the drawing and its own count disagree
		}
		out[m[1]] = n
	}
	return out
}

// wallBars is the number of (month, wall) pairs among the seed's debriefs.
func wallBars(s webtest.Seed, from, to time.Time) int {
	seen := map[string]bool{}
	for _, w := range s.Walls {
		if !w.At.Before(from) && w.At.Before(to) {
			seen[w.At.In(tokyo).Format("2006-01")+w.Value] = true
		}
	}
	return len(seen)
}

func TestCSVForTheFiltersShown(t *testing.T) {
	d := newDesk(t, 10, 2)
	b := d.signIn(webtest.CoordinatorSlackID)
	token := b.csrf()
	status, csv := b.post("/app/export", url.Values{"csrf": {token}, "wall": {"mienai"}, "from": {"2025-01-01"}, "to": {"2026-11-30"}, "kind": {"answers"}})
	if status != 200 || !strings.HasPrefix(csv, "\uFEFF") {
		t.Fatalf("export: %d %.80q", status, csv)
	}
	for _, w := range d.seed.Walls {
		var name string
		for _, c := range d.seed.Companies {
			if c.ID == w.CompanyID {
				name = c.Name
			}
		}
		if in := strings.Contains(csv, name+","); in != (w.Value == "mienai") {
			t.Errorf("%s (wall %s) in the CSV: %v", name, w.Value, in)
		}
	}
	if strings.Contains(csv, webtest.SensitiveText) || !strings.Contains(csv, "要配慮のため省略") {
		t.Error("the CSV holds the 要配慮 answer")
	}
	if status, _ := b.post("/app/export", url.Values{"csrf": {token}, "from": {"2026-12-01"}, "to": {"2026-11-01"}}); status != http.StatusBadRequest {
		t.Errorf("export of a backwards period: %d, want 400", status)
	}
}

func TestPortfolioEscapesWhatPeopleTyped(t *testing.T) {
	d := newDesk(t, 1, 1)
	err := d.st.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		c, err := tx.CreateCompany(ctx, store.Company{Name: `<b>悪</b>"&'`, Municipality: `<i>市</i>`, CreatedAt: today})
		if err != nil {
			return err
		}
		_, err = tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, Text: `<script>alert(1)</script>`, Status: "open", CreatedAt: today})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, page := d.signIn(webtest.CoordinatorSlackID).get("/app/")
	for _, raw := range []string{"<b>悪</b>", "<script>", "<i>市</i>"} {
		if strings.Contains(page, raw) {
			t.Errorf("page holds %s unescaped", raw)
		}
	}
	if !strings.Contains(page, "&lt;b&gt;悪&lt;/b&gt;&#34;&amp;&#39;") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the escaped name or commitment is missing")
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	d := newDesk(t, 2, 1)
	b := d.signIn(webtest.CoordinatorSlackID)
	token := b.csrf()
	req, _ := http.NewRequest("POST", d.srv.URL+"/app/signout", strings.NewReader(url.Values{"csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site sign-out: %d, want 403", res.StatusCode)
	}
	if status, _ := b.get("/app/"); status != 200 {
		t.Errorf("the cross-site post ended the session: %d", status)
	}
	link := d.link(webtest.AdvisorSlackID(0))
	u, _ := url.Parse(link)
	req, _ = http.NewRequest("POST", d.srv.URL+"/app/signin", strings.NewReader(url.Values{"t": {u.Query().Get("t")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	res, err = d.browser().c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusSeeOther {
		t.Error("a cross-site page signed a browser in")
	}
}

// With no filter the desk's CSV is byte for byte the file bansou export
// writes for the same days.
func TestCSVIsTheSameAsBansouExport(t *testing.T) {
	d := newDesk(t, 6, 2)
	b := d.signIn(webtest.CoordinatorSlackID)
	token := b.csrf()
	from, to := flows.DateOf(today.AddDate(0, -6, 0)), flows.DateOf(today)
	res, err := export.Write(t.Context(), d.st, export.Options{From: from, To: to, Location: tokyo, Flows: d.flows, Lang: "ja", Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for kind, path := range map[string]string{"sessions": res.SessionsPath, "answers": res.AnswersPath} {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		status, got := b.post("/app/export", url.Values{"csrf": {token}, "from": {from.String()}, "to": {to.String()}, "kind": {kind}})
		if status != 200 || got != string(want) {
			t.Errorf("%s: %d, the desk's CSV (%d bytes) differs from bansou export's (%d bytes)", kind, status, len(got), len(want))
		}
	}
}

func TestPagesInEnglishForEnglishSpeakers(t *testing.T) {
	d := newDesk(t, 3, 1)
	err := d.st.InTx(t.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleCoordinator, Name: "Alex", Locale: "en", CreatedAt: today}, bot.ChannelSlack, "U-EN")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b := d.signIn("U-EN")
	for path, want := range map[string]string{
		"/app/":       "<h1>Portfolio",
		"/app/trends": "Main walls by month",
		fmt.Sprintf("/app/companies/%d", d.seed.Companies[0].ID): "In the owner&#39;s words",
	} {
		status, page := b.get(path)
		if status != 200 || !strings.Contains(page, want) || !strings.Contains(page, `<html lang="en">`) {
			t.Errorf("%s in English: %d, want %q", path, status, want)
		}
	}
}

// With a staff list, /bansou web from someone who is not staff gets no link
// and leaves no person behind; an advisor removed from the advisor group is
// signed out at their next page, and the session is gone for good.
func TestOnlyStaffUseTheDesk(t *testing.T) {
	staff := bot.NewStaff(nil, []string{webtest.CoordinatorSlackID}, true)
	staff.SetGroup([]string{webtest.AdvisorSlackID(0), webtest.AdvisorSlackID(1)})
	d := newDeskWith(t, 6, 2, staff)
	ctx := t.Context()
	if _, err := d.bot.WebLink(ctx, bot.ChannelSlack, "U-STRANGER"); !errors.Is(err, bot.ErrWebNotStaff) {
		t.Fatalf("a stranger's link: %v, want ErrWebNotStaff", err)
	}
	err := d.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, "U-STRANGER")
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the stranger was stored: %v", err)
	}

	b := d.signIn(webtest.AdvisorSlackID(1))
	if status, _ := b.get("/app/"); status != http.StatusOK {
		t.Fatalf("a staff advisor's portfolio: %d", status)
	}
	staff.SetGroup([]string{webtest.AdvisorSlackID(0)}) // advisor 1 left the group
	if status, page := b.get("/app/"); status != http.StatusUnauthorized || rows(page) != 0 {
		t.Errorf("after leaving the staff: %d with %d rows, want 401 and nothing", status, rows(page))
	}
	staff.SetGroup([]string{webtest.AdvisorSlackID(0), webtest.AdvisorSlackID(1)})
	if status, _ := b.get("/app/"); status != http.StatusUnauthorized {
		t.Errorf("the ended session works again: %d", status)
	}
	if status, _ := d.signIn(webtest.CoordinatorSlackID).get("/app/"); status != http.StatusOK {
		t.Errorf("the coordinator: %d", status)
	}
}
