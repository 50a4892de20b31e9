package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store/export"
)

func cmdExport(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "first day, YYYY-MM-DD (local time, included)")
	to := fs.String("to", "", "last day, YYYY-MM-DD (local time, included)")
	sensitive := fs.Bool("include-sensitive", false, "write 要配慮 (sensitive) answers as they are")
	out := fs.String("out", ".", "directory to write the two CSV files into")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	lang := fs.String("lang", or(getenv("BANSOU_LANG"), "ja"), "language of answer values: ja or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lang != "ja" && *lang != "en" {
		return fmt.Errorf("export: --lang must be ja or en, not %q", *lang)
	}
	o := export.Options{Lang: *lang, IncludeSensitive: *sensitive, Dir: *out}
	var err error
	if o.From, err = day("--from", *from); err != nil {
		return err
	}
	if o.To, err = day("--to", *to); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export: --out: %w", err)
	}
	if o.To.Before(o.From) {
		return fmt.Errorf("export: --to %s is before --from %s", o.To, o.From)
	}
	if o.Flows, err = loadFlows(getenv("BANSOU_FLOWS_DIR")); err != nil {
		return err
	}
	if o.Location, err = zone(getenv); err != nil {
		return err
	}
	st, err := openStore(ctx, dbURL(*db, getenv), now)
	if err != nil {
		return err
	}
	defer st.Close()
	if *sensitive {
		fmt.Fprintln(stderr, flows.Msg(*lang, "cmd_warning_sensitive_answers_are_written"))
	}
	res, err := export.Write(ctx, st, o)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, flows.Msg(*lang, "cmd_exported", res.Sessions, res.SessionsPath, res.Answers, res.AnswersPath))
	return nil
}

// day parses a command-line date.
func day(name, v string) (flows.Date, error) {
	if v == "" {
		return flows.Date{}, fmt.Errorf("%s is required (YYYY-MM-DD, e.g. 2026-11-01)", name)
	}
	d, err := flows.ParseISODate(v)
	if err != nil {
		return flows.Date{}, fmt.Errorf("%s %q is not a date: write it as YYYY-MM-DD, e.g. 2026-11-01", name, v)
	}
	return d, nil
}

// zone is the people's time zone: BANSOU_TZ, Asia/Tokyo by default.
func zone(getenv func(string) string) (*time.Location, error) {
	loc, err := time.LoadLocation(or(getenv("BANSOU_TZ"), "Asia/Tokyo"))
	if err != nil {
		return nil, fmt.Errorf("BANSOU_TZ: %w", err)
	}
	return loc, nil
}
