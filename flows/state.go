package flows

import (
	"strconv"
	"strings"
	"time"
)

// Phase is where a conversation stands.
type Phase string

const (
	PhaseMode      Phase = "mode"      // choosing full or quick
	PhaseAsk       Phase = "ask"       // answering steps
	PhaseReview    Phase = "review"    // confirming everything before saving
	PhaseEditPick  Phase = "edit_pick" // choosing which answer to correct
	PhaseDone      Phase = "done"      // confirmed; the caller saves
	PhaseCancelled Phase = "cancelled" // stopped by the respondent
	// PhaseConfirmCancel asks once whether to discard the answers so far.
	PhaseConfirmCancel Phase = "confirm_cancel"
)

// Pseudo step ids used in prompts that are not steps of the flow.
const (
	ModeStep   = "_mode"
	ReviewStep = "_review"
	EditStep   = "_edit"
	CancelStep = "_cancel" // やめますか？ (yes/no) before discarding answers
)

// Review actions (values of the ReviewStep prompt's options).
const (
	ActionSave   = "save"
	ActionEdit   = "edit"
	ActionCancel = "cancel"
)

// State is the engine's whole memory of a conversation. It is stored as JSON
// with the session, so a restart continues at the saved step.
type State struct {
	FlowID      string            `json:"flow"`
	FlowVersion int               `json:"flow_version"`
	Mode        string            `json:"mode,omitempty"`
	Phase       Phase             `json:"phase"`
	Cursor      string            `json:"cursor,omitempty"` // the step being asked
	Answers     map[string]Answer `json:"answers,omitempty"`
	Trail       []string          `json:"trail,omitempty"` // answered steps in order, for 戻る
	// Before is the phase to go back to from PhaseConfirmCancel, and the
	// phase a cancelled conversation resumes in (再開).
	Before Phase `json:"before,omitempty"`
	// Pending is a date answer far from today, waiting for 「はい」.
	Pending *Answer `json:"pending,omitempty"`
	// SwitchTo is a company the respondent asked to start while this
	// conversation was open: the bot asks which to continue.
	SwitchTo string `json:"switch_to,omitempty"`
	// Context is what the caller knew when it mattered (company.is_new, …).
	Context map[string]string `json:"context,omitempty"`
	// Subs holds the conversations handed off to (then:), by step id.
	Subs map[string]*State `json:"subs,omitempty"`
}

// Begun reports whether anything was answered in the conversation,
// including in a flow it handed off to (then:): the debrief of a new
// company starts with the intake's questions while its own trail is empty.
func (s State) Begun() bool {
	if len(s.Trail) > 0 {
		return true
	}
	for _, ss := range s.Subs {
		if ss != nil && len(ss.Trail) > 0 {
			return true
		}
	}
	return false
}

// Answer is the current answer to a step.
type Answer struct {
	Value   string `json:"v"`             // canonical value (see Value docs on store.Answer)
	Raw     string `json:"raw,omitempty"` // what was typed or tapped
	Skipped bool   `json:"skipped,omitempty"`
	// Auto marks an answer recorded without asking: one choice left
	// (options_from), or a question that does not apply, filled in by the
	// bot (e.g. 前回から… on a first visit). Hidden marks the latter: not
	// listed in the review.
	Auto   bool   `json:"auto,omitempty"`
	Hidden bool   `json:"hidden,omitempty"`
	From   string `json:"from,omitempty"` // taken from the flow handed off to at this then: step
}

// Choices returns the option ids of a single or multi answer.
func (a Answer) Choices() []string {
	if a.Value == "" {
		return nil
	}
	return strings.Split(a.Value, ",")
}

// Number returns the numeric value of a scale or number answer.
func (a Answer) Number() (float64, bool) {
	n, err := strconv.ParseFloat(a.Value, 64)
	return n, err == nil
}

// Date returns the value of a date answer.
func (a Answer) Date() (Date, bool) {
	d, err := ParseISODate(a.Value)
	return d, err == nil
}

// clone returns a deep copy, so Step never mutates its input.
func (s State) clone() State {
	c := s
	c.Answers = make(map[string]Answer, len(s.Answers))
	for k, v := range s.Answers {
		c.Answers[k] = v
	}
	c.Trail = append([]string(nil), s.Trail...)
	if s.Pending != nil {
		p := *s.Pending
		c.Pending = &p
	}
	if s.Context != nil {
		c.Context = make(map[string]string, len(s.Context))
		for k, v := range s.Context {
			c.Context[k] = v
		}
	}
	if s.Subs != nil {
		c.Subs = make(map[string]*State, len(s.Subs))
		for k, v := range s.Subs {
			sub := v.clone()
			c.Subs[k] = &sub
		}
	}
	return c
}

// Answered returns the answers on the conversation's current path, in order:
// answers to steps that branching has since ruled out are left out.
func (f *Flow) Answered(st State) []StepAnswer {
	var out []StepAnswer
	for _, id := range f.path(st) {
		s, _ := f.Step(id)
		if a, ok := st.Answers[id]; ok && s.Then == "" {
			out = append(out, StepAnswer{Step: s, Answer: a})
		}
	}
	return out
}

// Handoff is a conversation handed off to another flow (then:) and
// finished, whose answers the caller stores as that flow's own.
type Handoff struct {
	StepID string
	Flow   *Flow
	State  State
}

// Handoffs lists the finished hand-offs on the conversation's path.
func (f *Flow) Handoffs(st State) []Handoff {
	var out []Handoff
	for _, id := range f.path(st) {
		sub, ok := f.subs[id]
		if ss := st.Subs[id]; ok && ss != nil {
			if _, done := st.Answers[id]; done {
				out = append(out, Handoff{StepID: id, Flow: sub, State: *ss})
			}
		}
	}
	return out
}

// StepAnswer pairs a step with its answer.
type StepAnswer struct {
	Step   *Step
	Answer Answer
}

// Tagged returns the answer on the path to the step carrying tag.
func (f *Flow) Tagged(st State, tag string) (Answer, bool) {
	if tag == "" {
		return Answer{}, false
	}
	for _, sa := range f.Answered(st) {
		if sa.Step.Tag == tag && !sa.Answer.Skipped {
			return sa.Answer, true
		}
	}
	return Answer{}, false
}

// Display renders a date for people: 2026年12月4日(金), or Fri 4 Dec 2026.
func (d Date) Display(lang string) string {
	if lang == "en" {
		return d.In(time.UTC).Format("Mon 2 Jan 2006")
	}
	return d.JapaneseWithYear()
}
