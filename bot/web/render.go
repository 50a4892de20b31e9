package web

import (
	"bytes"
	"fmt"
	"github.com/bansou/bansou/flows"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/bansou/bansou/store"
)

// page is what every template gets.
type page struct {
	Lang   string
	Title  string
	Nav    string // portfolio, trends or "" (the current tab)
	Viewer string
	CSRF   string
	Data   any
}

func langOf(p store.Person) string {
	if p.Locale == "en" {
		return "en"
	}
	return "ja"
}

// catalogText is the catalog's wording of key in lang, for the templates.
func catalogText(lang, key string, args ...any) string { return flows.Msg(lang, key, args...) }

var funcs = template.FuncMap{
	"msg": catalogText,
	"add": func(a, b int) int { return a + b },
}

// render writes the page named name whole, or nothing and an error page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, p page) {
	var buf bytes.Buffer
	buf.Grow(16<<10 + rowBytes*rowCount(p.Data)) // one allocation for the page, not a dozen
	if err := h.pages[name].Execute(&buf, p); err != nil {
		h.log.Error("web template failed", "page", name, "error", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// msg is a notice: the catalog keys of its title and text.
type msg struct{ title, text string }

var (
	msgSignedOut     = msg{"web_signin_title", "web_signed_out"}
	msgLinkInvalid   = msg{"web_link_invalid_title", "web_link_invalid"}
	msgBadCSRF       = msg{"web_bad_csrf_title", "web_bad_csrf"}
	msgNotFound      = msg{"web_not_found_title", "web_not_found"}
	msgError         = msg{"web_error_title", "web_error"}
	msgSignedOutDone = msg{"web_signed_out_done_title", "web_signed_out_done"}
)

func (h *Handler) message(w http.ResponseWriter, status int, lang string, m msg) {
	h.render(w, status, "message", page{Lang: lang, Title: flows.Msg(lang, m.title), Data: flows.Msg(lang, m.text)})
}

// pageFor fills the common fields of a signed-in page.
func (q *request) page(title, nav string, data any) page {
	return page{Lang: q.lang, Title: title, Nav: nav, Viewer: q.viewer.Name, CSRF: q.csrf, Data: data}
}

// dayText writes a YYYY-MM-DD date as 12/3(火) or Dec 3 (Tue).
func dayText(lang, iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return dateText(lang, d)
}

func dateText(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if lang == "en" {
		return t.Format("2006-01-02 (Mon)")
	}
	wd := []string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()]
	return fmt.Sprintf("%d/%d/%d(%s)", t.Year(), int(t.Month()), t.Day(), wd)
}

func joinNames(ps []store.Person) string {
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, personName(p))
	}
	return strings.Join(names, "、")
}

// personName is the person's name, or #id when none was recorded.
func personName(p store.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return fmt.Sprintf("#%d", p.ID)
}

// rowBytes is about what one portfolio row takes in HTML.
const rowBytes = 1100

func rowCount(data any) int {
	if d, ok := data.(portfolioData); ok {
		return len(d.Rows)
	}
	return 0
}
