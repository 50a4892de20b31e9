package flows

import (
	"slices"
	"strconv"
	"strings"
)

// Env is what the engine knows about the world for one turn. It is passed
// in, never read from the system, so the engine stays pure.
type Env struct {
	Today     Date              // the respondent's local calendar day
	Lang      string            // "ja" (default) or "en"
	Vars      map[string]string // placeholder values: company, advisor, commitment, …
	Companies []string          // choices for company steps, most recent first
	// Context is what conditions may test besides answers (company.is_new,
	// company.stage); it is kept in the state when the conversation starts.
	Context map[string]string
	// CompanyContext returns the context of a company picked or named at a
	// company step (nil: nothing known).
	CompanyContext func(name string) map[string]string
}

// Input is one thing the respondent said or tapped.
type Input struct {
	Text   string // typed text (answers and commands such as 戻る)
	StepID string // set when a button answered a specific step
	Value  string // the button's canonical value (option ids, 2026-12-03, yes)
}

// Result is what the engine answers to one input.
type Result struct {
	Notice    string    // said before the prompt: a reflection, a correction, the intro
	Prompt    *Prompt   // what to ask next; nil when done or cancelled
	Accepted  *Accepted // the answer taken in this turn, if any
	Done      bool      // the respondent confirmed the review: save now
	Cancelled bool      // the respondent stopped
	Stale     bool      // the input answered a step that is no longer current

	// Recorded lists answers recorded without asking (options_from with
	// one choice left).
	Recorded []Accepted
}

// Accepted is an answer taken in one turn.
type Accepted struct {
	Step   *Step
	Answer Answer
	// Handoff is the then: step when the answer belongs to the flow handed
	// off to (Step is then that flow's step); "" for the flow's own steps.
	Handoff string
}

// Prompt is a rendering-neutral question.
type Prompt struct {
	StepID   string // a step id, or ModeStep, ReviewStep, EditStep
	Kind     Kind
	Text     string
	Hint     string
	Options  []Choice
	Optional bool
	Current  string // the existing answer, shown when a step is asked again
	Dates    string // for date steps: future, past or any
	Review   []ReviewLine
	Format   string // how to type the answer: date examples, a number's unit and range
	Number   int    // this is question Number of about Total
	Total    int
	// Default is the suggested answer (an option id, yes/no, an ISO date,
	// …) that one tap or an empty reply accepts; DefaultLabel shows it.
	Default      string
	DefaultLabel string
}

// Choice is one option in a prompt.
type Choice struct {
	ID    string
	Label string
}

// ReviewLine is one answer in the review before saving.
type ReviewLine struct {
	N         int
	StepID    string
	Label     string
	Value     string
	Sensitive bool
	Handoff   string // the then: step when the answer belongs to the flow handed off to
}

// Start begins a conversation. When the flow has modes and mode is empty or
// unknown, the first prompt asks for the mode.
func Start(f *Flow, mode string, env Env) (State, Result) {
	st := State{FlowID: f.ID, FlowVersion: f.Version, Answers: map[string]Answer{}, Context: copyContext(env.Context)}
	res := Result{Notice: RenderText(f.Intro, env)}
	if len(f.Modes) > 0 && !f.offers(mode) {
		st.Phase = PhaseMode
	} else {
		st.Mode = mode
		st = f.moveTo(st, f.first(st))
		st, res = f.settle(st, res, env)
	}
	res.Prompt = f.Render(st, env)
	return st, res
}

