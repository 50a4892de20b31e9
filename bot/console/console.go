// Package console is the terminal adapter of bansou (bansou try): it reads
// one line per turn and renders prompts as numbered lists with the
// listening hint, so a debrief can be typed or scripted.
package console

import (
	"bufio"
	"cmp"
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
			b.WriteString(flows.Msg(r.Lang, "ui_console_company", r.Company))
		}
		renderPrompt(&b, r.Prompt, r.Lang)
	}
	b.WriteString("\n")
	return b.String()
}

func renderPrompt(b *strings.Builder, p *flows.Prompt, lang string) {
	if len(p.Review) > 0 {
		b.WriteString(flows.Msg(lang, "ui_review") + "\n")
		for _, l := range p.Review {
			fmt.Fprintf(b, "  %d. %s: %s\n", l.N, l.Label, l.Value)
		}
	}
	if p.Total > 0 {
		fmt.Fprintf(b, "[%d/%d] ", p.Number, p.Total)
	}
	b.WriteString(p.Text + "\n")
	if p.Hint != "" {
		b.WriteString("  (" + flows.Msg(lang, "ui_tip") + ": " + p.Hint + ")\n")
	}
	switch p.StepID {
	case flows.EditStep:
		return // the review above is the list to choose from
	case flows.ReviewStep:
		// Items are numbered; the actions are words, so a number never
		// saves or discards.
		b.WriteString("  " + flows.Msg(lang, "ui_review_actions") + "\n")
		return
	}
	for i, o := range p.Options {
		fmt.Fprintf(b, "  %d. %s\n", i+1, o.Label)
	}
	if g := guide(p, lang); g != "" {
		b.WriteString("  " + g + "\n")
	}
	if p.Default != "" {
		b.WriteString("  " + flows.Msg(lang, "ui_console_default", p.DefaultLabel) + "\n")
	}
	if p.Current != "" {
		b.WriteString("  " + flows.Msg(lang, "ui_current_answer") + ": " + p.Current + "\n")
	}
}

// guide says how to answer a prompt of each kind.
func guide(p *flows.Prompt, lang string) string {
	var g string
	switch p.Kind {
	case flows.KindMulti:
		g = flows.Msg(lang, "ui_numbers_like_1_3_several")
	case flows.KindDate:
		g = cmp.Or(p.Format, flows.Msg(lang, "ui_e_g_12_3_2026"))
	case flows.KindNumber:
		g = p.Format
	case flows.KindYesNo:
		g = cmp.Or(p.Format, flows.Msg(lang, "ui_yes_no"))
	case flows.KindScale:
		g = flows.Msg(lang, "ui_a_number_from_1_to")
	case flows.KindCompany:
		if len(p.Options) > 0 {
			g = flows.Msg(lang, "ui_a_number_or_a_new")
		} else {
			g = flows.Msg(lang, "ui_type_the_company_name")
		}
	}
	if p.Optional {
		g = strings.TrimSpace(g + " " + flows.Msg(lang, "ui_type_skip_to_skip"))
	}
	return g
}
