package flows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	idPattern          = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
	optionIDPattern    = regexp.MustCompile(`^[a-z0-9_]+$`)
	tagPattern         = regexp.MustCompile(`^[a-z_]+(\.[a-z_]+)*$`)
	placeholderPattern = regexp.MustCompile(`\{\{\s*([^}]*?)\s*\}\}`)
)

// Placeholders lists the names a prompt may use as {{name}}.
func Placeholders() []string {
	return []string{"company", "advisor", "institution", "commitment", "commitment_due", "last_wall", "hypothesis", "next_date"}
}

// checker collects validation problems of one flow as "file:line: reason".
type checker struct {
	f    *Flow
	errs []error
}

func (c *checker) errorf(line int, format string, args ...any) {
	if line == 0 {
		line = 1
	}
	c.errs = append(c.errs, fmt.Errorf("%s:%d: %s", c.f.File, line, fmt.Sprintf(format, args...)))
}

// validate checks a decoded flow and builds its step index.
func validate(f *Flow) []error {
	c := &checker{f: f}
	c.header()
	c.modes()
	c.budget()
	f.index = map[string]int{}
	for i := range f.Steps {
		s := &f.Steps[i]
		if _, dup := f.index[s.ID]; dup {
			c.errorf(s.Line, "step id %q is used twice", s.ID)
			continue
		}
		if s.ID != "" {
			f.index[s.ID] = i
		}
	}
	for i := range f.Steps {
		inheritOptions(f, &f.Steps[i])
		c.step(i, &f.Steps[i])
		if s := &f.Steps[i]; s.Retired && (s.When != nil || len(s.Next) > 0 || s.Then != "") {
			c.errorf(s.Line, "step %s: a retired step is never asked; it takes no when, next or then", s.ID)
		}
	}
	return c.errs
}

func (c *checker) header() {
	f := c.f
	if !idPattern.MatchString(f.ID) {
		c.errorf(1, "flow id %q must be letters, digits or _", f.ID)
	}
	if f.Version < 1 {
		c.errorf(1, "version must be 1 or more")
	}
	switch f.Audience {
	case AudienceAdvisor, AudienceOwner, AudienceCoordinator:
	default:
		c.errorf(1, "audience %q must be advisor, owner or coordinator", f.Audience)
	}
	if f.Title.JA == "" {
		c.errorf(1, "title needs ja text")
	}
	if len(f.Steps) == 0 {
		c.errorf(1, "a flow needs at least one step")
	}
	for _, t := range []Text{f.Title, f.Intro, f.Outro} {
		c.placeholders(1, t)
	}
}

func (c *checker) modes() {
	seen, offered := map[string]bool{}, false
	for _, m := range c.f.Modes {
		offered = offered || !m.Handoff
		switch {
		case !idPattern.MatchString(m.ID):
			c.errorf(m.Line, "mode id %q must be letters, digits or _", m.ID)
		case seen[m.ID]:
			c.errorf(m.Line, "mode id %q is used twice", m.ID)
		case m.Title.JA == "":
			c.errorf(m.Line, "mode %q needs a ja title", m.ID)
		}
		seen[m.ID] = true
	}
	if len(c.f.Modes) > 0 && !offered {
		c.errorf(c.f.Modes[0].Line, "every mode is a handoff mode; at least one must be offered to people")
	}
}

func (c *checker) budget() {
	for m, n := range c.f.Budget {
		switch {
		case !c.f.HasMode(m):
			c.errorf(c.f.BudgetLine, "budget: mode %q is not defined in modes", m)
		case n < 1:
			c.errorf(c.f.BudgetLine, "budget: %s must be 1 or more", m)
		}
	}
}

func (c *checker) step(pos int, s *Step) {
	if !idPattern.MatchString(s.ID) || s.ID == EndStep {
		c.errorf(s.Line, "step id %q must be letters, digits or _ (and not %q)", s.ID, EndStep)
	}
	if s.Then != "" || s.ThenMode != "" {
		c.handoff(pos, s)
		return
	}
	if !slices.Contains(kinds, s.Kind) {
		c.errorf(s.Line, "step %s: unknown kind %q (want one of %s)", s.ID, s.Kind, kindList())
	}
	if s.Ask.JA == "" {
		c.errorf(s.Line, "step %s: ask needs ja text", s.ID)
	}
	for _, t := range []Text{s.Ask, s.Hint, s.Reflect} {
		c.placeholders(s.Line, t)
	}
	if s.Tag != "" && !tagPattern.MatchString(s.Tag) {
		c.errorf(s.Line, "step %s: tag %q must be lower-case words joined by dots", s.ID, s.Tag)
	}
	for _, m := range s.Modes {
		if !c.f.HasMode(m) {
			c.errorf(s.Line, "step %s: mode %q is not defined in modes", s.ID, m)
		}
	}
	c.options(pos, s)
	c.limits(s)
	c.defaultValue(s)
	if s.When != nil {
		c.cond(pos, s, s.When)
	}
	for _, j := range s.Next {
		c.jump(pos, s, j)
	}
}

