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
// value of the context the conditions test. A hand-off (then:) counts the
// questions the flow handed off to asks in its then_mode, walked the same
// way (listed as flow:step), without those whose answer the parent fills in;
// what it answers for the parent (a follow-up date) is then not asked again.
// Answers recorded without asking (options_from with one choice) do not count.
func (f *Flow) LongestPath(mode string) (int, []string) {
	b := newBudgeter(f, nil)
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
	f     *Flow
	live  []map[string]bool // step index → steps whose answers later conditions read
	memo  map[string]budgetResult
	conds []*Cond             // every condition of the flow, parts included
	from  map[string][]string // step id → its options that options_from steps offer
	// subs are the flows handed off to, by then: step id; a sub's conds and
	// from also hold what the parent reads of the answers it takes (by tag),
	// and shared lists the sub's steps whose answers the parent takes.
	subs   map[string]*budgeter
	shared []string
}

type budgetResult struct {
	n    int
	path []string
}

// newBudgeter prepares the walk of f; parent is the flow that hands off to
// f, or nil.
func newBudgeter(f *Flow, parent *Flow) *budgeter {
	b := &budgeter{f: f, from: map[string][]string{}, subs: map[string]*budgeter{}}
	b.read(f, func(id string) string { return id })
	if parent != nil {
		tagged := map[string]string{} // tag → the sub's first step with it
		for i := range f.Steps {
			if s := &f.Steps[i]; s.Tag != "" && s.Then == "" && tagged[s.Tag] == "" {
				tagged[s.Tag] = s.ID
			}
		}
		for i := range parent.Steps {
			if s := &parent.Steps[i]; s.Then == "" && tagged[s.Tag] != "" && !slices.Contains(b.shared, tagged[s.Tag]) {
				b.shared = append(b.shared, tagged[s.Tag])
			}
		}
		b.read(parent, func(id string) string {
			if s, ok := parent.Step(id); ok && s.Tag != "" {
				return tagged[s.Tag]
			}
			return ""
		})
	} else {
		for id, sub := range f.subs {
			b.subs[id] = newBudgeter(sub, f)
		}
	}
	b.live = b.liveSets()
	return b
}

// read collects the conditions and options_from of src, with step ids
// mapped to f's by as ("" when a step is not f's).
func (b *budgeter) read(src *Flow, as func(string) string) {
	for i := range src.Steps {
		s := &src.Steps[i]
		if id := as(s.OptionsFrom); s.OptionsFrom != "" && id != "" {
			for _, o := range s.Options {
				b.from[id] = append(b.from[id], o.ID)
			}
		}
		for _, c := range stepConds(s) {
			walkCond(c, func(c *Cond) {
				if c.Step == "" {
					b.conds = append(b.conds, c)
				} else if id := as(c.Step); id != "" {
					cc := *c
					cc.Step = id
					b.conds = append(b.conds, &cc)
				}
			})
		}
	}
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
	if sb := b.subs[id]; sb != nil {
		r := b.handoff(st, s, sb)
		b.memo[key] = r
		return r
	}
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

// handoff returns the longest remaining path from the then: step s: the
// questions of the flow handed off to (in its then_mode, or in any mode
// the person may choose when it has none), then the parent's from the
// following step, with the answers the other flow gave taken.
func (b *budgeter) handoff(st State, s *Step, sb *budgeter) budgetResult {
	modes := []string{s.ThenMode}
	if len(sb.f.Modes) > 0 && !sb.f.HasMode(s.ThenMode) {
		modes = nil
		for _, m := range sb.f.Modes {
			if !m.Handoff {
				modes = append(modes, m.ID)
			}
		}
	}
	var best budgetResult
	for i, m := range modes {
		ss := b.f.startSub(st, s, sb.f)
		ss.Mode = m
		if r := b.inSub(st, s, sb, *ss, sb.f.firstUnanswered(*ss)); i == 0 || r.n > best.n {
			best = r
		}
	}
	return best
}

// inSub walks the flow handed off to at s from its step id, and the parent
// once its questions are over.
func (b *budgeter) inSub(st State, s *Step, sb *budgeter, ss State, id string) budgetResult {
	if id == "" {
		next := st.clone()
		next.Answers[s.ID] = Answer{Value: sb.f.ID}
		b.f.takeShared(next, s.ID, sb.f, ss)
		b.f.normalize(next)
		return b.walk(next, b.f.nextUnanswered(next, s.ID))
	}
	key := b.key(st, s.ID) + "»" + sb.key(ss, id) + "»" + sb.sharedKey(ss)
	if r, ok := b.memo[key]; ok {
		return r
	}
	step, _ := sb.f.Step(id)
	var best budgetResult
	for i, a := range sb.candidates(ss, step) {
		next := ss.clone()
		next.Answers[id] = a
		sb.f.normalize(next)
		if r := b.inSub(st, s, sb, next, sb.f.nextUnanswered(next, id)); i == 0 || r.n > best.n {
			best = r
		}
	}
	best = budgetResult{n: best.n + 1, path: append([]string{sb.f.ID + ":" + id}, best.path...)}
	b.memo[key] = best
	return best
}

// key identifies a point of the walk by the step, the answers that later
// conditions still read, and the steps answered ahead of the path (taken
// from a flow handed off to), which are not asked again.
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
	var taken []string
	for s, a := range st.Answers {
		if a.From != "" {
			taken = append(taken, s)
		}
	}
	sort.Strings(taken)
	for _, s := range taken {
		k.WriteString("|~" + s)
	}
	return k.String()
}

// sharedKey lists the answers of a flow handed off to that the parent
// takes when it comes back.
func (b *budgeter) sharedKey(st State) string {
	var k strings.Builder
	for _, s := range b.shared {
		if a, ok := st.Answers[s]; ok {
			k.WriteString("|" + s + "=" + a.Value + strconv.FormatBool(a.Skipped))
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
	for _, o := range b.from[id] {
		read[o] = true
	}
	for _, c := range b.conds {
		if c.Step == id {
			for _, v := range append(slices.Clone(c.In), c.NotIn...) {
				read[v] = true
			}
		}
	}
	return read
}

// thresholds lists the at_most/at_least values conditions use on step id.
func (b *budgeter) thresholds(id string) []float64 {
	var out []float64
	for _, c := range b.conds {
		if c.Step != id {
			continue
		}
		for _, v := range []*float64{c.AtMost, c.AtLeast} {
			if v != nil {
				out = append(out, *v)
			}
		}
	}
	return out
}

// contexts lists every combination of the context values conditions test,
// those of the flows handed off to included.
func (b *budgeter) contexts() []map[string]string {
	values := map[string][]string{}
	conds := slices.Clone(b.conds)
	for _, sb := range b.subs {
		conds = append(conds, sb.conds...)
	}
	for _, c := range conds {
		if c.Context == "" || c.Context == CtxMode {
			continue
		}
		for _, v := range append(slices.Clone(c.In), c.NotIn...) {
			if !slices.Contains(values[c.Context], v) {
				values[c.Context] = append(values[c.Context], v)
			}
		}
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := []map[string]string{{}}
	for _, k := range keys {
		var next []map[string]string
		for _, m := range out {
			for _, v := range append(values[k], "") {
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
