package flows

import "strings"

// Audience is who answers a flow.
type Audience string

const (
	AudienceAdvisor     Audience = "advisor"
	AudienceOwner       Audience = "owner"
	AudienceCoordinator Audience = "coordinator"
)

// Kind is the type of answer a step expects.
type Kind string

const (
	KindText    Kind = "text"    // free text, stored verbatim
	KindSingle  Kind = "single"  // one option
	KindMulti   Kind = "multi"   // one or more options
	KindScale   Kind = "scale"   // 1–5
	KindDate    Kind = "date"    // a calendar day
	KindYesNo   Kind = "yesno"   // はい / いいえ
	KindNumber  Kind = "number"  // a number (全角 digits and commas accepted)
	KindCompany Kind = "company" // a company: one of Env.Companies or a new name
)

// Kinds lists every valid step kind.
var kinds = []Kind{KindText, KindSingle, KindMulti, KindScale, KindDate, KindYesNo, KindNumber, KindCompany}

// Text is a bilingual string. Japanese is required; English falls back to it.
type Text struct {
	JA string `yaml:"ja" json:"ja"`
	EN string `yaml:"en" json:"en,omitempty"`
}

// In returns the text in lang ("ja" or "en"), falling back to Japanese.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.JA
}

// IsZero reports whether the text is empty in both languages.
func (t Text) IsZero() bool { return t.JA == "" && t.EN == "" }

// Flow is one guided interview.
type Flow struct {
	ID       string   `yaml:"id"`
	Version  int      `yaml:"version"`
	Audience Audience `yaml:"audience"`
	Title    Text     `yaml:"title"`
	// Intro is shown once before the first question.
	Intro Text   `yaml:"intro"`
	Modes []Mode `yaml:"modes"`
	Steps []Step `yaml:"steps"`
	// Outro is shown after the answers are saved.
	Outro Text `yaml:"outro"`
	// NoReview saves as soon as the last question is answered, without the
	// review (owners on LINE answer a few taps and should not be asked
	// 「この内容で保存しますか？」).
	NoReview bool `yaml:"no_review"`
	// Budget caps the questions asked on any path, per mode (flows check).
	Budget map[string]int `yaml:"budget"`

	File       string           `yaml:"-"` // where the flow was loaded from
	BudgetLine int              `yaml:"-"`
	index      map[string]int   // step id → position in Steps
	subs       map[string]*Flow // flows handed off to (then:), linked by the Set
}

// Mode is a named subset of steps (e.g. full and quick).
type Mode struct {
	ID    string `yaml:"id"`
	Title Text   `yaml:"title"`
	// Handoff marks a mode only a hand-off uses (a then_mode): the person
	// starting the flow on its own is not offered it.
	Handoff bool `yaml:"handoff"`
	// Intro, when set, is said instead of the flow's intro when a hand-off
	// starts the flow in this mode (a short lead-in for a few questions).
	Intro Text `yaml:"intro"`
	Line  int  `yaml:"-"`
}

// Option is one choice of a single or multi step.
type Option struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	Line  int    `yaml:"-"`
}

// Step is one question.
type Step struct {
	ID       string   `yaml:"id"`
	Kind     Kind     `yaml:"kind"`
	Ask      Text     `yaml:"ask"`
	Hint     Text     `yaml:"hint"`    // a listening tip for the advisor
	Reflect  Text     `yaml:"reflect"` // said after the answer, before the next question
	Label    Text     `yaml:"label"`   // short name used in the review
	Options  []Option `yaml:"options"`
	Optional bool     `yaml:"optional"` // may be skipped (スキップ)
	MaxLen   int      `yaml:"max_len"`  // text: longest accepted answer in characters
	Min      *float64 `yaml:"min"`      // number: smallest accepted value
	Max      *float64 `yaml:"max"`      // number: largest accepted value
	Unit     Text     `yaml:"unit"`     // number: the unit shown with the range (年, 人, 万円)
	// Dates says which days a date step accepts: future (today or later,
	// the default), past (today or earlier; 11/18 means the last 11/18) or any.
	Dates string   `yaml:"dates"`
	Modes []string `yaml:"modes"` // modes that ask this step; empty = all
	When  *Cond    `yaml:"when"`  // ask only when this holds
	Next  []Jump   `yaml:"next"`  // first matching jump wins; otherwise the following step
	// Sensitive marks 要配慮 answers: never in digests or exports unless asked for.
	Sensitive bool   `yaml:"sensitive"`
	Tag       string `yaml:"tag"` // semantic role the bot acts on, e.g. commitment.text
	// OptionsFrom offers only the options chosen at an earlier multi step.
	OptionsFrom string `yaml:"options_from"`
	// Default is the suggested answer an empty reply or one tap accepts:
	// an option id, yes/no, a number, or a date such as today or +14d.
	Default string `yaml:"default"`
	// Then hands the conversation to another flow (in ThenMode) and comes
	// back to the following step; such a step asks nothing itself.
	Then     string `yaml:"then"`
	ThenMode string `yaml:"then_mode"`
	// Retired steps are never asked; they stay so that answers recorded by
	// an earlier version of the flow keep their labels (exports, history).
	Retired bool `yaml:"retired"`

	Line int `yaml:"-"` // line of the step in its file
}

