package web

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// chart is a bar chart drawn as inline SVG on the server, with the same
// numbers in a table beside it.
type chart struct {
	ID         string
	Title      string
	Categories []string // one bar per category
	Series     []series // stacked in order; one series is a plain bar chart
	Unit       string   // shown after values in the table, e.g. %
	Max        float64  // the top of the scale; 0: the largest bar
	Horizontal bool     // bars run left to right (long labels)
}

type series struct {
	Name   string
	Values []float64 // one per category; noValue where there is nothing to measure
}

// noValue marks a category with nothing to measure (no follow-up was due):
// no bar, and — in the table, unlike a measured 0.
const noValue = -1

// palette is colour-blind safe (Okabe–Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

// Bars counts the drawn bar segments (non-zero values).
func (c chart) Bars() int {
	n := 0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v > 0 {
				n++
			}
		}
	}
	return n
}

func (c chart) total(i int) float64 {
	t := 0.0
	for _, s := range c.Series {
		t += max(s.Values[i], 0)
	}
	return t
}

func (c chart) top() float64 {
	top := c.Max
	for i := range c.Categories {
		top = max(top, c.total(i))
	}
	if top <= 0 {
		top = 1
	}
	return top
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// SVG draws the chart. Every text is escaped.
func (c chart) SVG() template.HTML {
	if c.Horizontal {
		return c.horizontal()
	}
	const w, h, left, bottom, top = 560, 260, 36, 40, 10
	n := max(len(c.Categories), 1)
	slot := float64(w-left-10) / float64(n)
	bar := slot * 0.6
	scale := float64(h-bottom-top) / c.top()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" data-chart="%s" data-bars="%d">`,
		w, h, c.ID, c.ID, c.Bars())
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, c.ID, html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>`, left, h-bottom, w-10, h-bottom)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>`, left-4, top+8, num(c.top()))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end">0</text>`, left-4, h-bottom)
	for i, cat := range c.Categories {
		x := float64(left) + slot*float64(i) + (slot-bar)/2
		y := float64(h - bottom)
		for si, s := range c.Series {
			v := s.Values[i]
			if v <= 0 {
				continue
			}
			bh := v * scale
			y -= bh
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s%s</title></rect>`,
				x, y, bar, bh, palette[si%len(palette)], html.EscapeString(cat), html.EscapeString(s.Name), num(v), html.EscapeString(c.Unit))
		}
		if t := c.total(i); t > 0 && len(c.Series) == 1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%s</text>`, x+bar/2, y-3, num(t))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" text-anchor="middle">%s</text>`, x+bar/2, h-bottom+16, html.EscapeString(cat))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built above from escaped text only
}

func (c chart) horizontal() template.HTML {
	const w, left, right, row = 560, 150, 40, 26
	h := max(len(c.Categories), 1)*row + 10
	scale := float64(w-left-right) / c.top()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" data-chart="%s" data-bars="%d">`,
		w, h, c.ID, c.ID, c.Bars())
	fmt.Fprintf(&b, `<title id="%s-t">%s</title>`, c.ID, html.EscapeString(c.Title))
	for i, cat := range c.Categories {
		y := float64(5 + i*row)
		x := float64(left)
		for si, s := range c.Series {
			v := s.Values[i]
			if v <= 0 {
				continue
			}
			bw := v * scale
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"><title>%s %s: %s%s</title></rect>`,
				x, y, bw, row-8, palette[si%len(palette)], html.EscapeString(cat), html.EscapeString(s.Name), num(v), html.EscapeString(c.Unit))
			x += bw
		}
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="12" text-anchor="end">%s</text>`, left-6, y+13, html.EscapeString(clip(cat, 12)))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11">%s</text>`, x+4, y+13, num(c.total(i)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Colors pairs each series with its colour, for the legend.
func (c chart) Colors() []legendItem {
	out := make([]legendItem, len(c.Series))
	for i, s := range c.Series {
		out[i] = legendItem{Name: s.Name, Color: palette[i%len(palette)]}
	}
	return out
}

type legendItem struct {
	Name  string
	Color string
}

// Cell is a table value.
func (c chart) Cell(si, i int) string {
	v := c.Series[si].Values[i]
	if v < 0 {
		return "—"
	}
	return num(v) + c.Unit
}
