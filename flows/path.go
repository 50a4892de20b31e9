package flows

import "slices"

// first returns the first step asked in the state's mode.
func (f *Flow) first(st State) string {
	return f.applicableFrom(st, 0)
}

// firstUnanswered returns the first step of the path without an answer.
func (f *Flow) firstUnanswered(st State) string {
	id := f.first(st)
	if _, done := st.Answers[id]; done {
		return f.nextUnanswered(st, id)
	}
	return id
}

// after returns the step asked after id: the target of the first matching
// jump, or the following step; steps outside the mode or whose condition is
// false are passed over. "" means the questions are over.
func (f *Flow) after(st State, id string) string {
	i, ok := f.index[id]
	if !ok {
		return ""
	}
	for _, j := range f.Steps[i].Next {
		if j.If != nil && !holds(f, st, j.If) {
			continue
		}
		if j.Goto == EndStep {
			return ""
		}
		return f.applicableFrom(st, f.index[j.Goto])
	}
	return f.applicableFrom(st, i+1)
}

func (f *Flow) applicableFrom(st State, i int) string {
	for ; i < len(f.Steps); i++ {
		s := &f.Steps[i]
		if !s.Retired && s.inMode(st.Mode) && (s.When == nil || holds(f, st, s.When)) && (s.OptionsFrom == "" || len(f.choicesOf(st, s)) > 0) {
			return s.ID
		}
	}
	return ""
}

// choicesOf returns the options a step offers now: for options_from, only
// those chosen at the source step (none while it is unanswered).
func (f *Flow) choicesOf(st State, s *Step) []Option {
	if s.OptionsFrom == "" {
		return s.Options
	}
	a, ok := st.Answers[s.OptionsFrom]
	if !ok || a.Skipped {
		return nil
	}
	var out []Option
	for _, o := range s.Options {
		if slices.Contains(a.Choices(), o.ID) {
			out = append(out, o)
		}
	}
	return out
}

// normalize keeps options_from answers in line with their source: a step
// left with one choice records it without asking, and an answer no longer
// among the choices is dropped so the step is asked again. It returns the
// steps whose answer it recorded.
func (f *Flow) normalize(st State) []*Step {
	var recorded []*Step
	for _, id := range f.path(st) {
		s, _ := f.Step(id)
		if s.OptionsFrom == "" {
			continue
		}
		opts := f.choicesOf(st, s)
		a, answered := st.Answers[id]
		switch {
		case len(opts) == 1:
			if !answered || a.Value != opts[0].ID {
				st.Answers[id] = Answer{Value: opts[0].ID, Auto: true}
				recorded = append(recorded, s)
			}
		case answered && !a.Skipped && !allIn(a.Choices(), opts):
			delete(st.Answers, id)
		}
	}
	return recorded
}

func allIn(ids []string, opts []Option) bool {
	for _, id := range ids {
		if !slices.ContainsFunc(opts, func(o Option) bool { return o.ID == id }) {
			return false
		}
	}
	return true
}

// nextUnanswered returns the first step after id on the path that has no
// answer yet, so that after 戻る or 修正 the conversation returns to where
// it was instead of asking everything again.
func (f *Flow) nextUnanswered(st State, id string) string {
	for next := f.after(st, id); next != ""; next = f.after(st, next) {
		if _, done := st.Answers[next]; !done {
			return next
		}
	}
	return ""
}

// path lists the steps the conversation goes through given its answers.
// Jumps only go forward, so the walk ends.
func (f *Flow) path(st State) []string {
	var ids []string
	for id := f.first(st); id != ""; id = f.after(st, id) {
		ids = append(ids, id)
	}
	return ids
}

// progress returns the position of the current step and the number of
// steps on the path as far as it is known.
// A flow handed off to counts with its own steps.
func (f *Flow) progress(st State) (n, total int) {
	for _, id := range f.path(st) {
		w := 1
		if sub, ss := f.subs[id], st.Subs[id]; sub != nil && ss != nil {
			w = len(asked(sub, *ss))
		}
		if id == st.Cursor {
			n = total + 1
		}
		total += w
	}
	if n == 0 {
		n = total
	}
	return n, total
}

// asked lists the steps of a flow handed off to that the person answers
// there: its path without the answers filled in from the parent.
func asked(sub *Flow, ss State) []string {
	var out []string
	for _, id := range sub.path(ss) {
		if ss.Answers[id].From == "" {
			out = append(out, id)
		}
	}
	return out
}

// holds evaluates a condition against the answers so far and the context.
// A condition on an unanswered or skipped step is false.
func holds(f *Flow, st State, c *Cond) bool {
	switch {
	case c.All != nil:
		for _, p := range c.All {
			if !holds(f, st, p) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, p := range c.Any {
			if holds(f, st, p) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !holds(f, st, c.Not)
	case c.Context != "":
		v := st.Context[c.Context]
		if c.Context == CtxMode {
			v = st.Mode
		}
		if c.In != nil {
			return slices.Contains(c.In, v)
		}
		return !slices.Contains(c.NotIn, v)
	}
	a, ok := st.Answers[c.Step]
	if c.Answered != nil {
		return (ok && !a.Skipped) == *c.Answered
	}
	if !ok || a.Skipped {
		return false
	}
	switch {
	case c.In != nil:
		return anyIn(a.Choices(), c.In)
	case c.NotIn != nil:
		return !anyIn(a.Choices(), c.NotIn)
	}
	n, isNum := a.Number()
	if s, _ := f.Step(c.Step); s != nil && s.Kind == KindMulti {
		n, isNum = float64(len(a.Choices())), true
	}
	if !isNum {
		return false
	}
	if c.AtMost != nil {
		return n <= *c.AtMost
	}
	return c.AtLeast != nil && n >= *c.AtLeast
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}
