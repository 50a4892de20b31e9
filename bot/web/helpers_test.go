package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/web"
	"github.com/bansou/bansou/bot/web/webtest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

var tokyo = mustZone("Asia/Tokyo")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// today is the story's now: a Tuesday in November (fiscal year from April).
var today = time.Date(2026, 11, 24, 10, 0, 0, 0, tokyo)

// desk is the web desk on a real listener over a seeded SQLite file.
type desk struct {
	t     *testing.T
	st    store.Store
	clock *bottest.Clock
	bot   *bot.Bot
	srv   *httptest.Server
	seed  webtest.Seed
	flows *flows.Set
}

func newDesk(t *testing.T, companies, advisors int) *desk {
	t.Helper()
	return newDeskWith(t, companies, advisors, nil)
}

// newDeskWith is newDesk with the Slack staff list (nil: open enrolment).
func newDeskWith(t *testing.T, companies, advisors int, staff *bot.Staff) *desk {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := webtest.Fill(ctx, st, webtest.Options{Companies: companies, Advisors: advisors, Now: today})
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{t: t, st: st, clock: bottest.NewClock(today), seed: seed, flows: set}
	d.srv = httptest.NewUnstartedServer(nil)
	d.srv.Start()
	t.Cleanup(d.srv.Close)
	d.bot, err = bot.New(bot.Config{Store: st, Flows: set, Now: d.clock.Now, Location: tokyo, PublicURL: d.srv.URL, Staff: staff})
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{Auth: d.bot, Store: st, Flows: set, Location: tokyo, Now: d.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	d.srv.Config.Handler = mux
	return d
}

// link asks the bot for a sign-in link, as /bansou web does.
func (d *desk) link(slackID string) string {
	d.t.Helper()
	l, err := d.bot.WebLink(d.t.Context(), bot.ChannelSlack, slackID)
	if err != nil {
		d.t.Fatal(err)
	}
	if !strings.HasPrefix(l.URL, d.srv.URL+"/app/signin?t=") {
		d.t.Fatalf("link %q is not a sign-in link of %s", l.URL, d.srv.URL)
	}
	return l.URL
}

// browser is a client with its own cookies that does not follow redirects.
type browser struct {
	d *desk
	c *http.Client
}

func (d *desk) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{d: d, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn opens a link and presses the button; it must work.
func (d *desk) signIn(slackID string) *browser {
	d.t.Helper()
	b := d.browser()
	status, _ := b.useLink(d.link(slackID))
	if status != http.StatusSeeOther {
		d.t.Fatalf("sign-in answered %d, want 303", status)
	}
	return b
}

// useLink opens the link's page, then posts its token.
func (b *browser) useLink(link string) (int, string) {
	b.d.t.Helper()
	status, page := b.get(strings.TrimPrefix(link, b.d.srv.URL))
	if status != 200 || !strings.Contains(page, `action="/app/signin"`) {
		b.d.t.Fatalf("link page: %d %s", status, page)
	}
	u, _ := url.Parse(link)
	return b.post("/app/signin", url.Values{"t": {u.Query().Get("t")}})
}

func (b *browser) get(path string) (int, string) {
	b.d.t.Helper()
	res, err := b.c.Get(b.d.srv.URL + path)
	if err != nil {
		b.d.t.Fatal(err)
	}
	return read(b.d.t, res)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.d.t.Helper()
	res, err := b.c.PostForm(b.d.srv.URL+path, form)
	if err != nil {
		b.d.t.Fatal(err)
	}
	return read(b.d.t, res)
}

func read(t *testing.T, res *http.Response) (int, string) {
	t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// csrf reads the CSRF token from a signed-in page.
func (b *browser) csrf() string {
	b.d.t.Helper()
	status, page := b.get("/app/")
	if status != 200 {
		b.d.t.Fatalf("portfolio: %d", status)
	}
	_, rest, ok := strings.Cut(page, `name="csrf" value="`)
	if !ok {
		b.d.t.Fatal("no csrf token on the portfolio page")
	}
	token, _, _ := strings.Cut(rest, `"`)
	return token
}

// ofAdvisor lists the companies assigned to the advisor with index i.
func (d *desk) ofAdvisor(i int) (mine, others []store.Company) {
	for _, c := range d.seed.Companies {
		if d.seed.AdvisorOf[c.ID] == d.seed.Advisors[i].ID {
			mine = append(mine, c)
		} else {
			others = append(others, c)
		}
	}
	return mine, others
}

func secureHandler(t *testing.T, d *desk) http.Handler {
	t.Helper()
	h, err := web.New(web.Config{Auth: d.bot, Store: d.st, Flows: d.flows, Location: tokyo, Now: d.clock.Now, Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Routes(mux)
	return mux
}

func httptestRequest(method, path string, form url.Values) *http.Request {
	r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func record(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
