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
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "try":
		err = cmdTry(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "flows":
		err = cmdFlows(args[1:], stdout)
	case "serve":
		err = cmdServe(ctx, args[1:], getenv, stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], getenv, stdout)
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
  bansou try [--as advisor|owner|coordinator] [--lang ja|en] [--db PATH] [--flows DIR] [--company NAME]
      Hold a conversation in the terminal (reads stdin line by line).
  bansou flows check [DIR]
      Validate the built-in flows, or the flow files in DIR.
  bansou serve
      Run the bot: Slack (HTTP or Socket Mode), /healthz, /readyz, /metrics.
  bansou migrate [--db URL]
      Bring the database schema up to date.

Environment:
  BANSOU_DATABASE_URL  postgres://… or a SQLite file path (default ./bansou.db)
  BANSOU_FLOWS_DIR     a directory of extra flow files
  BANSOU_TZ            time zone of the people (default Asia/Tokyo)
  BANSOU_LANG          ja (default) or en
`