// handoff checks a step that hands the conversation to another flow; the
// flow itself is looked up when the set is checked (Set.Check).
func (c *checker) handoff(pos int, s *Step) {
	switch {
	case s.Then == "":
		c.errorf(s.Line, "step %s: then_mode needs then", s.ID)
	case !idPattern.MatchString(s.Then):
		c.errorf(s.Line, "step %s: then %q must be a flow id", s.ID, s.Then)
	case s.Then == c.f.ID:
		c.errorf(s.Line, "step %s: a flow cannot hand off to itself", s.ID)
	case s.Kind != "" || !s.Ask.IsZero() || len(s.Options) > 0 || s.OptionsFrom != "" || s.Default != "" || s.Tag != "" || len(s.Next) > 0:
		c.errorf(s.Line, "step %s: a then step asks nothing itself; only id, then, then_mode, modes and when are allowed", s.ID)
	}
	for _, m := range s.Modes {
		if !c.f.HasMode(m) {
			c.errorf(s.Line, "step %s: mode %q is not defined in modes", s.ID, m)
		}
	}
	if s.When != nil {
		c.cond(pos, s, s.When)
	}
}

func (c *checker) options(pos int, s *Step) {
	choice := s.Kind == KindSingle || s.Kind == KindMulti
	if !choice {
		if len(s.Options) > 0 || s.OptionsFrom != "" {
			c.errorf(s.Line, "step %s: options are only allowed on single or multi steps, not %s", s.ID, s.Kind)
		}
		return
	}
	if s.OptionsFrom != "" {
		c.optionsFrom(pos, s)
	} else if len(s.Options) < 2 {
		c.errorf(s.Line, "step %s: a %s step needs at least 2 options", s.ID, s.Kind)
	}
	seen := map[string]bool{}
	for _, o := range s.Options {
		switch {
		case !optionIDPattern.MatchString(o.ID):
			c.errorf(o.Line, "step %s: option id %q must be lower-case letters, digits or _", s.ID, o.ID)
		case seen[o.ID]:
			c.errorf(o.Line, "step %s: option id %q is used twice", s.ID, o.ID)
		case o.Label.JA == "":
			c.errorf(o.Line, "step %s: option %q needs a ja label", s.ID, o.ID)
		}
		seen[o.ID] = true
	}
}

func (c *checker) limits(s *Step) {
	if s.MaxLen != 0 && s.Kind != KindText {
		c.errorf(s.Line, "step %s: max_len is only allowed on text steps", s.ID)
	}
	if (s.Min != nil || s.Max != nil) && s.Kind != KindNumber {
		c.errorf(s.Line, "step %s: min and max are only allowed on number steps", s.ID)
	}
	if s.Dates != "" && (s.Kind != KindDate || !slices.Contains([]string{"future", "past", "any"}, s.Dates)) {
		c.errorf(s.Line, "step %s: dates must be future, past or any, on a date step", s.ID)
	}
	if s.Min != nil && s.Max != nil && *s.Min > *s.Max {
		c.errorf(s.Line, "step %s: min is larger than max", s.ID)
	}
}

// inheritOptions gives an options_from step without options of its own the
// options of its source, so labels and conditions work as on any step.
func inheritOptions(f *Flow, s *Step) {
	if s.OptionsFrom == "" || len(s.Options) > 0 {
		return
	}
	if i, ok := f.index[s.OptionsFrom]; ok && f.Steps[i].Kind == KindMulti {
		s.Options = slices.Clone(f.Steps[i].Options)
	}
}

// optionsFrom checks that the source is an earlier multi step and that the
// step's own options, when it lists any, are among the source's.
func (c *checker) optionsFrom(pos int, s *Step) {
	i, ok := c.f.index[s.OptionsFrom]
	switch {
	case !ok:
		c.errorf(s.Line, "step %s: options_from refers to unknown step %q", s.ID, s.OptionsFrom)
		return
	case i >= pos:
		c.errorf(s.Line, "step %s: options_from refers to step %q, which is not asked before it", s.ID, s.OptionsFrom)
		return
	case c.f.Steps[i].Kind != KindMulti:
		c.errorf(s.Line, "step %s: options_from needs a multi step, %s is %s", s.ID, s.OptionsFrom, c.f.Steps[i].Kind)
		return
	}
	src := &c.f.Steps[i]
	for _, o := range s.Options {
		if _, ok := src.Option(o.ID); !ok {
			c.errorf(o.Line, "step %s: option %q is not an option of %s (options_from)", s.ID, o.ID, src.ID)
		}
	}
}

// defaultValue checks that a default is a possible answer of the step.
func (c *checker) defaultValue(s *Step) {
	d := s.Default
	if d == "" {
		return
	}
	ok := true
	switch s.Kind {
	case KindSingle:
		_, ok = s.Option(d)
	case KindMulti:
		for _, id := range strings.Split(d, ",") {
			if _, has := s.Option(id); !has {
				ok = false
			}
		}
	case KindYesNo:
		ok = d == "yes" || d == "no"
	case KindScale:
		_, ok = ParseScale(d)
	case KindNumber:
		_, ok = ParseNumber(d)
	case KindDate:
		_, err := ParseDate(d, Date{Year: 2026, Month: 1, Day: 1})
		ok = err == nil
	case KindCompany:
		ok = false
	}
	if !ok {
		c.errorf(s.Line, "step %s: default %q is not a possible answer of a %s step", s.ID, d, s.Kind)
	}
}

