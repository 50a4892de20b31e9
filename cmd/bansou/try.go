package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/bot/console"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

type tryOptions struct {
	as, lang, db, flowsDir, company string
	langSet, verbose                bool
}

func cmdTry(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("try", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o tryOptions
	fs.StringVar(&o.as, "as", "advisor", "role to play: advisor, owner or coordinator")
	fs.StringVar(&o.lang, "lang", or(getenv("BANSOU_LANG"), "ja"), "language: ja or en")
	fs.StringVar(&o.db, "db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	fs.StringVar(&o.flowsDir, "flows", getenv("BANSOU_FLOWS_DIR"), "directory of extra flow files")
	fs.StringVar(&o.company, "company", "", "company the conversation is about (owner: required unless one exists)")
	fs.BoolVar(&o.verbose, "verbose", false, "write warnings and errors to stderr (quiet by default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) { o.langSet = o.langSet || f.Name == "lang" })
	role := store.Role(o.as)
	if role != store.RoleAdvisor && role != store.RoleOwner && role != store.RoleCoordinator {
		return fmt.Errorf("try: --as must be advisor, owner or coordinator, not %q", o.as)
	}
	set, err := loadFlows(o.flowsDir)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(or(getenv("BANSOU_TZ"), "Asia/Tokyo"))
	if err != nil {
		return fmt.Errorf("try: BANSOU_TZ: %w", err)
	}
	now, err = tryClock(getenv("BANSOU_NOW"), now)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, dbURL(o.db, getenv), now)
	if err != nil {
		return err
	}
	defer st.Close()
	con := console.New(stdout)
	b, err := bot.New(bot.Config{Now: now, Store: st, Flows: set, Senders: map[string]bot.Sender{bot.ChannelConsole: con},
		Logger:   tryLogger(o.verbose, stderr),
		Location: loc, Calendar: calendar.New(loc, calendar.DefaultClosures),
		Lang: o.lang, Institution: tryInstitution(o.lang, getenv)})
	if err != nil {
		return err
	}
	if err := b.IndexCompanyNames(ctx); err != nil {
		return err
	}
	if err := openConversation(ctx, b, st, role, o); err != nil {
		return err
	}
	if role == store.RoleCoordinator {
		// A coordinator starts from the digest, then may record too.
		if err := printDigest(ctx, st, set, loc, now, o.lang, stdout); err != nil {
			return err
		}
		fmt.Fprint(stdout, coordinatorGuide(o.lang))
	}
	return con.Run(ctx, b, stdin, string(role), !isTerminal(stdin))
}

// openConversation greets the person and opens the flow of their role.
func openConversation(ctx context.Context, b *bot.Bot, st store.Store, role store.Role, o tryOptions) error {
	name := flows.Msg(o.lang, "try_name_"+string(role))
	if _, err := b.EnsurePerson(ctx, bot.ChannelConsole, string(role), name, role); err != nil {
		return err
	}
	if o.langSet { // --lang applies to the person, also on a database first used in another language
		if err := b.SetLocale(ctx, bot.ChannelConsole, string(role), o.lang); err != nil {
			return err
		}
	}
	switch role {
	case store.RoleOwner:
		company, err := ownerCompany(ctx, st, o.company)
		if err != nil {
			return err
		}
		// The console owner plays the owner of that company, as if invited.
		if err := b.LinkOwner(ctx, bot.ChannelConsole, string(role), company); errors.Is(err, bot.ErrUnknownCompany) {
			return fmt.Errorf("try: no company %q yet — run `bansou try` as advisor first", company)
		} else if err != nil {
			return err
		}
		return b.Start(ctx, bot.ChannelConsole, string(role), bot.StartRequest{FlowID: bot.FlowCheckin, Company: company})
	case store.RoleCoordinator:
		return nil // cmdTry shows the digest and what a coordinator can do
	}
	return b.Start(ctx, bot.ChannelConsole, string(role), bot.StartRequest{FlowID: bot.FlowDebrief, Company: o.company})
}

// ownerCompany picks the company an owner's check-in is about: the flag, or
// the console advisor's most recent company.
func ownerCompany(ctx context.Context, st store.Store, flagged string) (string, error) {
	if flagged != "" {
		return flagged, nil
	}
	var name string
	err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, bot.ChannelConsole, string(store.RoleAdvisor))
		if err != nil {
			return err
		}
		cs, err := tx.CompaniesOf(ctx, p.ID)
		if err != nil || len(cs) == 0 {
			return errors.Join(err, store.ErrNotFound)
		}
		name = cs[0].Name
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", errors.New("try: no company yet — run `bansou try` as advisor first, or pass --company")
	}
	return name, err
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// tryInstitution names the institution: BANSOU_INSTITUTION, or a generic
// name in the person's language.
func tryInstitution(lang string, getenv func(string) string) string {
	return or(getenv("BANSOU_INSTITUTION"), flows.Msg(lang, "try_institution"))
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// tryLogger keeps log lines out of the conversation: none unless
// --verbose, and then on stderr only.
func tryLogger(verbose bool, stderr io.Writer) *slog.Logger {
	if !verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// tryClock is now, or a fixed instant from BANSOU_NOW (RFC 3339), so a
// scripted demo or test reads the same on any day.
func tryClock(fixed string, now func() time.Time) (func() time.Time, error) {
	if fixed == "" {
		return now, nil
	}
	t, err := time.Parse(time.RFC3339, fixed)
	if err != nil {
		return nil, fmt.Errorf("try: BANSOU_NOW: %w", err)
	}
	return func() time.Time { return t }, nil
}
