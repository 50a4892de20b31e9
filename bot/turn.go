package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// turn is one turn of one person inside one transaction.
type turn struct {
	b      *Bot
	tx     store.Tx
	in     Incoming
	person store.Person
	lang   string
	notes  []string // said before the prompt
	alerts []Alert  // sent to advisors after commit
	// stranger is a Slack user who is not staff: they are told whom to ask
	// and nothing is stored about them.
	stranger bool
	choices  []Choice         // buttons offered with the notices
	resolved *store.Company   // the company the answered company step names, access checked
	found    map[string]found // company names looked up in this turn
	// resuming: re-sending the prompt of a conversation taken up again
	// (the console started anew), so say where it resumes.
	resuming bool
	// companyLabel is the company of the session in this turn, shown with
	// every prompt to staff so answers never land in the wrong company.
	companyLabel string
	linked       bool // an owner was linked in this turn

	opened       bool            // OpenTurn read the active session (sess, when sessFound)
	sess         store.Session   //
	sessFound    bool            //
	sc           *sessionContext // the session's context, once loaded or read
	newCompanyID int64           // a company this turn created: it has no memory yet
	known        *knownMemory    // a company's memory read in this turn (see fullMemory)
}

// newTurn starts a turn that records no event (a resume, a start).
func (b *Bot) newTurn(ctx context.Context, tx store.Tx, in Incoming) (*turn, error) {
	in.EventID = ""
	return b.openTurn(ctx, tx, in, nil)
}

// openTurn starts the turn of in: it records the event — a redelivery ends
// here with errDuplicate — marks the inbox row the turn runs for done (when
// claim is not nil; a lost claim ends here with store.ErrLeaseLost), or
// inserts it done (a claim made by NewRowClaim; store.ErrInboxTaken when it
// may not), and
// finds the person and their active session, in one round trip on
// PostgreSQL.
func (b *Bot) openTurn(ctx context.Context, tx store.Tx, in Incoming, claim *InboxClaim) (*turn, error) {
	k := store.TurnKey{At: in.ReceivedAt, Channel: in.Channel, ExternalID: in.UserID}
	if in.EventID != "" {
		k.EventID = in.Channel + ":" + in.EventID
	}
	if claim != nil && !claim.Finished() { // a second transaction of the same work marks nothing
		k.Inbox = &store.InboxMark{ID: claim.ID, Attempts: claim.Attempts, At: b.cfg.Now(), Add: claim.Add}
	}
	open, err := tx.OpenTurn(ctx, k)
	if err != nil {
		return nil, err
	}
	if !open.Fresh {
		return nil, errDuplicate
	}
	p, admitted := open.Person, true
	switch {
	case open.PersonFound:
		admitted = b.admitted(in.Channel, in.UserID, p)
	case in.Channel == ChannelSlack && !b.cfg.Staff.Member(in.UserID):
		admitted = false // not staff: nothing is created
	default:
		if p, err = b.createPerson(ctx, tx, in); err != nil {
			return nil, err
		}
	}
	lang := p.Locale
	if lang == "" {
		lang = b.cfg.Lang
	}
	return &turn{b: b, tx: tx, in: in, person: p, lang: lang, stranger: !admitted,
		opened: true, sess: open.Session, sessFound: open.SessionFound}, nil
}

// activeSession is the person's active session (store.ErrNotFound when
// none), as OpenTurn found it.
func (t *turn) activeSession(ctx context.Context) (store.Session, error) {
	switch {
	case !t.opened:
		return t.tx.ActiveSession(ctx, t.person.ID)
	case !t.sessFound:
		return store.Session{}, store.ErrNotFound
	}
	return t.sess, nil
}

