package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

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
	set, err := loadFlows(fs.Arg(0))
	if err == nil {
		err = set.Check()
	}
	if err != nil {
		return fmt.Errorf("invalid flows:\n%w", err)
	}
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		fmt.Fprintf(stdout, "ok  %-10s v%d  %d steps  %s%s\n", f.ID, f.Version, len(f.Steps), f.File, budgets(f))
	}
	return nil
}

// budgets shows, per mode with a budget, the most questions a path asks
// against the limit, e.g. "  full 20/20  quick 11/12".
func budgets(f *flows.Flow) string {
	var b strings.Builder
	for _, m := range f.Modes {
		if limit, ok := f.Budget[m.ID]; ok {
			n, _ := f.LongestPath(m.ID)
			fmt.Fprintf(&b, "  %s %d/%d", m.ID, n, limit)
		}
	}
	return b.String()
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
	if err := set.CheckLinks(); err != nil {
		return nil, fmt.Errorf("invalid flows in %s:\n%w", dir, err)
	}
	return set, nil
}
