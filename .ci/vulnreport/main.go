// Command vulnreport reads govulncheck's JSON stream on stdin and decides
// what CI does with it: a vulnerability that our code calls in a module we
// require fails the run; one in the standard library is printed with the Go
// release that fixes it (the toolchain is the machine's, not the module's),
// and fails only with -strict-stdlib. Nothing found is said too: never
// silence.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

type message struct {
	Finding *finding `json:"finding"`
}

type finding struct {
	OSV          string  `json:"osv"`
	FixedVersion string  `json:"fixed_version"`
	Trace        []frame `json:"trace"`
}

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
}

type key struct{ osv, module, version, fixed string }

func main() {
	strict := flag.Bool("strict-stdlib", false, "fail on standard-library findings too")
	flag.Parse()
	called, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulnreport:", err)
		os.Exit(2)
	}
	os.Exit(report(os.Stdout, called, *strict))
}

// read collects the findings our code reaches (symbol level: the trace's
// first frame names a function).
func read(r io.Reader) (map[key]bool, error) {
	called := map[key]bool{}
	dec := json.NewDecoder(r)
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return called, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decode govulncheck output: %w", err)
		}
		f := m.Finding
		if f == nil || len(f.Trace) == 0 || f.Trace[0].Function == "" {
			continue
		}
		called[key{f.OSV, f.Trace[0].Module, f.Trace[0].Version, f.FixedVersion}] = true
	}
}

func report(w io.Writer, called map[key]bool, strict bool) int {
	keys := make([]key, 0, len(called))
	for k := range called {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].osv < keys[j].osv })
	code := 0
	for _, k := range keys {
		kind := "FAIL"
		if k.module == "stdlib" && !strict {
			kind = "WARN (standard library of this machine's Go; upgrade the toolchain)"
		} else {
			code = 1
		}
		fmt.Fprintf(w, "vulncheck: %s %s in %s@%s, fixed in %s\n", kind, k.osv, k.module, k.version, k.fixed)
	}
	if len(keys) == 0 {
		fmt.Fprintln(w, "vulncheck: no known vulnerability is reachable from our code")
	}
	return code
}
