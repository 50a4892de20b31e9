package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store/export"
)

// export sends the same CSV as `bansou export` for the companies the
// portfolio shows with the posted filters, 要配慮 answers left out.
func (h *Handler) export(ctx context.Context, q *request) error {
	form := q.r.PostForm
	from, err1 := flows.ParseISODate(form.Get("from"))
	to, err2 := flows.ParseISODate(form.Get("to"))
	if err1 != nil || err2 != nil || to.Before(from) {
		h.message(q.w, http.StatusBadRequest, q.lang, msg{"web_csv_title", "web_bad_period"})
		return nil
	}
	kind := form.Get("kind")
	if kind != "answers" {
		kind = "sessions"
	}
	rows, err := h.portfolioRows(ctx, q.tx, q.viewer, q.lang)
	if err != nil {
		return err
	}
	f := readFilters(form)
	shown := map[int64]bool{}
	for _, r := range rows {
		if f.match(r) {
			shown[r.ID] = true
		}
	}
	o := export.Options{From: from, To: to, Location: h.cfg.Location, Flows: h.cfg.Flows, Lang: q.lang, Companies: shown}
	var buf bytes.Buffer
	if _, err := export.WriteOne(ctx, q.tx, o, kind, &buf); err != nil {
		return err
	}
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, export.FileName(kind, from, to)))
	_, err = buf.WriteTo(q.w)
	return err
}
