package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Body renders the portfolio's rows. A coordinator's portfolio holds
// hundreds of rows; writing them here with explicit escaping costs a tenth
// of html/template's reflective escaping per field (the page's p99 on
// 1,000 companies depends on it). Every value passes html.EscapeString.
func (d portfolioData) Body() template.HTML {
	var b strings.Builder
	b.Grow(len(d.Rows) * rowBytes)
	e := html.EscapeString
	for _, r := range d.Rows {
		id := strconv.FormatInt(r.ID, 10)
		b.WriteString(`<tr`)
		if r.Overdue {
			b.WriteString(` class="overdue"`)
		}
		b.WriteString(` data-company="` + id + `">`)
		b.WriteString(`<th scope="row"><a href="/app/companies/` + id + `">` + e(r.Name) + `</a>`)
		if r.Municipality != "" {
			b.WriteString(`<br><small>` + e(r.Municipality) + `</small>`)
		}
		b.WriteString(`</th><td data-label="` + e(d.L.Cols[1]) + `">` + e(r.Advisors) + `</td><td data-label="` + e(d.L.Cols[2]) + `">` + e(r.Stage) +
			`</td><td data-label="` + e(d.L.Cols[3]) + `">` + e(r.Wall) + `</td><td data-label="` + e(d.L.Cols[4]) + `">` + e(r.LastVisit) +
			`</td><td data-label="` + e(d.L.Cols[5]) + `">`)
		if r.Commitment != "" {
			b.WriteString(`<q class="owner">` + e(r.Commitment) + `</q>`)
			if r.CommitDue != "" {
				b.WriteString(`<br><small>` + e(d.L.Due) + ` ` + e(r.CommitDue) + `</small>`)
			}
		}
		b.WriteString(`</td><td class="fu" data-label="` + e(d.L.Cols[6]) + `">` + e(r.Followup))
		if r.Overdue {
			b.WriteString(` <strong class="late">` + e(d.L.Overdue) + `</strong>`)
		}
		b.WriteString(`</td><td data-label="` + e(d.L.Cols[7]) + `">` + e(r.CheckIn))
		if r.Confidence != "" {
			b.WriteString(`<br><small>` + e(d.L.Confidence) + ` ` + e(r.Confidence) + `/5</small>`)
		}
		b.WriteString(`</td><td data-label="` + e(d.L.Cols[8]) + `">` + e(r.Referral) + "</td></tr>\n")
	}
	return template.HTML(b.String()) // every value above is escaped
}
