package flows

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// LongestPath returns the most questions a conversation in mode can ask and
// the steps of one such path. It tries every answer that makes a difference:
// each option of a single step, every combination of the options of a multi
// step that a condition or an options_from looks at, each score, yes and no,
// the thresholds of number conditions, skipping an optional step, and every
// value of the context the conditions test. Answers recorded without asking
// (options_from with one choice) do not count, nor do the questions of a
// flow handed off to (then:), which has its own budget.
func (f *Flow) LongestPath(mode string) (int, []string) {
	b := &budgeter{f: f, memo: map[string]budgetResult{}}
	b.live = b.liveSets()
	var best budgetResult
	for _, ctx := range b.contexts() {
		b.memo = map[string]budgetResult{} // the context is not part of the key
		st := State{FlowID: f.ID, Mode: mode, Answers: map[string]Answer{}, Context: ctx}
		if r := b.walk(st, f.first(st)); r.n > best.n || best.path == nil {
			best = r
		}
	}
	return best.n, best.path
}

type budgeter struct {
	f    *Flow
	live []map[string]bool // step index → steps whose answers later conditions read
	memo map[string]budgetResult
}

type budgetResult struct {
	n    int
	path []string
}

// walk returns the longest remaining path from step id.
func (b *budgeter) walk(st State, id string) budgetResult {
	if id == "" {
		return budgetResult{path: []string{}}
	}
	key := b.key(st, id)
	if r, ok := b.memo[key]; ok {
		return r
	}
	s, _ := b.f.Step(id)
	var best budgetResult
	for i, a := range b.candidates(st, s) {
		next := st.clone()
		next.Answers[id] = a
		b.f.normalize(next)
		r := b.walk(next, b.f.nextUnanswered(next, id))
		if i == 0 || r.n > best.n {
			best = r
		}
	}
	if s.Then == "" {
		best = budgetResult{n: best.n + 1, path: append([]string{id}, best.path...)}
	}
	b.memo[key] = best
	return best
}

// key identifies a point of the walk by the step and the answers that
// later conditions still read.
func (b *budgeter) key(st State, id string) string {
	var k strings.Builder
	k.WriteString(id)
	live := b.live[b.f.index[id]]
	ids := make([]string, 0, len(live))
	for s := range live {
		ids = append(ids, s)
	}
	sort.Strings(ids)
	for _, s := range ids {
		a, ok := st.Answers[s]
		k.WriteString("|" + s + "=")
		if ok {
			k.WriteString(a.Value + strconv.FormatBool(a.Skipped))
		}
	}
	return k.String()
}

// candidates lists the answers of s worth trying.
func (b *budgeter) candidates(st State, s *Step) []Answer {
	if s.Then != "" {
		return []Answer{{Value: s.Then}}
	}
	var out []Answer
	switch s.Kind {
	case KindSingle: // the options conditions read, and one other: the rest lead the same way
		read, other := b.readOptions(s.ID), false
		for _, o := range b.f.choicesOf(st, s) {
			if read[o.ID] || !other {
				other = other || !read[o.ID]
				out = append(out, Answer{Value: o.ID})
			}
		}
	case KindMulti:
		out = b.subsets(st, s)
	case KindYesNo:
		out = []Answer{{Value: "yes"}, {Value: "no"}}
	case KindScale:
		for n := 1; n <= 5; n++ {
			out = append(out, Answer{Value: strconv.Itoa(n)})
		}
	case KindNumber:
		out = []Answer{{Value: "0"}}
		for _, v := range b.thresholds(s.ID) {
			for _, d := range []float64{-1, 0, 1} {
				out = append(out, Answer{Value: formatNumber(v + d)})
			}
		}
	default:
		out = []Answer{{Value: "x"}}
	}
	if s.Optional {
		out = append(out, Answer{Skipped: true})
	}
	return out
}