// cond checks a condition: its parts, the step or context it tests, and
// that the values fit.
func (c *checker) cond(pos int, s *Step, cd *Cond) {
	if cd == nil {
		c.errorf(s.Line, "step %s: empty condition", s.ID)
		return
	}
	forms := 0
	for _, b := range []bool{cd.Step != "", cd.Context != "", cd.All != nil, cd.Any != nil, cd.Not != nil} {
		if b {
			forms++
		}
	}
	if forms != 1 {
		c.errorf(cd.Line, "step %s: a condition needs exactly one of step, context, all, any, not", s.ID)
		return
	}
	switch {
	case cd.All != nil || cd.Any != nil:
		parts := append(slices.Clone(cd.All), cd.Any...)
		if len(parts) == 0 {
			c.errorf(cd.Line, "step %s: all/any needs at least one condition", s.ID)
		}
		for _, p := range parts {
			c.cond(pos, s, p)
		}
	case cd.Not != nil:
		c.cond(pos, s, cd.Not)
	case cd.Context != "":
		c.contextCond(s, cd)
	default:
		c.stepCond(pos, s, cd)
	}
}

// contextCond checks a condition on what the caller knows (Env.Context).
func (c *checker) contextCond(s *Step, cd *Cond) {
	if (cd.In == nil) == (cd.NotIn == nil) || cd.AtMost != nil || cd.AtLeast != nil || cd.Answered != nil {
		c.errorf(cd.Line, "step %s: a context condition needs exactly one of in, not_in", s.ID)
		return
	}
	values := append(slices.Clone(cd.In), cd.NotIn...)
	switch cd.Context {
	case CtxCompanyIsNew:
		for _, v := range values {
			if v != "true" && v != "false" {
				c.errorf(cd.Line, "step %s: %s is true or false, not %q", s.ID, cd.Context, v)
			}
		}
	case CtxMode:
		for _, v := range values {
			if !c.f.HasMode(v) {
				c.errorf(cd.Line, "step %s: mode %q is not defined in modes", s.ID, v)
			}
		}
	case CtxCompanyStage:
	default:
		c.errorf(cd.Line, "step %s: unknown context %q (known: %s, %s, %s)", s.ID, cd.Context, CtxCompanyIsNew, CtxCompanyStage, CtxMode)
	}
}

// stepCond checks that a condition refers to an earlier step and fits its kind.
func (c *checker) stepCond(pos int, s *Step, cd *Cond) {
	i, ok := c.f.index[cd.Step]
	if !ok {
		c.errorf(cd.Line, "step %s: condition refers to unknown step %q", s.ID, cd.Step)
		return
	}
	if i >= pos {
		c.errorf(cd.Line, "step %s: condition refers to step %q, which is not asked before it", s.ID, cd.Step)
		return
	}
	set := 0
	for _, b := range []bool{cd.In != nil, cd.NotIn != nil, cd.AtMost != nil, cd.AtLeast != nil, cd.Answered != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		c.errorf(cd.Line, "step %s: a condition needs exactly one of in, not_in, at_most, at_least, answered", s.ID)
		return
	}
	target := &c.f.Steps[i]
	for _, v := range append(slices.Clone(cd.In), cd.NotIn...) {
		if !valueFits(target, v) {
			c.errorf(cd.Line, "step %s: %q is not a possible answer of step %s", s.ID, v, target.ID)
		}
	}
	if (cd.AtMost != nil || cd.AtLeast != nil) && target.Kind != KindScale && target.Kind != KindNumber && target.Kind != KindMulti {
		c.errorf(cd.Line, "step %s: at_most/at_least need a scale, number or multi step, %s is %s", s.ID, target.ID, target.Kind)
	}
}

func valueFits(target *Step, v string) bool {
	switch target.Kind {
	case KindSingle, KindMulti:
		_, ok := target.Option(v)
		return ok
	case KindYesNo:
		return v == "yes" || v == "no"
	default:
		return false
	}
}

func (c *checker) jump(pos int, s *Step, j Jump) {
	if j.Goto != EndStep {
		i, ok := c.f.index[j.Goto]
		switch {
		case !ok:
			c.errorf(j.Line, "step %s: next goes to unknown step %q", s.ID, j.Goto)
		case i <= pos:
			c.errorf(j.Line, "step %s: next goes back to %q; jumps only go forward", s.ID, j.Goto)
		}
	}
	if j.If != nil {
		c.cond(pos+1, s, j.If)
	}
}

func (c *checker) placeholders(line int, t Text) {
	for _, s := range []string{t.JA, t.EN} {
		for _, m := range placeholderPattern.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(Placeholders(), m[1]) {
				c.errorf(line, "unknown placeholder {{%s}} (known: %s)", m[1], strings.Join(Placeholders(), ", "))
			}
		}
	}
}

func kindList() string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
