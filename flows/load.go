package flows

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed builtin/*.yaml
var builtinFS embed.FS

// Builtin returns the flows shipped with bansou.
func Builtin() (*Set, error) {
	set, err := LoadFS(builtinFS, "builtin")
	if err != nil {
		return nil, err
	}
	if err := set.CheckLinks(); err != nil {
		return nil, err
	}
	return set, nil
}

// Set is a collection of flows by id.
type Set struct {
	byID map[string]*Flow
}

// Get returns the flow with the given id.
func (s *Set) Get(id string) (*Flow, bool) {
	f, ok := s.byID[id]
	return f, ok
}

// IDs returns the flow ids in order.
func (s *Set) IDs() []string {
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Merge adds the flows of o, replacing flows with the same id (an
// institution's own flow overrides a built-in one).
func (s *Set) Merge(o *Set) {
	for id, f := range o.byID {
		s.byID[id] = f
	}
	s.link()
}

// link resolves every hand-off (then:) to the flow of that id in the set.
func (s *Set) link() {
	for _, f := range s.byID {
		f.subs = map[string]*Flow{}
		for _, st := range f.Steps {
			if t, ok := s.byID[st.Then]; ok && st.Then != "" {
				f.subs[st.ID] = t
			}
		}
	}
}

// Check reports what one file alone cannot show, as "file:line: reason":
// hand-offs to flows that are not in the set (CheckLinks), and question
// budgets that a path through a flow exceeds (see LongestPath). It is the
// authoring check of `bansou flows check`; loading for use runs CheckLinks.
func (s *Set) Check() error {
	return s.check(true)
}

// CheckLinks reports hand-offs to flows that are not in the set.
func (s *Set) CheckLinks() error {
	return s.check(false)
}

func (s *Set) check(budgets bool) error {
	var errs []error
	for _, id := range s.IDs() {
		f := s.byID[id]
		for _, st := range f.Steps {
			if st.Then == "" {
				continue
			}
			t, ok := f.subs[st.ID]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("%s:%d: step %s: then names unknown flow %q", f.File, st.Line, st.ID, st.Then))
			case st.ThenMode != "" && !t.HasMode(st.ThenMode):
				errs = append(errs, fmt.Errorf("%s:%d: step %s: flow %s has no mode %q", f.File, st.Line, st.ID, st.Then, st.ThenMode))
			case t.hasHandoff():
				errs = append(errs, fmt.Errorf("%s:%d: step %s: flow %s hands off again; hand-offs do not nest", f.File, st.Line, st.ID, st.Then))
			}
		}
		if !budgets {
			continue
		}
		for _, m := range budgetModes(f) {
			n, path := f.LongestPath(m)
			if limit := f.Budget[m]; n > limit {
				errs = append(errs, fmt.Errorf("%s:%d: budget: %s mode can ask %d questions (limit %d): %s",
					f.File, f.BudgetLine, m, n, limit, strings.Join(path, " → ")))
			}
		}
	}
	return errors.Join(errs...)
}

func (f *Flow) hasHandoff() bool {
	for _, st := range f.Steps {
		if st.Then != "" {
			return true
		}
	}
	return false
}

// budgetModes lists the modes of f that have a budget, in order.
func budgetModes(f *Flow) []string {
	var ms []string
	for m := range f.Budget {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return ms
}

// LoadDir loads every *.yaml / *.yml file in dir.
func LoadDir(dir string) (*Set, error) {
	return LoadFS(os.DirFS(dir), ".", dir)
}

// LoadFS loads every *.yaml / *.yml file in dir of fsys. Errors name the file
// (prefixed with display[0] when given instead of dir) and the line.
func LoadFS(fsys fs.FS, dir string, display ...string) (*Set, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("flows: read %s: %w", dir, err)
	}
	prefix := dir
	if len(display) > 0 {
		prefix = display[0]
	}
	set := &Set{byID: map[string]*Flow{}}
	var errs []error
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		data, err := fs.ReadFile(fsys, filepath.ToSlash(filepath.Join(dir, e.Name())))
		if err != nil {
			return nil, fmt.Errorf("flows: read %s: %w", e.Name(), err)
		}
		name := filepath.Join(prefix, e.Name())
		f, err := Parse(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := set.byID[f.ID]; dup {
			errs = append(errs, fmt.Errorf("%s:1: flow id %q already defined in %s", name, f.ID, prev.File))
			continue
		}
		set.byID[f.ID] = f
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	set.link()
	return set, nil
}

// Parse decodes and validates one flow file. The error lists every problem
// found, one per line, as "file:line: reason".
func Parse(file string, data []byte) (*Flow, error) {
	var f Flow
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, yamlError(file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	f.File = file
	attachLines(&f, &root)
	if errs := validate(&f); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &f, nil
}

// yamlError turns a yaml error ("yaml: line 3: …") into "file:3: …".
func yamlError(file string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var errs []error
		for _, m := range te.Errors {
			errs = append(errs, fmt.Errorf("%s:%s", file, strings.TrimPrefix(m, "line ")))
		}
		return errors.Join(errs...)
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		return fmt.Errorf("%s:%s", file, rest)
	}
	return fmt.Errorf("%s:1: %s", file, msg)
}

// attachLines copies line numbers from the YAML node tree onto the flow.
func attachLines(f *Flow, root *yaml.Node) {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	f.BudgetLine = lineOf(field(doc, "budget"), 1)
	for i, m := range items(field(doc, "modes")) {
		if i < len(f.Modes) {
			f.Modes[i].Line = m.Line
		}
	}
	for i, sn := range items(field(doc, "steps")) {
		if i >= len(f.Steps) {
			break
		}
		s := &f.Steps[i]
		s.Line = sn.Line
		for j, on := range items(field(sn, "options")) {
			if j < len(s.Options) {
				s.Options[j].Line = on.Line
			}
		}
		if s.When != nil {
			condLines(s.When, field(sn, "when"), s.Line)
		}
		for j, jn := range items(field(sn, "next")) {
			if j < len(s.Next) {
				s.Next[j].Line = jn.Line
				if s.Next[j].If != nil {
					condLines(s.Next[j].If, field(jn, "if"), jn.Line)
				}
			}
		}
	}
}

// condLines copies line numbers onto a condition and its parts.
func condLines(c *Cond, n *yaml.Node, fallback int) {
	c.Line = lineOf(n, fallback)
	for key, parts := range map[string][]*Cond{"all": c.All, "any": c.Any} {
		for i, pn := range items(field(n, key)) {
			if i < len(parts) && parts[i] != nil {
				condLines(parts[i], pn, c.Line)
			}
		}
	}
	if c.Not != nil {
		condLines(c.Not, field(n, "not"), c.Line)
	}
}

// field returns the value node of key in a mapping node.
func field(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func lineOf(n *yaml.Node, fallback int) int {
	if n == nil {
		return fallback
	}
	return n.Line
}
