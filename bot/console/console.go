// Package console is the terminal adapter of bansou (bansou try): it reads
// one line per turn and renders prompts as numbered lists with the
// listening hint, so a debrief can be typed or scripted.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// Console writes replies to a terminal.
type Console struct {
	mu sync.Mutex
	w  io.Writer
}

// New returns a Console writing to w.
func New(w io.Writer) *Console { return &Console{w: w} }

var _ bot.Sender = (*Console)(nil)

// Send renders one reply.
func (c *Console) Send(_ context.Context, r bot.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := io.WriteString(c.w, Render(r))
	return err
}

// Handler is what the console drives: the bot's turn.
type Handler interface {
	Handle(ctx context.Context, in bot.Incoming) error
}

// Run reads lines from r until EOF and hands each to h as the person
// userID. When echo is set each line is printed after "> ", so a scripted
// session reads as a transcript.
func (c *Console) Run(ctx context.Context, h Handler, r io.Reader, userID string, echo bool) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if echo {
			c.mu.Lock()
			fmt.Fprintf(c.w, "> %s\n", bot.CleanText(line)) // what is kept, not raw control bytes
			c.mu.Unlock()
		}
		in := bot.Incoming{EventID: "", Channel: bot.ChannelConsole, UserID: userID, Text: line}
		if err := h.Handle(ctx, in); err != nil {
			return fmt.Errorf("console: line %d: %w", n, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Render turns a reply into terminal text.
func Render(r bot.Reply) string {
	var b strings.Builder
	if r.Text != "" {
		b.WriteString(r.Text + "\n")
	}
	if r.Prompt != nil {
		if r.Company != "" {
			b.WriteString("【" + r.Company + "】")
		}
		renderPrompt(&b, r.Prompt, r.Lang)
	}
	b.WriteString("\n")
	return b.String()
}

func renderPrompt(b *strings.Builder, p *flows.Prompt, lang string) {
	if len(p.Review) > 0 {
		b.WriteString(tr(lang, "── 確認 ──", "── Review ──") + "\n")
		for _, l := range p.Review {
			fmt.Fprintf(b, "  %d. %s: %s\n", l.N, l.Label, l.Value)
		}
	}
	if p.Total > 0 {
		fmt.Fprintf(b, "[%d/%d] ", p.Number, p.Total)
	}
	b.WriteString(p.Text + "\n")
	if p.Hint != "" {
		b.WriteString("  (" + tr(lang, "ヒント", "Tip") + ": " + p.Hint + ")\n")
	}
	switch p.StepID {
	case flows.EditStep:
		return // the review above is the list to choose from
	case flows.ReviewStep:
		// Items are numbered; the actions are words, so a number never
		// saves or discards.
		b.WriteString("  " + tr(lang, "「保存」で保存 ／ 番号で修正（例: 3）／「やめる」で中止",
			"save to save / a number to change that item (e.g. 3) / cancel to stop") + "\n")
		return
	}
	for i, o := range p.Options {
		fmt.Fprintf(b, "  %d. %s\n", i+1, o.Label)
	}
	if g := guide(p, lang); g != "" {
		b.WriteString("  " + g + "\n")
	}
	if p.Current != "" {
		b.WriteString("  " + tr(lang, "いまの回答", "Current answer") + ": " + p.Current + "\n")
	}
}

// guide says how to answer a prompt of each kind.
func guide(p *flows.Prompt, lang string) string {
	var g string
	switch p.Kind {
	case flows.KindMulti:
		g = tr(lang, "番号を「1,3」のように。複数選べます", "Numbers like 1,3; several allowed")
	case flows.KindDate:
		g = or(p.Format, tr(lang, "例: 12/3、12月3日、来週火曜、+14d", "e.g. 12/3, 2026-12-03, +14d"))
	case flows.KindNumber:
		g = p.Format
	case flows.KindYesNo:
		g = tr(lang, "はい / いいえ", "yes / no")
		if p.Format != "" {
			g = p.Format
		}
	case flows.KindScale:
		g = tr(lang, "1〜5の数字で", "A number from 1 to 5")
	case flows.KindCompany:
		if len(p.Options) > 0 {
			g = tr(lang, "番号、または新しい企業名を入力", "A number, or a new company's name")
		} else {
			g = tr(lang, "企業名（屋号）を入力", "Type the company name")
		}
	}
	if p.Optional {
		g = strings.TrimSpace(g + " " + tr(lang, "（「スキップ」で飛ばせます）", "(type skip to skip)"))
	}
	return g
}

func tr(lang, ja, en string) string {
	if lang == "en" {
		return en
	}
	return ja
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
