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
}

// Accepted is an answer taken in one turn.
type Accepted struct {
	Step   *Step
	Answer Answer
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
}

// Start begins a conversation. When the flow has modes and mode is empty or
// unknown, the first prompt asks for the mode.
func Start(f *Flow, mode string, env Env) (State, Result) {
	st := State{FlowID: f.ID, FlowVersion: f.Version, Answers: map[string]Answer{}}
	res := Result{Notice: RenderText(f.Intro, env)}
	if len(f.Modes) > 0 && !f.HasMode(mode) {
		st.Phase = PhaseMode
	} else {
		st.Mode = mode
		st = f.moveTo(st, f.first(st))
	}
	res.Prompt = f.Render(st, env)
	return st, res
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
		return st.Cursor
	}
}

// retry re-asks the current prompt with a notice saying what went wrong.
func (f *Flow) retry(st State, notice string, env Env) (State, Result) {
	return st, Result{Notice: notice, Prompt: f.Render(st, env)}
}

func (f *Flow) chooseMode(st State, in Input, env Env) (State, Result) {
	opts := make([]Option, len(f.Modes))
	for i, m := range f.Modes {
		opts[i] = Option{ID: m.ID, Label: m.Title}
	}
	ids, ok := MatchOptions(inputText(in), opts, false)
	if !ok {
		return f.retry(st, msg(env.Lang, "bad_option"), env)
	}
	st.Mode = ids[0]
	st = f.moveTo(st, f.firstUnanswered(st))
	return st, Result{Prompt: f.Render(st, env)}
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
	a, problem := f.parseAnswer(s, in, env)
	if problem != "" {
		return f.retry(st, problem, env)
	}
	if far(s, a, env.Today) {
		st.Pending = &a
		return st, Result{Prompt: f.Render(st, env)}
	}
	return f.accept(st, s, a, env)
}

func (f *Flow) accept(st State, s *Step, a Answer, env Env) (State, Result) {
	st.Pending = nil
	st.Answers[s.ID] = a
	st.Trail = append(slices.DeleteFunc(st.Trail, func(id string) bool { return id == s.ID }), s.ID)
	st = f.moveTo(st, f.nextUnanswered(st, s.ID))
	res := Result{Accepted: &Accepted{Step: s, Answer: a}}
	if st.Phase == PhaseReview && f.NoReview {
		st.Phase, res.Done = PhaseDone, true
	}
	res.Prompt = f.Render(st, env)
	if !a.Skipped {
		res.Notice = RenderText(s.Reflect, env)
	}
	return st, res
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
	if id, ok := f.pickAnswered(st, inputText(in)); ok && isNumber(inputText(in)) {
		// Items are numbered, actions are words: a number edits that item.
		st.Phase, st.Cursor = PhaseAsk, id
		return st, Result{Prompt: f.Render(st, env)}
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
	id, ok := f.pickAnswered(st, inputText(in))
	if !ok {
		return f.retry(st, msg(env.Lang, "bad_edit"), env)
	}
	st.Phase, st.Cursor = PhaseAsk, id
	return st, Result{Prompt: f.Render(st, env)}
}

// pickAnswered finds an answered step by review number, step id or label.
func (f *Flow) pickAnswered(st State, s string) (string, bool) {
	answered := f.reviewable(st)
	key := strings.TrimSpace(Fold(s))
	if n, err := strconv.Atoi(key); err == nil && n >= 1 && n <= len(answered) {
		return answered[n-1].Step.ID, true
	}
	for _, sa := range answered {
		if strings.EqualFold(sa.Step.ID, key) || sa.Step.ReviewLabel("ja") == key || strings.EqualFold(sa.Step.ReviewLabel("en"), key) {
			return sa.Step.ID, true
		}
	}
	return "", false
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
			st.Phase, st.Cursor = PhaseAsk, st.Trail[len(st.Trail)-1]
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
		st.Cursor = st.Trail[i-1]
		return st, Result{Prompt: f.Render(st, env)}
	}
	return f.retry(st, msg(env.Lang, "no_back"), env)
}

// Render returns the prompt the state is waiting on (nil when finished).
// Adapters call it to re-send the current question.
func (f *Flow) Render(st State, env Env) *Prompt {
	lang := env.Lang
	switch st.Phase {
	case PhaseMode:
		p := &Prompt{StepID: ModeStep, Kind: KindSingle, Text: msg(lang, "mode_ask")}
		for _, m := range f.Modes {
			p.Options = append(p.Options, Choice{ID: m.ID, Label: m.Title.In(lang)})
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
	for _, o := range s.Options {
		p.Options = append(p.Options, Choice{ID: o.ID, Label: o.Label.In(env.Lang)})
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
func (f *Flow) ReviewLines(st State, lang string) []ReviewLine {
	var out []ReviewLine
	for i, sa := range f.reviewable(st) {
		out = append(out, ReviewLine{N: i + 1, StepID: sa.Step.ID, Label: sa.Step.ReviewLabel(lang),
			Value: f.Display(sa.Step, sa.Answer, lang), Sensitive: sa.Step.Sensitive})
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
		return strings.Join(labels, listSep(lang))
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
	}
	return st
}

// reviewable are the answers the review lists: those on the path that the
// respondent gave (or that were given for them, like the company).
func (f *Flow) reviewable(st State) []StepAnswer {
	return slices.DeleteFunc(f.Answered(st), func(sa StepAnswer) bool { return sa.Answer.Auto })
}

// listSep joins items of a list: 、 in Japanese, ", " in English.
func listSep(lang string) string {
	if lang == "en" {
		return ", "
	}
	return "、"
}
