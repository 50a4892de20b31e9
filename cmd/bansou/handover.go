package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot"
	slackbot "github.com/bansou/bansou/bot/slack"
)

// cmdHandover moves a company to the next advisor from the command line:
// bansou handover --company NAME --to SLACK_ID. With SLACK_BOT_TOKEN set,
// the previous advisor is asked for the 引継ぎメモ and the new one is told
// in Slack.
func cmdHandover(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("handover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("company", "", "the company to hand over")
	to := fs.String("to", "", "the Slack user id of the new advisor (U…)")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" || strings.TrimSpace(*to) == "" {
		return errors.New("handover: --company NAME and --to SLACK_ID are required")
	}
	b, closeStore, err := commandBot(ctx, getenv, now, *db, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	res, err := b.Handover(ctx, bot.HandoverRequest{Company: strings.TrimSpace(*name),
		ToChannel: bot.ChannelSlack, ToUserID: strings.TrimSpace(*to)})
	if err != nil {
		return fmt.Errorf("handover: %w", err)
	}
	var from []string
	for _, p := range res.From {
		from = append(from, fmt.Sprintf("#%d %s", p.ID, p.Name))
	}
	fmt.Fprintf(stdout, "%s を引き継ぎました: %s → %s（フォロー %d 件、予定の通知 %d 件を移しました）\n",
		res.Company.Name, or(strings.Join(from, "、"), "（担当なし）"), strings.TrimSpace(*to), res.Followups, res.Reminders)
	fmt.Fprintf(stdout, "%s handed over: %s → %s (%d follow-ups, %d pending reminders moved)\n",
		res.Company.Name, or(strings.Join(from, ", "), "(none)"), strings.TrimSpace(*to), res.Followups, res.Reminders)
	return nil
}

// commandBot is a bot for a one-shot command, with Slack messages when
// SLACK_BOT_TOKEN is set. Membership comes from the environment as for
// serve.
func commandBot(ctx context.Context, getenv func(string) string, now func() time.Time, db string, stderr io.Writer) (*bot.Bot, func(), error) {
	set, err := loadFlows(getenv("BANSOU_FLOWS_DIR"))
	if err != nil {
		return nil, nil, err
	}
	loc, err := zone(getenv)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := bot.Config{Now: now, Senders: map[string]bot.Sender{}, Notifiers: map[string]bot.Notifier{}, Flows: set, Logger: log,
		Location: loc, Lang: or(getenv("BANSOU_LANG"), "ja"), Institution: or(getenv("BANSOU_INSTITUTION"), "相談窓口"),
		Staff: staffOf(getenv)}
	token, err := secret(getenv, "SLACK_BOT_TOKEN")
	if err != nil {
		return nil, nil, err
	}
	group := strings.TrimSpace(getenv("BANSOU_ADVISOR_GROUP"))
	if group != "" && token == "" {
		return nil, nil, errors.New("BANSOU_ADVISOR_GROUP is read from Slack: it needs SLACK_BOT_TOKEN")
	}
	if token != "" {
		api, err := slackbot.NewAPI(slackbot.APIConfig{BotToken: token, URL: getenv("SLACK_API_URL"), Logger: log, Registerer: prometheus.NewRegistry()})
		if err != nil {
			return nil, nil, err
		}
		sender := slackbot.NewSender(api, log)
		cfg.Senders[bot.ChannelSlack], cfg.Notifiers[bot.ChannelSlack] = sender, sender
		if group != "" {
			ref := &slackbot.StaffRefresher{API: api, Group: group, Staff: cfg.Staff, Logger: log}
			if err := ref.Refresh(ctx); err != nil {
				return nil, nil, fmt.Errorf("reading BANSOU_ADVISOR_GROUP: %w", err)
			}
		}
	}
	st, err := openStore(ctx, dbURL(db, getenv), now)
	if err != nil {
		return nil, nil, err
	}
	cfg.Store = st
	b, err := bot.New(cfg)
	if err == nil {
		err = b.IndexCompanyNames(ctx)
	}
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return b, func() { st.Close() }, nil
}

// staffOf reads who is staff: BANSOU_ADVISORS, BANSOU_ADVISOR_GROUP (its
// members are read from Slack by serve) and BANSOU_COORDINATORS.
func staffOf(getenv func(string) string) *bot.Staff {
	return bot.NewStaff(list(getenv("BANSOU_ADVISORS")), list(getenv("BANSOU_COORDINATORS")),
		strings.TrimSpace(getenv("BANSOU_ADVISOR_GROUP")) != "")
}
