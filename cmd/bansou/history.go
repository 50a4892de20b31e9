package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// cmdHistory prints a company's timeline in the terminal, as /bansou
// history does in Slack. The terminal reads as the console coordinator
// (the institution's own machine sees every company).
func cmdHistory(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	company := fs.String("company", "", "the company's name")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	lang := fs.String("lang", or(getenv("BANSOU_LANG"), "ja"), "language: ja or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*company) == "" || fs.NArg() > 0 {
		return errors.New("usage: bansou history --company NAME [--db PATH] [--lang ja|en]")
	}
	loc, err := time.LoadLocation(or(getenv("BANSOU_TZ"), "Asia/Tokyo"))
	if err != nil {
		return fmt.Errorf("history: BANSOU_TZ: %w", err)
	}
	set, err := loadFlows(getenv("BANSOU_FLOWS_DIR"))
	if err != nil {
		return err
	}
	url := dbURL(*db, getenv)
	if err := existingDB(url); err != nil {
		return err
	}
	st, err := openStore(ctx, url, now)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := bot.New(bot.Config{Now: now, Store: st, Flows: set, Location: loc, Lang: *lang})
	if err != nil {
		return err
	}
	const who = "coordinator"
	if err := b.EnsureRole(ctx, bot.ChannelConsole, who, store.RoleCoordinator); err != nil {
		return err
	}
	if err := b.SetLocale(ctx, bot.ChannelConsole, who, *lang); err != nil {
		return err
	}
	h, err := b.History(ctx, bot.ChannelConsole, who, *company)
	if errors.Is(err, bot.ErrUnknownCompany) {
		return fmt.Errorf("history: %s", flows.Msg(*lang, "cmd_no_company_named", *company))
	}
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, historyText(h, loc))
	return nil
}

// historyText is a timeline as terminal text.
func historyText(h bot.History, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(flows.Msg(h.Lang, "cmd_records_of_newest_first_n", h.Company))
	if len(h.Entries) == 0 {
		b.WriteString(flows.Msg(h.Lang, "cmd_nothing_recorded_yet"))
	}
	for _, e := range h.Entries {
		fmt.Fprintf(&b, "\n%s  %s\n", flows.DateOf(e.At.In(loc)).Display(h.Lang), e.Label)
		for _, l := range strings.Split(e.Text, "\n") {
			if l != "" {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	return b.String()
}
