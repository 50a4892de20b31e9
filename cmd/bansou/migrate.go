package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"
)

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	url := dbURL(*db, getenv)
	st, err := openStore(ctx, url, now) // opening applies the migrations
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "schema is up to date")
	return nil
}
