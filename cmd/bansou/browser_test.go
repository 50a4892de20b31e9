package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/web/webtest"
)

// TestBrowserDesk drives a real headless Chromium over the DevTools
// protocol against bansou serve on a seeded store: sign in through the
// link, open the portfolio, filter by a wall, open a company, read the
// trend charts' bars, and save screenshots of the three pages (to
// BANSOU_SCREENSHOTS, or a temporary directory). Without Chromium or the
// Japanese fonts the test fails on CI and is skipped elsewhere.
func TestBrowserDesk(t *testing.T) {
	chromium := webtest.FindChromium()
	if chromium == "" || !webtest.HasJapaneseFonts() {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium (found %q) or fonts-noto-cjk is not installed (.ci/run installs both with apt-get)", chromium)
		}
		t.Skip("chromium or fonts-noto-cjk is not installed; apt-get install -y chromium fonts-noto-cjk")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	env := map[string]string{}
	r := startServe(t, env)
	db := env["BANSOU_DATABASE_URL"]
	loc, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now().In(loc)
	st, err := openStore(ctx, db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := webtest.Fill(ctx, st, webtest.Options{Companies: 24, Advisors: 4, Now: now})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"web-link", "--slack-id", webtest.CoordinatorSlackID, "--db", db},
		envOf(map[string]string{"BANSOU_PUBLIC_URL": r.base}), time.Now, strings.NewReader(""), &out, &errOut)
	if code != 0 {
		t.Fatalf("web-link: %d %s", code, errOut.String())
	}
	link := strings.TrimSpace(out.String())

	shots := os.Getenv("BANSOU_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	b, err := webtest.StartBrowser(ctx, chromium, t.TempDir(), 1280, 900)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string, out any) {
		t.Helper()
		step(js, b.Eval(ctx, js, out))
	}

	// Sign in through the link.
	step("open the link", b.Navigate(ctx, link))
	step("press sign in", b.Click(ctx, `form[action="/app/signin"] button`))
	var path string
	eval(`location.pathname`, &path)
	if path != "/app/" {
		t.Fatalf("after sign-in the browser is at %q, want /app/", path)
	}
	var n int
	eval(`document.querySelectorAll("tr[data-company]").length`, &n)
	if n != len(seed.Companies) {
		t.Errorf("portfolio shows %d companies, want %d", n, len(seed.Companies))
	}
	step("screenshot", b.Screenshot(ctx, shots+"/portfolio.png", 0))

	// Filter by a wall.
	wall := "tarinai"
	want := 0
	for _, w := range seed.Walls {
		if w.Value == wall {
			want++
		}
	}
	step("filter by a wall", b.Click(ctx, `a.chip[href*="wall=`+wall+`"]`))
	var chipCount string
	eval(`document.querySelector("a.chip.on b").textContent`, &chipCount)
	eval(`document.querySelectorAll("tr[data-company]").length`, &n)
	if n != want || chipCount != fmt.Sprint(want) {
		t.Errorf("filtered by %s: %d rows, chip says %s; want %d", wall, n, chipCount, want)
	}
	var walls []string
	eval(`[...document.querySelectorAll("tr[data-company] td:nth-of-type(3)")].map(td => td.textContent.trim())`, &walls)
	for _, w := range walls {
		if w != walls[0] || w == "" {
			t.Errorf("filtered rows show walls %v, want one wall", walls)
			break
		}
	}

	// Open a company.
	var name string
	eval(`document.querySelector("tr[data-company] th a").textContent`, &name)
	step("open a company", b.Click(ctx, `tr[data-company] th a`))
	var h1 string
	eval(`document.querySelector("h1").textContent`, &h1)
	eval(`location.pathname`, &path)
	if !strings.HasPrefix(path, "/app/companies/") || !strings.Contains(h1, name) {
		t.Errorf("company page at %q titled %q, want %s", path, h1, name)
	}
	var marked int
	eval(`document.querySelectorAll("dt .sensitive").length`, &marked)
	if marked == 0 {
		t.Error("the 要配慮 answer is not marked on the coordinator's company page")
	}
	step("screenshot", b.Screenshot(ctx, shots+"/company.png", 0))

	// Printed on A4: no navigation, no forms.
	step("print media", b.Media(ctx, "print"))
	var header string
	eval(`getComputedStyle(document.querySelector("header.top")).display`, &header)
	if header != "none" {
		t.Errorf("the header prints (display %q)", header)
	}
	step("screenshot", b.Screenshot(ctx, shots+"/company-print.png", 0))
	step("screen media", b.Media(ctx, ""))

	// On a phone the portfolio's rows stack: no sideways scrolling.
	step("phone", b.Resize(ctx, 390, 844, true))
	step("open the portfolio", b.Navigate(ctx, r.base+"/app/"))
	var overflow bool
	eval(`document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
	if overflow {
		t.Error("the portfolio scrolls sideways on a phone")
	}
	step("screenshot", b.Screenshot(ctx, shots+"/portfolio-phone.png", 1400))
	step("desktop", b.Resize(ctx, 1280, 900, false))

	// Trends: the bars drawn per chart.
	step("open trends", b.Navigate(ctx, r.base+"/app/trends?period=fy"))
	var charts map[string]struct {
		Bars  int     `json:"bars"`
		Width float64 `json:"width"`
	}
	eval(`Object.fromEntries([...document.querySelectorAll("svg[data-chart]")].map(s =>
		[s.dataset.chart, {bars: s.querySelectorAll("rect.bar").length, width: s.getBoundingClientRect().width}]))`, &charts)
	fy := now.Year()
	if now.Month() < time.April {
		fy--
	}
	from := time.Date(fy, time.April, 1, 0, 0, 0, 0, loc)
	wantWalls := map[string]bool{}
	for _, w := range seed.Walls {
		if !w.At.Before(from) && w.At.Before(from.AddDate(1, 0, 0)) {
			wantWalls[w.At.In(loc).Format("2006-01")+w.Value] = true
		}
	}
	for id, want := range map[string]int{"walls": len(wantWalls), "stages": 4, "load": 4} {
		if got := charts[id]; got.Bars != want || got.Width < 100 {
			t.Errorf("chart %s: %d bars %.0f px wide, want %d bars drawn", id, got.Bars, got.Width, want)
		}
	}
	if len(charts) != 6 {
		t.Errorf("%d charts, want 6", len(charts))
	}
	step("screenshot", b.Screenshot(ctx, shots+"/trends.png", 0))
	t.Logf("screenshots in %s", shots)
}
