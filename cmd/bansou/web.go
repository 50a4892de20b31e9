package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/web"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// webDesk serves the coordinator's desk under /app/.
func (s *server) webDesk(b *bot.Bot, set *flows.Set) error {
	h, err := web.New(web.Config{Now: s.cfg.now, Auth: b, Store: s.store, Flows: set, Location: s.cfg.location,
		Secure: secureCookies(s.cfg.publicURL), Logger: s.log})
	if err != nil {
		return err
	}
	h.Routes(s.mux)
	return nil
}

// localURL is the public URL when none is configured: this machine.
func localURL(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		port = "8080"
	}
	return "http://localhost:" + port
}

// secureCookies is false only for plain http on this machine.
func secureCookies(publicURL string) bool {
	u, err := url.Parse(publicURL)
	return err != nil || u.Scheme != "http" || !isLocalhost(u.Hostname())
}

func isLocalhost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validPublicURL(v string) []string {
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return []string{fmt.Sprintf("BANSOU_PUBLIC_URL %q is not an http(s) URL", v)}
	case u.Scheme == "http" && !isLocalhost(u.Hostname()):
		return []string{fmt.Sprintf("BANSOU_PUBLIC_URL %q must be https (plain http only on localhost): sign-in cookies are Secure", v)}
	}
	return nil
}

func cmdWebLink(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("web-link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slackID := fs.String("slack-id", "", "the Slack user id (U…) of the advisor or coordinator")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*slackID) == "" {
		return errors.New("web-link: --slack-id U… is required")
	}
	public := or(strings.TrimSpace(getenv("BANSOU_PUBLIC_URL")), localURL(or(getenv("BANSOU_HTTP_ADDR"), ":8080")))
	if p := validPublicURL(public); p != nil {
		return errors.New(p[0])
	}
	set, err := loadFlows(getenv("BANSOU_FLOWS_DIR"))
	if err != nil {
		return err
	}
	loc, err := zone(getenv)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, dbURL(*db, getenv), now)
	if err != nil {
		return err
	}
	defer st.Close()
	lang := or(getenv("BANSOU_LANG"), "ja")
	b, err := bot.New(bot.Config{Now: now, Store: st, Flows: set, Senders: map[string]bot.Sender{},
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Location: loc, Lang: lang, PublicURL: public})
	if err != nil {
		return err
	}
	var personID int64
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, strings.TrimSpace(*slackID))
		personID = p.ID
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("web-link: no one with Slack id %s has used bansou yet", *slackID)
	}
	if err != nil {
		return err
	}
	l, err := b.WebLinkFor(ctx, personID)
	if errors.Is(err, bot.ErrWebNotStaff) {
		return fmt.Errorf("web-link: %s is not an advisor or coordinator", *slackID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, l.URL)
	fmt.Fprintln(stderr, flows.Msg(lang, "cmd_valid_until_single_use", l.ExpiresAt.In(loc).Format("15:04")))
	return nil
}
