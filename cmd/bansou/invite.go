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

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

func cmdInvite(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("company", "", "the company the owner runs (created when new)")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("invite: --company NAME is required")
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
	institution := or(getenv("BANSOU_INSTITUTION"), "相談窓口")
	b, err := bot.New(bot.Config{Now: now, Store: st, Flows: set, Senders: map[string]bot.Sender{},
		Logger:   slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Location: loc, Lang: or(getenv("BANSOU_LANG"), "ja"), Institution: institution})
	if err != nil {
		return err
	}
	inv, err := b.CreateInvite(ctx, strings.TrimSpace(*name), 0)
	if err != nil {
		return fmt.Errorf("invite: %w", err)
	}
	printInvite(stdout, inv, loc, institution, getenv("BANSOU_LINE_FRIEND_URL"))
	return nil
}

// printInvite shows the code and its expiry, then a message the advisor can
// forward to the owner as it is: Japanese first, then English.
func printInvite(w io.Writer, inv bot.Invite, loc *time.Location, institution, friendURL string) {
	exp := inv.ExpiresAt.In(loc)
	expJA := flows.DateOf(exp).JapaneseWithYear() + " " + exp.Format("15:04")
	expEN := exp.Format("2006-01-02 15:04") + " " + loc.String()
	company := inv.Company.Name
	addJA, addEN := "LINE 公式アカウントを友だち追加してください。", "Add our LINE official account as a friend."
	if friendURL != "" {
		addJA += "\n   " + friendURL
		addEN += "\n   " + friendURL
	}
	fmt.Fprintf(w, `招待コードを発行しました（%[1]s）
  コード: %[2]s
  有効期限: %[3]s まで（1回限り有効）

▼ 経営者の方への転送用メッセージ
%[1]s 代表者様
いつもお世話になっております。%[4]sです。
これから LINE で取り組みの様子をうかがったり、ご連絡を差し上げたりできるよう、
お手数ですが次の手順でご登録をお願いいたします。
1. %[5]s
2. トーク画面で、次のコードを送信してください。
   %[2]s
コードの有効期限は %[3]s までです。
▲ ここまで

Invite code created (%[1]s)
  Code: %[2]s
  Expires: %[6]s (single use)

--- Message to forward to the owner ---
To the owner of %[1]s,
So that we can check in with you and keep in touch on LINE, please:
1. %[7]s
2. Send this code in the chat:
   %[2]s
The code is valid until %[6]s.
%[8]s
--- end ---
`, company, inv.Code, expJA, institution, addJA, expEN, addEN, institution)
}