// createPerson makes the unknown sender of an event a person. Unknown
// console users become advisors, unknown Slack users too when they are
// staff (or enrolment is open: openTurn checks); unknown LINE users become
// owners (linked later by invite).
func (b *Bot) createPerson(ctx context.Context, tx store.Tx, in Incoming) (store.Person, error) {
	role := store.RoleAdvisor
	if in.Channel == ChannelLINE {
		role = store.RoleOwner
	}
	return tx.CreatePerson(ctx, store.Person{Role: role, Name: in.UserName, Locale: b.cfg.Lang, CreatedAt: in.ReceivedAt}, in.Channel, in.UserID)
}

// run handles the event: a step of the active session, or a command.
func (t *turn) run(ctx context.Context) ([]Reply, error) {
	if t.stranger {
		return t.say(t.b.notRegistered(t.lang)), nil
	}
	if t.in.Op != nil {
		return t.op(ctx)
	}
	if t.person.Role == store.RoleOwner && t.in.Channel == ChannelLINE {
		return t.owner(ctx)
	}
	sess, err := t.activeSession(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return t.command(ctx)
	}
	if err != nil {
		return nil, err
	}
	if t.person.Role == store.RoleOwner { // an owner elsewhere (the console)
		if replies, handled, err := t.interrupt(ctx, sess.CompanyID); handled || err != nil {
			return replies, err
		}
	}
	return t.step(ctx, sess)
}

