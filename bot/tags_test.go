package bot_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bansou/bansou/flows"
)

// consumerTags are the values of the tag constants (const tagXxx = "…") the
// bot, the digest and the reminders declare: the tags code acts on.
func consumerTags(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range []string{".", "digest", "remind"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "tag") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						out[v] = path + ": " + name.Name
					}
				}
				return true
			})
		}
	}
	return out
}

// Every tag a built-in flow declares is read by some code, and every tag
// the code reads is declared by some built-in flow: a decision written in a
// flow is never silently ignored, and a rename on one side fails here.
func TestEveryFlowTagHasAConsumerAndEveryConsumerATag(t *testing.T) {
	t.Parallel()
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{}
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		for _, s := range f.Steps {
			if s.Tag != "" {
				declared[s.Tag] = id + "/" + s.ID
			}
		}
	}
	consumed := consumerTags(t)
	if len(consumed) < 10 || len(declared) < 10 {
		t.Fatalf("found %d consumed and %d declared tags; the scan is broken", len(consumed), len(declared))
	}
	var missing []string
	for tag, where := range declared {
		if _, ok := consumed[tag]; !ok {
			missing = append(missing, tag+" ("+where+") has no consumer")
		}
	}
	for tag, where := range consumed {
		if _, ok := declared[tag]; !ok {
			missing = append(missing, tag+" ("+where+") is declared by no built-in flow")
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Error(m)
	}
}
