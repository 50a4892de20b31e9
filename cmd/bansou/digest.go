package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/digest"
	botslack "github.com/bansou/bansou/bot/slack"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// cmdDigest prints the coordinator digest as it stands now.
func cmdDigest(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preview := fs.Bool("preview", false, "print the current digest")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	lang := fs.String("lang", or(getenv("BANSOU_LANG"), "ja"), "language: ja or en")
	flowsDir := fs.String("flows", getenv("BANSOU_FLOWS_DIR"), "directory of extra flow files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*preview || fs.NArg() > 0 {
		return errors.New("usage: bansou digest --preview [--db PATH] [--lang ja|en]")
	}
	if *lang != "ja" && *lang != "en" {
		return fmt.Errorf("digest: --lang must be ja or en, not %q", *lang)
	}
	loc, err := time.LoadLocation(or(getenv("BANSOU_TZ"), "Asia/Tokyo"))
	if err != nil {
		return fmt.Errorf("digest: BANSOU_TZ: %w", err)
	}
	set, err := loadFlows(*flowsDir)
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
	return printDigest(ctx, st, set, loc, now, *lang, stdout)
}

// existingDB refuses to preview a SQLite file that does not exist: opening
// it would create an empty database.
func existingDB(url string) error {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return nil
	}
	if _, err := os.Stat(url); err != nil {
		return fmt.Errorf("digest: no database at %s (set --db or BANSOU_DATABASE_URL)", url)
	}
	return nil
}

// printDigest builds the digest for now, in loc, and prints it.
func printDigest(ctx context.Context, st store.Store, set *flows.Set, loc *time.Location, now func() time.Time, lang string, w io.Writer) error {
	d, err := digest.Build(ctx, st, digest.Options{Now: now().In(loc), Location: loc, Flows: set})
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(w, d.Text(lang))
	return err
}

// coordinatorGuide is what `bansou try --as coordinator` says after the
// digest.
func coordinatorGuide(lang string) string {
	if lang == "en" {
		return `
What a coordinator can do
- bansou digest --preview shows the latest digest at any time.
- With bansou serve connected to Slack, the digest arrives by DM every Monday morning (BANSOU_DIGEST_CRON).
- In Slack, /bansou history <company> shows every record of any company: coordinators see all companies.
- Here you can also type visit <company>, intake <company> or verify <company> to record a conversation yourself. Ctrl+D ends.
`
	}
	return `
コーディネーターとしてできること
・bansou digest --preview で、いつでも最新のまとめを表示できます。
・bansou serve で Slack につなぐと、このまとめが毎週月曜の朝（BANSOU_DIGEST_CRON）に DM で届きます。
・Slack の /bansou history 企業名 で、どの企業の記録もさかのぼれます（コーディネーターは全企業を見られます）。
・ここで「振り返り 企業名」「新規企業 企業名」「検証 企業名」と入力すると、ご自身でも記録を付けられます。終わるときは Ctrl+D です。
`
}

// slackDigests delivers digest reminders (remind.DigestSender): when the
// reminder fires it builds the digest from the store and posts it in the
// coordinator's Slack DM, in the coordinator's language.
type slackDigests struct {
	store  store.Store
	flows  *flows.Set
	loc    *time.Location
	lang   string // when the coordinator has no locale
	now    func() time.Time
	sender *botslack.Sender
}

// SendDigest builds and posts the digest for the coordinator.
func (s *slackDigests) SendDigest(ctx context.Context, coordinator store.Person, _ store.Reminder) error {
	user, err := s.slackUser(ctx, coordinator.ID)
	if err != nil {
		return err
	}
	d, err := digest.Build(ctx, s.store, digest.Options{Now: s.now().In(s.loc), Location: s.loc, Flows: s.flows})
	if err != nil {
		return err
	}
	return s.sender.SendDigest(ctx, user, d, or(coordinator.Locale, s.lang))
}

// slackUser is the coordinator's Slack user id.
func (s *slackDigests) slackUser(ctx context.Context, personID int64) (string, error) {
	var user string
	err := s.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		ids, err := tx.Identities(ctx, personID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if id.Channel == bot.ChannelSlack {
				user = id.ExternalID
				return nil
			}
		}
		return fmt.Errorf("digest: person %d has no Slack account: %w", personID, store.ErrNotFound)
	})
	return user, err
}