// subsets returns the combinations of the options of a multi step that
// conditions or options_from read, plus one other option when there is one.
func (b *budgeter) subsets(st State, s *Step) []Answer {
	opts := b.f.choicesOf(st, s)
	read := b.readOptions(s.ID)
	var rel, other []string
	for _, o := range opts {
		if read[o.ID] {
			rel = append(rel, o.ID)
		} else {
			other = append(other, o.ID)
		}
	}
	if len(other) > 0 {
		rel = append(rel, other[0])
	}
	if len(rel) > 12 {
		rel = rel[:12]
	}
	var out []Answer
	for mask := 1; mask < 1<<len(rel); mask++ {
		var ids []string
		for i, id := range rel {
			if mask&(1<<i) != 0 {
				ids = append(ids, id)
			}
		}
		out = append(out, Answer{Value: strings.Join(ids, ",")})
	}
	return out
}

// readOptions lists the options of step id that a condition names or an
// options_from step offers.
func (b *budgeter) readOptions(id string) map[string]bool {
	read := map[string]bool{}
	for i := range b.f.Steps {
		s := &b.f.Steps[i]
		if s.OptionsFrom == id {
			for _, o := range s.Options {
				read[o.ID] = true
			}
		}
		for _, c := range stepConds(s) {
			walkCond(c, func(c *Cond) {
				if c.Step == id {
					for _, v := range append(slices.Clone(c.In), c.NotIn...) {
						read[v] = true
					}
				}
			})
		}
	}
	return read
}

// thresholds lists the at_most/at_least values conditions use on step id.
func (b *budgeter) thresholds(id string) []float64 {
	var out []float64
	for i := range b.f.Steps {
		for _, c := range stepConds(&b.f.Steps[i]) {
			walkCond(c, func(c *Cond) {
				if c.Step != id {
					return
				}
				for _, v := range []*float64{c.AtMost, c.AtLeast} {
					if v != nil {
						out = append(out, *v)
					}
				}
			})
		}
	}
	return out
}

// contexts lists every combination of the context values conditions test.
func (b *budgeter) contexts() []map[string]string {
	values := map[string][]string{}
	for i := range b.f.Steps {
		for _, c := range stepConds(&b.f.Steps[i]) {
			walkCond(c, func(c *Cond) {
				if c.Context == "" || c.Context == CtxMode {
					return
				}
				for _, v := range append(slices.Clone(c.In), c.NotIn...) {
					if !slices.Contains(values[c.Context], v) {
						values[c.Context] = append(values[c.Context], v)
					}
				}
			})
		}
	}
	out := []map[string]string{{}}
	for k, vs := range values {
		var next []map[string]string
		for _, m := range out {
			for _, v := range append(vs, "") {
				c := copyContext(m)
				if c == nil {
					c = map[string]string{}
				}
				c[k] = v
				next = append(next, c)
			}
		}
		out = next
	}
	return out
}

// liveSets computes, for each step index, the steps whose answers the
// conditions and options_from of that step or a later one read.
func (b *budgeter) liveSets() []map[string]bool {
	live := make([]map[string]bool, len(b.f.Steps)+1)
	live[len(b.f.Steps)] = map[string]bool{}
	for i := len(b.f.Steps) - 1; i >= 0; i-- {
		m := map[string]bool{}
		for k := range live[i+1] {
			m[k] = true
		}
		s := &b.f.Steps[i]
		if s.OptionsFrom != "" {
			m[s.OptionsFrom] = true
		}
		for _, c := range stepConds(s) {
			walkCond(c, func(c *Cond) {
				if c.Step != "" {
					m[c.Step] = true
				}
			})
		}
		live[i] = m
	}
	return live
}

// stepConds lists the conditions of a step: when and the jumps' ifs.
func stepConds(s *Step) []*Cond {
	var out []*Cond
	if s.When != nil {
		out = append(out, s.When)
	}
	for _, j := range s.Next {
		if j.If != nil {
			out = append(out, j.If)
		}
	}
	return out
}

// walkCond calls fn on c and every part of it.
func walkCond(c *Cond, fn func(*Cond)) {
	if c == nil {
		return
	}
	fn(c)
	for _, p := range append(slices.Clone(c.All), c.Any...) {
		walkCond(p, fn)
	}
	walkCond(c.Not, fn)
}