func copyContext(c map[string]string) map[string]string {
	if len(c) == 0 {
		return nil
	}
	out := make(map[string]string, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// Advance applies one input to a conversation and returns the new state. It
// never mutates st.
func Advance(f *Flow, st State, in Input, env Env) (State, Result) {
	st = st.clone()
	switch st.Phase {
	case PhaseDone:
		return st, Result{Done: true}
	case PhaseCancelled:
		return st, Result{Cancelled: true}
	}
	if in.StepID != "" && in.StepID != current(st) {
		return st, Result{Stale: true, Notice: msg(env.Lang, "stale"), Prompt: f.Render(st, env)}
	}
	if st.Phase == PhaseConfirmCancel {
		return f.confirmCancel(st, in, env)
	}
	if s, ok := f.Step(st.Cursor); ok && st.Phase == PhaseAsk && s.Then != "" && st.Subs[s.ID] != nil {
		if cmd, _, ok := parseCommand(in.Text); ok && in.StepID == "" && cmd == cmdCancel {
			return f.askCancel(st, env) // the whole conversation, asked once
		}
		return f.advanceSub(st, s, in, env)
	}
	if in.StepID == "" {
		if cmd, arg, ok := parseCommand(in.Text); ok {
			return f.command(st, cmd, arg, env)
		}
	}
	switch st.Phase {
	case PhaseMode:
		return f.chooseMode(st, in, env)
	case PhaseReview:
		return f.review(st, in, env)
	case PhaseEditPick:
		return f.editPick(st, in, env)
	default:
		return f.answer(st, in, env)
	}
}

// current is the id of the prompt the state is waiting on.
func current(st State) string {
	switch st.Phase {
	case PhaseMode:
		return ModeStep
	case PhaseReview:
		return ReviewStep
	case PhaseEditPick:
		return EditStep
	case PhaseConfirmCancel:
		return CancelStep
	default:
		if ss := st.Subs[st.Cursor]; ss != nil && st.Phase == PhaseAsk {
			return current(*ss)
		}
		return st.Cursor
	}
}

// retry re-asks the current prompt with a notice saying what went wrong.
func (f *Flow) retry(st State, notice string, env Env) (State, Result) {
	return st, Result{Notice: notice, Prompt: f.Render(st, env)}
}

func (f *Flow) chooseMode(st State, in Input, env Env) (State, Result) {
	var opts []Option
	for _, m := range f.Modes {
		if !m.Handoff {
			opts = append(opts, Option{ID: m.ID, Label: m.Title})
		}
	}
	ids, ok := MatchOptions(inputText(in), opts, false)
	if !ok {
		return f.retry(st, msg(env.Lang, "bad_option"), env)
	}
	st.Mode = ids[0]
	st = f.moveTo(st, f.firstUnanswered(st))
	st, res := f.settle(st, Result{}, env)
	res.Prompt = f.Render(st, env)
	return st, res
}

// answer parses an answer to the current step and moves on.
func (f *Flow) answer(st State, in Input, env Env) (State, Result) {
	s, ok := f.Step(st.Cursor)
	if !ok {
		return f.retry(f.moveTo(st, f.first(st)), "", env)
	}
	if st.Pending != nil {
		return f.confirmDate(st, s, in, env)
	}
	a, problem := f.parseAnswer(st, s, in, env)
	if problem != "" {
		return f.retry(st, problem, env)
	}
	if far(s, a, env.Today) {
		st.Pending = &a
		return st, Result{Prompt: f.Render(st, env)}
	}
	if s.Kind == KindCompany && env.CompanyContext != nil {
		for k, v := range env.CompanyContext(a.Value) {
			if st.Context == nil {
				st.Context = map[string]string{}
			}
			st.Context[k] = v
		}
	}
	return f.accept(st, s, a, env)
}

func (f *Flow) accept(st State, s *Step, a Answer, env Env) (State, Result) {
	st.Pending = nil
	st.Answers[s.ID] = a
	st.Trail = append(slices.DeleteFunc(st.Trail, func(id string) bool { return id == s.ID }), s.ID)
	res := Result{Accepted: &Accepted{Step: s, Answer: a}}
	for _, r := range f.normalize(st) {
		a := st.Answers[r.ID]
		res.Recorded = append(res.Recorded, Accepted{Step: r, Answer: a})
		res.Notice = joinNotice(res.Notice, Msg(env.Lang, "auto_recorded", r.ReviewLabel(env.Lang), f.Display(r, a, env.Lang)))
	}
	st = f.moveTo(st, f.nextUnanswered(st, s.ID))
	st, res = f.settle(st, res, env)
	if st.Phase == PhaseReview && f.NoReview {
		st.Phase, res.Done = PhaseDone, true
	}
	res.Prompt = f.Render(st, env)
	if !a.Skipped {
		res.Notice = joinNotice(RenderText(s.Reflect, env), res.Notice)
	}
	return st, res
}

func joinNotice(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n" + b
}

// settle handles a cursor that lands on a then: step: it starts the flow
// handed off to (answers it shares by tag are filled in) or, once that
// flow's questions are over, marks the step done and moves on.
func (f *Flow) settle(st State, res Result, env Env) (State, Result) {
	for st.Phase == PhaseAsk {
		s, ok := f.Step(st.Cursor)
		if !ok || s.Then == "" {
			break
		}
		sub, linked := f.subs[s.ID]
		if !linked {
			st.Answers[s.ID] = Answer{Skipped: true}
			st = f.moveTo(st, f.nextUnanswered(st, s.ID))
			continue
		}
		ss := st.Subs[s.ID]
		if ss == nil {
			ss = f.startSub(st, s, sub)
			if st.Subs == nil {
				st.Subs = map[string]*State{}
			}
			st.Subs[s.ID] = ss
			res.Notice = joinNotice(res.Notice, RenderText(sub.introOf(ss.Mode), env))
		}
		if ss.Phase != PhaseReview && ss.Phase != PhaseDone {
			break
		}
		st.Answers[s.ID] = Answer{Value: sub.ID}
		st.Trail = append(slices.DeleteFunc(st.Trail, func(id string) bool { return id == s.ID }), s.ID)
		f.takeShared(st, s.ID, sub, *ss)
		st = f.moveTo(st, f.nextUnanswered(st, s.ID))
	}
	return st, res
}

// takeShared answers the flow's own steps whose tag the flow handed off to
// (at step from) has answered, unless the person answered them here: a
// follow-up date asked there is not asked again, and follows its edits.
func (f *Flow) takeShared(st State, from string, sub *Flow, ss State) {
	for _, t := range f.Steps {
		if a, done := st.Answers[t.ID]; (done && a.From != from) || t.Tag == "" || t.Then != "" {
			continue
		}
		if a, ok := sub.Tagged(ss, t.Tag); ok {
			a.From = from
			st.Answers[t.ID] = a
		}
	}
}

// startSub opens the flow handed off to at step s, with the answers of
// steps whose tag the parent already answered filled in.
func (f *Flow) startSub(st State, s *Step, sub *Flow) *State {
	ss := State{FlowID: sub.ID, FlowVersion: sub.Version, Answers: map[string]Answer{}, Context: copyContext(st.Context)}
	for _, t := range sub.Steps {
		if a, ok := f.Tagged(st, t.Tag); ok && t.Then == "" {
			a.From = s.ID
			ss.Answers[t.ID] = a
		}
	}
	if len(sub.Modes) > 0 && !sub.HasMode(s.ThenMode) {
		ss.Phase = PhaseMode
		return &ss
	}
	ss.Mode = s.ThenMode
	ss = sub.moveTo(ss, sub.firstUnanswered(ss))
	return &ss
}

// advanceSub passes the input to the flow handed off to and comes back
// when its questions are over; its review is the parent's.
func (f *Flow) advanceSub(st State, s *Step, in Input, env Env) (State, Result) {
	sub := f.subs[s.ID]
	ss := *st.Subs[s.ID]
	if cmd, _, ok := parseCommand(in.Text); ok && in.StepID == "" && cmd == cmdBack && ss.Phase == PhaseAsk && firstOfTrail(ss) {
		return f.back(st, env)
	}
	ns, res := Advance(sub, ss, in, env)
	st.Subs[s.ID] = &ns
	if res.Cancelled || res.Stale {
		if res.Cancelled {
			st.Phase = PhaseCancelled
		}
		return st, res
	}
	if res.Accepted != nil {
		res.Accepted.Handoff = s.ID
	}
	for i := range res.Recorded {
		res.Recorded[i].Handoff = s.ID
	}
	res.Done = false
	if ns.Phase == PhaseReview || ns.Phase == PhaseDone {
		if ns.Phase == PhaseDone {
			ns.Phase = PhaseReview
		}
		st, res = f.settle(st, res, env)
		if st.Phase == PhaseReview && f.NoReview {
			st.Phase, res.Done = PhaseDone, true
		}
	}
	res.Prompt = f.Render(st, env)
	return st, res
}

// firstOfTrail reports whether the state asks its first answered question
// (nothing to go back to inside it).
func firstOfTrail(st State) bool {
	i := slices.Index(st.Trail, st.Cursor)
	if i < 0 {
		i = len(st.Trail)
	}
	return i == 0
}

// moveTo asks step id next, or opens the review when id is empty.
func (f *Flow) moveTo(st State, id string) State {
	if id == "" {
		st.Phase, st.Cursor = PhaseReview, ""
		return st
	}
	st.Phase, st.Cursor = PhaseAsk, id
	return st
}

func (f *Flow) review(st State, in Input, env Env) (State, Result) {
	if isNumber(inputText(in)) {
		// Items are numbered, actions are words: a number edits that item.
		return f.editPick(st, in, env)
	}
	switch reviewAction(inputText(in)) {
	case ActionSave:
		st.Phase = PhaseDone
		return st, Result{Done: true}
	case ActionEdit:
		st.Phase = PhaseEditPick
		return st, Result{Prompt: f.Render(st, env)}
	case ActionCancel:
		return f.askCancel(st, env)
	}
	return f.retry(st, msg(env.Lang, "bad_review"), env)
}

func reviewAction(s string) string {
	switch strings.ToLower(Fold(s)) {
	case "save", "保存", "ほぞん", "保存する", "はい", "ok", "この内容で保存":
		return ActionSave
	case "edit", "修正", "修正する", "しゅうせい", "直す", "なおす":
		return ActionEdit
	case "cancel", "やめる", "中止":
		return ActionCancel
	}
	return ""
}

func (f *Flow) editPick(st State, in Input, env Env) (State, Result) {
	l, ok := f.pickAnswered(st, inputText(in))
	if !ok {
		return f.retry(st, msg(env.Lang, "bad_edit"), env)
	}
	st.Phase, st.Cursor = PhaseAsk, l.StepID
	if ss := st.Subs[l.Handoff]; ss != nil {
		st.Cursor = l.Handoff
		ss.Phase, ss.Cursor = PhaseAsk, l.StepID
	}
	return st, Result{Prompt: f.Render(st, env)}
}

// pickAnswered finds an answered step by review number, step id or label.
func (f *Flow) pickAnswered(st State, s string) (ReviewLine, bool) {
	lines := f.ReviewLines(st, "ja")
	key := strings.TrimSpace(Fold(s))
	if n, err := strconv.Atoi(key); err == nil && n >= 1 && n <= len(lines) {
		return lines[n-1], true
	}
	en := f.ReviewLines(st, "en")
	for i, l := range lines {
		if strings.EqualFold(l.StepID, key) || l.Label == key || strings.EqualFold(en[i].Label, key) {
			return l, true
		}
	}
	return ReviewLine{}, false
}

// inputText is the text to parse: the button value or what was typed.
func inputText(in Input) string {
	if in.Value != "" {
		return in.Value
	}
	return in.Text
}

// command runs 戻る, スキップ, やめる or 修正.
func (f *Flow) command(st State, cmd, arg string, env Env) (State, Result) {
	switch cmd {
	case cmdBack:
		return f.back(st, env)
	case cmdCancel:
		return f.askCancel(st, env)
	case cmdSkip:
		s, ok := f.Step(st.Cursor)
		if st.Phase != PhaseAsk || !ok {
			return f.retry(st, "", env)
		}
		if !s.Optional {
			return f.retry(st, msg(env.Lang, "required"), env)
		}
		return f.accept(st, s, Answer{Skipped: true, Raw: msg(env.Lang, "skipped")}, env)
	default: // cmdEdit
		if arg == "" {
			st.Phase = PhaseEditPick
			return st, Result{Prompt: f.Render(st, env)}
		}
		return f.editPick(st, Input{Text: arg}, env)
	}
}

func (f *Flow) back(st State, env Env) (State, Result) {
	switch st.Phase {
	case PhaseReview, PhaseEditPick:
		if len(st.Trail) > 0 {
			st.Phase = PhaseAsk
			st = f.backTo(st, len(st.Trail)-1)
		}
		return st, Result{Prompt: f.Render(st, env)}
	case PhaseAsk:
		i := slices.Index(st.Trail, st.Cursor)
		if i < 0 {
			i = len(st.Trail)
		}
		if i == 0 {
			return f.retry(st, msg(env.Lang, "no_back"), env)
		}
		st = f.backTo(st, i-1)
		return st, Result{Prompt: f.Render(st, env)}
	}
	return f.retry(st, msg(env.Lang, "no_back"), env)
}

// backTo asks Trail[i] again; a then: step reopens the last question of
// the flow handed off to (or the step before it when it asked nothing).
func (f *Flow) backTo(st State, i int) State {
	for ; i >= 0; i-- {
		id := st.Trail[i]
		ss := st.Subs[id]
		if ss == nil {
			st.Cursor = id
			return st
		}
		if len(ss.Trail) > 0 {
			ss.Phase, ss.Cursor = PhaseAsk, ss.Trail[len(ss.Trail)-1]
			st.Cursor = id
			return st
		}
	}
	return st
}

// Render returns the prompt the state is waiting on (nil when finished).
// Adapters call it to re-send the current question.
func (f *Flow) Render(st State, env Env) *Prompt {
	lang := env.Lang
	switch st.Phase {
	case PhaseMode:
		p := &Prompt{StepID: ModeStep, Kind: KindSingle, Text: msg(lang, "mode_ask")}
		for _, m := range f.Modes {
			if !m.Handoff {
				p.Options = append(p.Options, Choice{ID: m.ID, Label: m.Title.In(lang)})
			}
		}
		return p
	case PhaseReview:
		return &Prompt{StepID: ReviewStep, Kind: KindSingle, Text: msg(lang, "review_ask"), Review: f.ReviewLines(st, lang),
			Options: []Choice{{ActionSave, msg(lang, "save")}, {ActionEdit, msg(lang, "edit")}, {ActionCancel, msg(lang, "cancel")}}}
	case PhaseEditPick:
		p := &Prompt{StepID: EditStep, Kind: KindSingle, Text: msg(lang, "edit_ask"), Review: f.ReviewLines(st, lang)}
		for _, l := range p.Review {
			p.Options = append(p.Options, Choice{ID: l.StepID, Label: l.Label})
		}
		return p
	case PhaseConfirmCancel:
		return &Prompt{StepID: CancelStep, Kind: KindYesNo, Text: msg(lang, "cancel_ask")}
	case PhaseAsk:
		if st.Pending != nil {
			return f.renderConfirmDate(st, env)
		}
		if s, ok := f.Step(st.Cursor); ok && s.Then != "" {
			if ss, sub := st.Subs[s.ID], f.subs[s.ID]; ss != nil && sub != nil {
				p := sub.Render(*ss, env)
				if n, total := f.progress(st); p != nil && p.Number > 0 {
					p.Number, p.Total = n+slices.Index(asked(sub, *ss), ss.Cursor), total
				}
				return p
			}
			return nil
		}
		return f.renderStep(st, env)
	}
	return nil
}

func (f *Flow) renderStep(st State, env Env) *Prompt {
	s, ok := f.Step(st.Cursor)
	if !ok {
		return nil
	}
	p := &Prompt{StepID: s.ID, Kind: s.Kind, Text: RenderText(s.Ask, env), Hint: RenderText(s.Hint, env),
		Optional: s.Optional, Dates: s.dates(), Format: format(s, env)}
	for _, o := range f.choicesOf(st, s) {
		p.Options = append(p.Options, Choice{ID: o.ID, Label: o.Label.In(env.Lang)})
	}
	if v, ok := f.defaultOf(st, s, env); ok {
		p.Default, p.DefaultLabel = v, f.Display(s, Answer{Value: v}, env.Lang)
	}
	if s.Kind == KindCompany {
		for _, c := range env.Companies {
			p.Options = append(p.Options, Choice{ID: c, Label: c})
		}
	}
	if a, ok := st.Answers[s.ID]; ok {
		p.Current = f.Display(s, a, env.Lang)
	}
	p.Number, p.Total = f.progress(st)
	return p
}

// ReviewLines lists the answers on the path, numbered for 修正.
// Answers of a flow handed off to are listed where it was handed off.
func (f *Flow) ReviewLines(st State, lang string) []ReviewLine {
	var out []ReviewLine
	for _, id := range f.path(st) {
		s, _ := f.Step(id)
		a, answered := st.Answers[id]
		if sub, ss := f.subs[id], st.Subs[id]; s.Then != "" && sub != nil && ss != nil {
			for _, l := range sub.ReviewLines(*ss, lang) {
				if t, _ := sub.Step(l.StepID); t != nil && f.hasTag(st, t.Tag) {
					continue // shown once, as the flow's own answer
				}
				l.N, l.Handoff = len(out)+1, id
				out = append(out, l)
			}
			continue
		}
		if !answered || a.Hidden || s.Then != "" {
			continue
		}
		out = append(out, ReviewLine{N: len(out) + 1, StepID: id, Label: s.ReviewLabel(lang),
			Value: f.Display(s, a, lang), Sensitive: s.Sensitive})
	}
	return out
}

// Display renders an answer for people: labels, not ids.
func (f *Flow) Display(s *Step, a Answer, lang string) string {
	if a.Skipped {
		return msg(lang, "skipped")
	}
	switch s.Kind {
	case KindSingle, KindMulti:
		var labels []string
		for _, id := range a.Choices() {
			if o, ok := s.Option(id); ok {
				labels = append(labels, o.Label.In(lang))
			}
		}
		return strings.Join(labels, msg(lang, "list_sep"))
	case KindYesNo:
		return msg(lang, a.Value)
	case KindScale:
		return a.Value + " / 5"
	case KindDate:
		if d, ok := a.Date(); ok {
			return d.Display(lang)
		}
	}
	return a.Value
}

// hasTag reports whether a step carrying tag is answered on the path.
func (f *Flow) hasTag(st State, tag string) bool {
	if tag == "" {
		return false
	}
	_, ok := f.Tagged(st, tag)
	return ok
}

// RenderText fills {{placeholders}} from env.Vars.
func RenderText(t Text, env Env) string {
	s := t.In(env.Lang)
	if !strings.Contains(s, "{{") {
		return s
	}
	s = dropEmptyAsides(s, env)
	return placeholderPattern.ReplaceAllStringFunc(s, func(m string) string {
		name := placeholderPattern.FindStringSubmatch(m)[1]
		if v := env.Vars[name]; v != "" {
			return v
		}
		return unset(name, env.Lang)
	})
}

// Prefill answers step id in advance (e.g. the company when the advisor
// typed "visit 山田製作所"), so the conversation does not ask it.
func (f *Flow) Prefill(st State, id string, a Answer) State {
	st = st.clone()
	st.Answers[id] = a
	if st.Phase == PhaseAsk && st.Cursor == id {
		st = f.moveTo(st, f.nextUnanswered(st, id))
		st, _ = f.settle(st, Result{}, Env{})
	}
	return st
}

// introOf is what is said when the flow starts in mode: the mode's own
// intro, or the flow's.
func (f *Flow) introOf(mode string) Text {
	for _, m := range f.Modes {
		if m.ID == mode && (m.Intro.JA != "" || m.Intro.EN != "") {
			return m.Intro
		}
	}
	return f.Intro
}
