package bot

import (
	"context"
	"encoding/json"
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
	linked bool     // an owner was linked in this turn
}

func (b *Bot) newTurn(ctx context.Context, tx store.Tx, in Incoming) (*turn, error) {
	p, err := b.resolve(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	lang := p.Locale
	if lang == "" {
		lang = b.cfg.Lang
	}
	return &turn{b: b, tx: tx, in: in, person: p, lang: lang}, nil
}

// resolve finds the person behind an event. Unknown Slack and console users
// become advisors; unknown LINE users become owners (linked later by invite).
func (b *Bot) resolve(ctx context.Context, tx store.Tx, in Incoming) (store.Person, error) {
	p, err := tx.PersonByIdentity(ctx, in.Channel, in.UserID)
	if !errors.Is(err, store.ErrNotFound) {
		return p, err
	}
	role := store.RoleAdvisor
	if in.Channel == ChannelLINE {
		role = store.RoleOwner
	}
	return tx.CreatePerson(ctx, store.Person{Role: role, Name: in.UserName, Locale: b.cfg.Lang, CreatedAt: in.ReceivedAt}, in.Channel, in.UserID)
}

// run handles the event: a step of the active session, or a command.
func (t *turn) run(ctx context.Context) ([]Reply, error) {
	if t.person.Role == store.RoleOwner && t.in.Channel == ChannelLINE {
		return t.owner(ctx)
	}
	sess, err := t.tx.ActiveSession(ctx, t.person.ID)
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
	sess, err := t.tx.ActiveSession(ctx, t.person.ID)
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
	return []Reply{t.reply(sess.ID, f.Render(st, env), nil)}, nil
}

func (t *turn) load(sess store.Session) (*flows.Flow, flows.State, error) {
	f, ok := t.b.cfg.Flows.Get(sess.FlowID)
	if !ok {
		return nil, flows.State{}, fmt.Errorf("session %d: flow %q is not loaded", sess.ID, sess.FlowID)
	}
	st, err := decodeState(sess)
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
	in := flows.Input{Text: t.in.Text}
	if a := t.in.Action; a != nil {
		if a.SessionID != sess.ID {
			t.notes = append(t.notes, staleNotice(t.lang))
			return []Reply{t.reply(sess.ID, f.Render(st, env), nil)}, nil
		}
		in.StepID, in.Value = a.StepID, a.Value
	}
	next, res := flows.Advance(f, st, in, env)
	if res.Stale {
		t.notes = append(t.notes, res.Notice)
		return []Reply{t.reply(sess.ID, res.Prompt, nil)}, nil
	}
	return t.save(ctx, f, sess, next, res)
}

// save persists the new state, the accepted answer and, on completion, the
// records derived from the answers — all in the turn's transaction.
func (t *turn) save(ctx context.Context, f *flows.Flow, sess store.Session, st flows.State, res flows.Result) ([]Reply, error) {
	now := t.in.ReceivedAt
	if res.Accepted != nil && res.Accepted.Step.Tag == tagCompany && !res.Accepted.Answer.Skipped {
		c, err := t.company(ctx, res.Accepted.Answer.Value)
		if err != nil {
			return nil, err
		}
		sess.CompanyID = c.ID
		if err := t.remember(ctx, f, c); err != nil {
			return nil, err
		}
		if res.Prompt != nil {
			env, err := t.env(ctx, c.ID) // placeholders now know the company
			if err != nil {
				return nil, err
			}
			res.Prompt = f.Render(st, env)
		}
	}
	if err := encodeInto(&sess, st, res); err != nil {
		return nil, err
	}
	sess.UpdatedAt = now
	if res.Done {
		sess.Status, sess.CompletedAt = store.SessionCompleted, now
	} else if res.Cancelled {
		sess.Status = store.SessionCancelled
	}
	saved, err := t.tx.UpdateSession(ctx, sess)
	if err != nil {
		return nil, err
	}
	var answered *Answered
	if a := res.Accepted; a != nil {
		if err := t.addAnswer(ctx, saved, a); err != nil {
			return nil, err
		}
		if err := t.ownerAnswered(ctx, f, saved, a); err != nil {
			return nil, err
		}
		answered = &Answered{StepID: a.Step.ID, Text: f.Display(a.Step, a.Answer, t.lang)}
	}
	t.notes = append(t.notes, res.Notice)
	if res.Done {
		return t.complete(ctx, f, saved, st)
	}
	return []Reply{t.reply(saved.ID, res.Prompt, answered)}, nil
}

func encodeInto(sess *store.Session, st flows.State, res flows.Result) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	sess.State, sess.Step = data, st.Cursor
	if st.Mode != "" {
		sess.Mode = st.Mode
	}
	return nil
}

func (t *turn) addAnswer(ctx context.Context, sess store.Session, a *flows.Accepted) error {
	_, err := t.tx.AddAnswer(ctx, store.Answer{
		SessionID: sess.ID, StepID: a.Step.ID, Value: a.Answer.Value, Raw: a.Answer.Raw,
		Skipped: a.Answer.Skipped, Tag: a.Step.Tag, Sensitive: a.Step.Sensitive,
		ByPersonID: t.person.ID, At: t.in.ReceivedAt,
	})
	return err
}

// company finds or creates the named company and assigns it to the person.
func (t *turn) company(ctx context.Context, name string) (store.Company, error) {
	name = strings.TrimSpace(name)
	c, err := t.tx.CompanyByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		c, err = t.tx.CreateCompany(ctx, store.Company{Name: name, CreatedAt: t.in.ReceivedAt})
	}
	if err != nil {
		return c, err
	}
	if t.person.Role != store.RoleOwner {
		err = t.tx.Assign(ctx, c.ID, t.person.ID, t.in.ReceivedAt)
	}
	return c, err
}

// reply builds the reply of this turn.
func (t *turn) reply(sessionID int64, p *flows.Prompt, answered *Answered) Reply {
	var notes []string
	for _, n := range t.notes {
		if n != "" {
			notes = append(notes, n)
		}
	}
	return Reply{Channel: t.in.Channel, UserID: t.in.UserID, ReplyToken: t.in.ReplyToken, SessionID: sessionID,
		Lang: t.lang, Text: strings.Join(notes, "\n"), Prompt: p, Answered: answered}
}

func staleNotice(lang string) string {
	if lang == "en" {
		return "That was already answered. Here is where we are now."
	}
	return "その回答はすでに受け付けています。いまの質問はこちらです。"
}
