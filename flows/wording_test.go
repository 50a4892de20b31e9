package flows

import (
	"regexp"
	"testing"
	"unicode/utf8"
)

var quotedExample = regexp.MustCompile(`「([^」]+)」|"([^"]+)"`)

// A step's own example fits the step's length limit, in both languages.
func TestHintExamplesFitTheirLimit(t *testing.T) {
	set, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, id := range set.IDs() {
		f, _ := set.Get(id)
		for _, s := range f.Steps {
			if s.MaxLen == 0 {
				continue
			}
			for _, text := range []string{s.Hint.JA, s.Hint.EN} {
				for _, m := range quotedExample.FindAllStringSubmatch(text, -1) {
					ex := m[1] + m[2]
					checked++
					if n := utf8.RuneCountInString(ex); n > s.MaxLen {
						t.Errorf("%s/%s: example %q is %d characters, over the step's limit %d", id, s.ID, ex, n, s.MaxLen)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no examples found: the check is broken")
	}
}

// English lists are joined with ", ", Japanese with 、.
func TestDisplayJoinsListsPerLanguage(t *testing.T) {
	s := &Step{Kind: KindMulti, Options: []Option{{ID: "a", Label: Text{JA: "社長", EN: "President"}}, {ID: "b", Label: Text{JA: "後継者", EN: "Successor"}}}}
	f := &Flow{}
	if got := f.Display(s, Answer{Value: "a,b"}, "en"); got != "President, Successor" {
		t.Errorf("en: %q", got)
	}
	if got := f.Display(s, Answer{Value: "a,b"}, "ja"); got != "社長、後継者" {
		t.Errorf("ja: %q", got)
	}
}