// Cond is a condition. It is one of: a test on an earlier answer (Step with
// exactly one of In, NotIn, AtMost, AtLeast or Answered), a test on the
// context (Context with In or NotIn), or a combination (All, Any, Not).
// On a multi step AtMost and AtLeast count the options chosen.
type Cond struct {
	Step     string   `yaml:"step"`
	Context  string   `yaml:"context"` // company.is_new, company.stage or mode
	In       []string `yaml:"in"`      // option ids (single/multi), "yes"/"no" (yesno)
	NotIn    []string `yaml:"not_in"`  // the negation of In
	AtMost   *float64 `yaml:"at_most"`
	AtLeast  *float64 `yaml:"at_least"`
	Answered *bool    `yaml:"answered"` // answered and not skipped
	All      []*Cond  `yaml:"all"`
	Any      []*Cond  `yaml:"any"`
	Not      *Cond    `yaml:"not"`
	Line     int      `yaml:"-"`
}

// Context keys a condition may test; the caller supplies them in Env.
const (
	CtxCompanyIsNew = "company.is_new" // "true" or "false"
	CtxCompanyStage = "company.stage"  // the stage option id of the intake
	CtxMode         = "mode"           // the conversation's mode
)

// Jump sends the conversation to Goto when If holds. Goto may be EndStep.
type Jump struct {
	If   *Cond  `yaml:"if"`
	Goto string `yaml:"goto"`
	Line int    `yaml:"-"`
}

// EndStep is the jump target that ends the questions and opens the review.
const EndStep = "end"

// Step returns the step with the given id.
func (f *Flow) Step(id string) (*Step, bool) {
	i, ok := f.index[id]
	if !ok {
		return nil, false
	}
	return &f.Steps[i], true
}

// StepByTag returns the first step carrying tag.
func (f *Flow) StepByTag(tag string) (*Step, bool) {
	for i := range f.Steps {
		if f.Steps[i].Tag == tag {
			return &f.Steps[i], true
		}
	}
	return nil, false
}

// HasMode reports whether the flow defines mode id.
func (f *Flow) HasMode(id string) bool {
	for _, m := range f.Modes {
		if m.ID == id {
			return true
		}
	}
	return false
}

// offers reports whether a person starting the flow may choose mode id:
// a defined mode that is not only for hand-offs.
func (f *Flow) offers(id string) bool {
	for _, m := range f.Modes {
		if m.ID == id {
			return !m.Handoff
		}
	}
	return false
}

// inMode reports whether the step is asked in mode.
func (s *Step) inMode(mode string) bool {
	if len(s.Modes) == 0 || mode == "" {
		return true
	}
	for _, m := range s.Modes {
		if m == mode {
			return true
		}
	}
	return false
}

// dates returns the date direction of a date step.
func (s *Step) dates() string {
	if s.Kind != KindDate {
		return ""
	}
	if s.Dates == "" {
		return "future"
	}
	return s.Dates
}

// Option returns the option with the given id.
func (s *Step) Option(id string) (Option, bool) {
	for _, o := range s.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// ReviewLabel is the short name of the step in the review.
func (s *Step) ReviewLabel(lang string) string {
	if !s.Label.IsZero() {
		return s.Label.In(lang)
	}
	q := s.Ask.In(lang)
	if r := []rune(q); len(r) > 24 {
		return string(r[:23]) + "…"
	}
	return strings.TrimSpace(q)
}
