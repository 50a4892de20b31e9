package flows

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
		if s.inMode(st.Mode) && (s.When == nil || holds(f, st, s.When)) {
			return s.ID
		}
	}
	return ""
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
func (f *Flow) progress(st State) (n, total int) {
	p := f.path(st)
	for i, id := range p {
		if id == st.Cursor {
			return i + 1, len(p)
		}
	}
	return len(p), len(p)
}

// holds evaluates a condition against the answers so far. A condition on an
// unanswered or skipped step is false.
func holds(f *Flow, st State, c *Cond) bool {
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
