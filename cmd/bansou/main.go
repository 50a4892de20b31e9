// Command bansou runs the bansou chat bot: `bansou try` holds a conversation
// in the terminal on the embedded store, `bansou flows check` validates flow
// files, `bansou migrate` brings the database schema up to date. This is the
// only package that reads flags or the environment; it wires the rest.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, time.Now, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code. now is the
// one clock: the bot and its store read it.
func run(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "try":
		err = cmdTry(ctx, args[1:], getenv, now, stdin, stdout, stderr)
	case "flows":
		err = cmdFlows(args[1:], stdout)
	case "serve":
		err = cmdServe(ctx, args[1:], getenv, now, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], getenv, now, stdout)
	case "export":
		err = cmdExport(ctx, args[1:], getenv, now, stdout, stderr)
	case "erase":
		err = cmdErase(ctx, args[1:], getenv, now, stdin, stdout, stderr)
	case "invite":
		err = cmdInvite(ctx, args[1:], getenv, now, stdout, stderr)
	case "digest":
		err = cmdDigest(ctx, args[1:], getenv, now, stdout, stderr)
	case "handover":
		err = cmdHandover(ctx, args[1:], getenv, now, stdout, stderr)
	case "web-link":
		err = cmdWebLink(ctx, args[1:], getenv, now, stdout, stderr)
	case "history":
		err = cmdHistory(ctx, args[1:], getenv, now, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "bansou: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "bansou: %v\n", err)
		return 1
	}
	return 0
}

const usage = `bansou — 伴走支援の振り返りとフォローを支えるチャットボット

Usage:
  bansou try [--as advisor|owner|coordinator] [--lang ja|en] [--db PATH] [--flows DIR] [--company NAME] [--verbose]
      Hold a conversation in the terminal (reads stdin line by line).
  bansou flows check [DIR]
      Validate the built-in flows, or the flow files in DIR.
  bansou serve
      Run the bot: Slack (HTTP or Socket Mode), LINE (/line/webhook), reminders and the
      coordinator digest, /healthz, /readyz, /metrics. Configured by the environment (README).
  bansou migrate [--db URL]
      Bring the database schema up to date.
  bansou export --from YYYY-MM-DD --to YYYY-MM-DD [--include-sensitive] [--out DIR] [--db URL] [--lang ja|en]
      Write the sessions and answers of those days (both included) as two CSV files for Excel.
  bansou erase --company NAME [--yes] [--db URL] [--lang ja|en]
      Delete a company's personal data (APPI request); asks for the name unless --yes.
  bansou invite --company NAME [--db URL]
      Issue a single-use code (7 days) for the owner to link their LINE account.
  bansou digest --preview [--db PATH] [--lang ja|en]
      Print the coordinator digest as it stands now.
  bansou handover --company NAME --to SLACK_ID [--db URL]
      Hand a company over to the next advisor (引継ぎ): follow-ups and reminders move,
      the previous advisor is asked for a 引継ぎメモ (in Slack when SLACK_BOT_TOKEN is set).
  bansou web-link --slack-id U… [--db URL]
      Print a single-use sign-in link (10 minutes) to the web desk under /app/, for local trials.
  bansou history --company NAME [--db PATH] [--lang ja|en]
      Print what was recorded about a company, newest first (debriefs, check-ins, verifications).

Environment:
  BANSOU_DATABASE_URL  postgres://… or a SQLite file path (default ./bansou.db)
  BANSOU_FLOWS_DIR     a directory of extra flow files
  BANSOU_TZ            time zone of the people (default Asia/Tokyo)
  BANSOU_LANG          ja (default) or en
  BANSOU_LINE_FRIEND_URL  add-friend URL of the LINE official account, shown by invite
  BANSOU_LOG_LEVEL     debug, info (default), warn or error
  BANSOU_ADMIN_ADDR    host:port of the admin listener with /debug/pprof (off by default)
  BANSOU_PUBLIC_URL    where people reach serve, for web sign-in links (default http://localhost:PORT)
`