// resend re-sends the active session's prompt (nothing when there is none).
func (t *turn) resend(ctx context.Context, stale bool) ([]Reply, error) {
	if t.stranger {
		return nil, nil
	}
	sess, err := t.activeSession(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return t.resendSession(ctx, sess, stale)
}

// resendSession re-sends the current prompt of sess.
func (t *turn) resendSession(ctx context.Context, sess store.Session, stale bool) ([]Reply, error) {
	f, st, err := t.load(sess)
	if err != nil {
		return nil, err
	}
	env, err := t.env(ctx, sess.CompanyID)
	if err != nil {
		return nil, err
	}
	if stale {
		t.notes = append(t.notes, staleNotice(t.lang))
	}
	if st.SwitchTo != "" {
		return []Reply{t.reply(sess.ID, switchPrompt(t.lang, env.Vars["company"], st.SwitchTo), nil)}, nil
	}
	p, err := t.withCompanies(ctx, f, st, &env, f.Render(st, env))
	if err != nil {
		return nil, err
	}
	if t.resuming {
		t.notes = append(t.notes, resumeNotice(t.lang, env.Vars["company"], p))
	}
	return []Reply{t.reply(sess.ID, p, nil)}, nil
}

func (t *turn) load(sess store.Session) (*flows.Flow, flows.State, error) {
	f, ok := t.b.cfg.Flows.Get(sess.FlowID)
	if !ok {
		return nil, flows.State{}, fmt.Errorf("session %d: flow %q is not loaded", sess.ID, sess.FlowID)
	}
	st, sc, err := decodeSaved(sess)
	t.sc = sc
	return f, st, err
}

// step applies the input to the session and saves the result.
func (t *turn) step(ctx context.Context, sess store.Session) ([]Reply, error) {
	f, st, err := t.load(sess)
	if err != nil {
		return nil, err
	}
	env, err := t.env(ctx, sess.CompanyID)
	if err != nil {
		return nil, err
	}
	var failed error
	// Only the lookup of a company named now; the session's own context
	// was copied into its state at the start.
	if env, err = t.withContext(ctx, env, 0, &failed); err != nil {
		return nil, err
	}
	if asking(f, st) {
		if env.Companies, err = t.companies(ctx); err != nil {
			return nil, err
		}
	}
	in := flows.Input{Text: t.in.Text}
	if a := t.in.Action; a != nil {
		if a.SessionID != sess.ID {
			t.notes = append(t.notes, staleNotice(t.lang))
			return []Reply{t.reply(sess.ID, f.Render(st, env), nil)}, nil
		}
		in.StepID, in.Value = a.StepID, a.Value
	}
	if st.SwitchTo != "" {
		return t.switchAnswer(ctx, f, sess, st, env)
	}
	if flowID, company := parseStart(t.in.Text); t.in.Action == nil && flowID == sess.FlowID && company != "" && t.person.Role != store.RoleOwner {
		// 「振り返り 佐藤商店」 typed while 山田製作所's debrief is open.
		same, err := t.sameCompany(ctx, sess, company)
		if err != nil {
			return nil, err
		}
		if !same {
			return t.askSwitch(ctx, sess, company)
		}
	}
	if t.in.Action == nil && !st.Begun() && isResume(t.in.Text) {
		return t.reopenInstead(ctx, sess)
	}
	next, res := flows.Advance(f, st, in, env)
	if failed != nil {
		return nil, failed
	}
	if res.Prompt, err = t.withCompanies(ctx, f, next, &env, res.Prompt); err != nil {
		return nil, err
	}
	if res.Stale {
		t.notes = append(t.notes, res.Notice)
		return []Reply{t.reply(sess.ID, res.Prompt, nil)}, nil
	}
	if a := res.Accepted; a != nil && a.Step.Tag == tagCompany && !a.Answer.Skipped && a.Handoff == "" {
		c, err := t.company(ctx, a.Answer.Value)
		var denied *AccessError
		if errors.As(err, &denied) {
			// Not their company: the question stays, nothing is saved.
			t.refuse(denied.Company)
			return []Reply{t.reply(sess.ID, f.Render(st, env), nil)}, nil
		}
		if err != nil {
			return nil, err
		}
		t.resolved = &c
	}
	return t.save(ctx, f, sess, next, res)
}

// save persists the new state, the accepted answer and, on completion, the
// records derived from the answers — all in the turn's transaction.
func (t *turn) save(ctx context.Context, f *flows.Flow, sess store.Session, st flows.State, res flows.Result) ([]Reply, error) {
	now := t.in.ReceivedAt
	if c := t.resolved; c != nil {
		sess.CompanyID = c.ID
		if _, err := t.chose(ctx, f, *c); err != nil {
			return nil, err
		}
		if res.Prompt != nil {
			env, err := t.env(ctx, c.ID) // placeholders now know the company
			if err != nil {
				return nil, err
			}
			if res.Prompt, err = t.withCompanies(ctx, f, st, &env, f.Render(st, env)); err != nil {
				return nil, err
			}
		}
	}
	t.known = nil // read before the writes that follow
	if !asking(f, st) && t.sc != nil {
		t.sc.Companies = nil // kept only while a company step is asked
	}
	if err := encodeInto(&sess, st, t.sc); err != nil {
		return nil, err
	}
	sess.UpdatedAt = now
	if res.Done {
		sess.Status, sess.CompletedAt = store.SessionCompleted, now
	} else if res.Cancelled {
		sess.Status = store.SessionCancelled
		if st.Begun() && t.person.Role != store.RoleOwner {
			res.Notice = strings.TrimSpace(res.Notice + flows.Msg(t.lang, "bot_send_resume_within_24_hours"))
		}
	}
	own := res.Accepted
	if own != nil && own.Handoff != "" {
		own = nil // stored with the handed-off flow's session on completion
	}
	saved, err := t.tx.SaveTurn(ctx, sess, t.answer(sess, own))
	if err != nil {
		return nil, err
	}
	var answered *Answered
	if err := t.addRecorded(ctx, saved, res); err != nil {
		return nil, err
	}
	if a := res.Accepted; a != nil {
		if a.Handoff == "" {
			if err := t.ownerAnswered(ctx, f, saved, a); err != nil {
				return nil, err
			}
		}
		answered = &Answered{StepID: a.Step.ID, Text: f.Display(a.Step, a.Answer, t.lang)}
	}
	t.notes = append(t.notes, res.Notice)
	if res.Done {
		return t.complete(ctx, f, saved, st)
	}
	return []Reply{t.reply(saved.ID, res.Prompt, answered)}, nil
}

func encodeInto(sess *store.Session, st flows.State, sc *sessionContext) error {
	data, err := encodeSaved(st, sc)
	if err != nil {
		return err
	}
	sess.State, sess.Step = data, st.Cursor
	if st.Mode != "" {
		sess.Mode = st.Mode
	}
	return nil
}

// answer is the revision to append for the accepted answer (nil for none).
// addAnswer stores an answer outside SaveTurn (recorded without asking, or
// of a flow handed off to).
func (t *turn) addAnswer(ctx context.Context, sess store.Session, a *flows.Accepted) error {
	_, err := t.tx.AddAnswer(ctx, *t.answer(sess, a))
	return err
}

func (t *turn) answer(sess store.Session, a *flows.Accepted) *store.Answer {
	if a == nil {
		return nil
	}
	return &store.Answer{
		SessionID: sess.ID, StepID: a.Step.ID, Value: a.Answer.Value, Raw: a.Answer.Raw,
		Skipped: a.Answer.Skipped, Tag: a.Step.Tag, Sensitive: a.Step.Sensitive,
		ByPersonID: t.person.ID, At: t.in.ReceivedAt,
	}
}

// chose reads the memory of the company chosen for the session (a company
// created just now has none), tells the advisor what it holds, and keeps it
// as the session's context. It returns the memory (with the owner's latest
// check-in) for the flow's first-visit decisions.
func (t *turn) chose(ctx context.Context, f *flows.Flow, c store.Company) (memory, error) {
	var m memory
	if c.ID != t.newCompanyID {
		var err error
		if m, err = t.fullMemory(ctx, c.ID); err != nil {
			return m, err
		}
	}
	if err := t.remember(ctx, f, c, m); err != nil {
		return m, err
	}
	_, err := t.keepContext(ctx, c, m)
	return m, err
}

// company finds the named company (by its normalised name) or creates it,
// and assigns it to the staff member. A company that exists but that the
// person may not see is an *AccessError: nothing of it is read, nothing is
// assigned. Owners never create companies.
func (t *turn) company(ctx context.Context, name string) (store.Company, error) {
	name = strings.TrimSpace(name)
	c, assigned, err := t.findCompany(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound) && t.person.Role == store.RoleOwner:
		return store.Company{}, &AccessError{Company: name}
	case errors.Is(err, store.ErrNotFound):
		c, err = createCompany(ctx, t.tx, name, t.in.ReceivedAt)
		t.newCompanyID = c.ID
	case err == nil:
		ok, err := CanSeeFound(ctx, t.tx, t.person, c.ID, assigned)
		if err != nil {
			return store.Company{}, err
		}
		if !ok {
			return store.Company{}, &AccessError{Company: name}
		}
	}
	if err != nil {
		return c, err
	}
	if t.person.Role != store.RoleOwner {
		err = t.tx.Assign(ctx, c.ID, t.person.ID, t.in.ReceivedAt)
		t.markAssigned(name)
	}
	return c, err
}

// refuse tells the person they may not see the company and offers to ask
// for access.
func (t *turn) refuse(company string) {
	text, choices := noAccess(t.lang, company)
	t.notes = append(t.notes, text)
	t.choices = append(t.choices, choices...)
}

// reply builds the reply of this turn.
func (t *turn) reply(sessionID int64, p *flows.Prompt, answered *Answered) Reply {
	var notes []string
	for _, n := range t.notes {
		if n != "" {
			notes = append(notes, n)
		}
	}
	r := Reply{Channel: t.in.Channel, UserID: t.in.UserID, ReplyToken: t.in.ReplyToken, SessionID: sessionID,
		Lang: t.lang, Text: strings.Join(notes, "\n"), Prompt: p, Answered: answered, Choices: t.choices}
	if p != nil && t.person.Role != store.RoleOwner {
		r.Company = t.companyLabel
	}
	return r
}

func staleNotice(lang string) string { return flows.Msg(lang, "bot_stale") }
