package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/bansou/bansou/flows"
)

func cmdFlows(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return errors.New("usage: bansou flows check [DIR]")
	}
	fs := flag.NewFlagSet("flows check", flag.ContinueOnError)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	var set *flows.Set
	var err error
	if dir := fs.Arg(0); dir != "" {
		set, err = flows.LoadDir(dir)
	} else {
		set, err = flows.Builtin()
	}
	if err != nil {
		return fmt.Errorf("invalid flows:\n%w", err)
	}
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		fmt.Fprintf(stdout, "ok  %-10s v%d  %d steps  %s\n", f.ID, f.Version, len(f.Steps), f.File)
	}
	return nil
}

// loadFlows returns the built-in flows plus those in dir (which override
// built-ins with the same id). An invalid file stops the program.
func loadFlows(dir string) (*flows.Set, error) {
	set, err := flows.Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in flows:\n%w", err)
	}
	if dir == "" {
		return set, nil
	}
	extra, err := flows.LoadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("invalid flows in %s:\n%w", dir, err)
	}
	set.Merge(extra)
	return set, nil
}
