package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// SwitchStep is the pseudo step asking which of two companies to continue
// when a debrief for another company is started while one is open.
const SwitchStep = "_switch"

// Values of the SwitchStep prompt's options.
const (
	switchContinue = "continue"
	switchNew      = "switch"
)

// resumeWindow is how long a stopped conversation can be taken up again.
const resumeWindow = 24 * time.Hour

// isResume reports whether text asks to take up a stopped conversation.
func isResume(text string) bool {
	switch strings.ToLower(flows.Fold(strings.TrimSpace(text))) {
	case "再開", "さいかい", "続き", "つづき", "続きから", "resume":
		return true
	}
	return false
}

// reopen takes up the person's conversation stopped within 24 hours.
func (t *turn) reopen(ctx context.Context) ([]Reply, error) {
	sess, err := t.resumable(ctx)
	if errors.Is(err, store.ErrNotFound) {
		t.notes = append(t.notes, flows.Msg(t.lang, "bot_nothing_was_stopped_in_the"))
		return []Reply{t.reply(0, nil, nil)}, nil
	}
	if err != nil {
		return nil, err
	}
	f, st, err := t.load(sess)
	if err != nil {
		return nil, err
	}
	st = flows.Reopen(st)
	if err := encodeInto(&sess, st, t.sc); err != nil {
		return nil, err
	}
	sess.Status, sess.UpdatedAt = store.SessionActive, t.in.ReceivedAt
	saved, err := t.tx.UpdateSession(ctx, sess)
	if err != nil {
		return nil, err
	}
	env, err := t.env(ctx, saved.CompanyID)
	if err != nil {
		return nil, err
	}
	p := f.Render(st, env)
	t.notes = append(t.notes, resumeNotice(t.lang, env.Vars["company"], p))
	return []Reply{t.reply(saved.ID, p, nil)}, nil
}

// reopenInstead puts aside a conversation nothing was answered in yet
// (bansou try opens one at start) and takes up the stopped one instead.
func (t *turn) reopenInstead(ctx context.Context, sess store.Session) ([]Reply, error) {
	if _, err := t.resumable(ctx); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			t.notes = append(t.notes, flows.Msg(t.lang, "bot_nothing_was_stopped_in_the"))
			return t.resendSession(ctx, sess, false)
		}
		return nil, err
	}
	sess.Status, sess.UpdatedAt = store.SessionExpired, t.in.ReceivedAt
	if _, err := t.tx.UpdateSession(ctx, sess); err != nil {
		return nil, err
	}
	return t.reopen(ctx)
}

// resumeNotice says a conversation continues, and where.
func resumeNotice(lang, company string, p *flows.Prompt) string {
	where := ""
	switch {
	case p == nil:
	case p.StepID == flows.ReviewStep:
		where = flows.Msg(lang, "bot_the_review_before_saving")
	case p.Total > 0:
		where = fmt.Sprintf(flows.Msg(lang, "bot_question_d_of_d"), p.Number, p.Total)
	}
	if company != "" {
		where = strings.TrimSpace(company + flows.Msg(lang, "list_sep") + where)
		where = strings.TrimSuffix(where, flows.Msg(lang, "bot_text"))
	}
	if where == "" {
		return flows.Msg(lang, "bot_picking_up_where_you_left")
	}
	return flows.Msg(lang, "bot_picking_up_where_you_left2", where)
}

// askSwitch is called when a debrief about company is requested while sess
// (about another company) is open: it asks which to continue.
func (t *turn) askSwitch(ctx context.Context, sess store.Session, company string) ([]Reply, error) {
	_, st, err := t.load(sess)
	if err != nil {
		return nil, err
	}
	st.SwitchTo = company
	if err := encodeInto(&sess, st, t.sc); err != nil {
		return nil, err
	}
	sess.UpdatedAt = t.in.ReceivedAt
	saved, err := t.tx.UpdateSession(ctx, sess)
	if err != nil {
		return nil, err
	}
	open, err := t.companyName(ctx, saved.CompanyID)
	if err != nil {
		return nil, err
	}
	return []Reply{t.reply(saved.ID, switchPrompt(t.lang, open, company), nil)}, nil
}

func switchPrompt(lang, open, next string) *flows.Prompt {
	if open == "" {
		open = flows.Msg(lang, "bot_the_record_without_a_company")
	}
	return &flows.Prompt{StepID: SwitchStep, Kind: flows.KindSingle,
		Text: flows.Msg(lang, "bot_the_debrief_of_is_not", open),
		Options: []flows.Choice{
			{ID: switchContinue, Label: flows.Msg(lang, "bot_continue", open)},
			{ID: switchNew, Label: flows.Msg(lang, "bot_start_can_be_resumed_for", next, open)},
		}}
}

// switchAnswer handles the answer to the SwitchStep prompt.
func (t *turn) switchAnswer(ctx context.Context, f *flows.Flow, sess store.Session, st flows.State, env flows.Env) ([]Reply, error) {
	text := t.in.Text
	if a := t.in.Action; a != nil {
		text = a.Value
	}
	opts := []flows.Option{
		{ID: switchContinue, Label: flows.Text{JA: "続ける", EN: "continue"}},
		{ID: switchNew, Label: flows.Text{JA: "始める", EN: "start"}},
	}
	ids, ok := flows.MatchOptions(text, opts, false)
	if !ok {
		t.notes = append(t.notes, flows.Msg(t.lang, "bot_please_answer_1_or_2"))
		return []Reply{t.reply(sess.ID, switchPrompt(t.lang, env.Vars["company"], st.SwitchTo), nil)}, nil
	}
	next := st.SwitchTo
	st.SwitchTo = ""
	if err := encodeInto(&sess, st, t.sc); err != nil {
		return nil, err
	}
	sess.UpdatedAt = t.in.ReceivedAt
	if ids[0] == switchNew {
		st.Before, st.Phase = st.Phase, flows.PhaseCancelled
		if err := encodeInto(&sess, st, t.sc); err != nil {
			return nil, err
		}
		sess.Status = store.SessionCancelled
	}
	saved, err := t.tx.UpdateSession(ctx, sess)
	if err != nil {
		return nil, err
	}
	if ids[0] == switchNew {
		return t.start(ctx, StartRequest{FlowID: saved.FlowID, Company: next})
	}
	p := f.Render(st, env)
	t.notes = append(t.notes, resumeNotice(t.lang, env.Vars["company"], p))
	return []Reply{t.reply(saved.ID, p, nil)}, nil
}

// companyName is the name of a company, or "" for none.
func (t *turn) companyName(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	c, err := t.tx.Company(ctx, id)
	return c.Name, err
}

// sameCompany reports whether name is the company of sess.
func (t *turn) sameCompany(ctx context.Context, sess store.Session, name string) (bool, error) {
	open, err := t.companyName(ctx, sess.CompanyID)
	if err != nil {
		return false, err
	}
	return flows.Fold(strings.TrimSpace(open)) == flows.Fold(strings.TrimSpace(name)), nil
}

// offerResume tells a person opening a new conversation that one they
// stopped within 24 hours can be taken up again with 再開.
func (t *turn) offerResume(ctx context.Context) error {
	sess, err := t.resumable(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	name, err := t.companyName(ctx, sess.CompanyID)
	if err != nil {
		return err
	}
	if name != "" {
		name = flows.Msg(t.lang, "paren", name)
	}
	t.notes = append(t.notes, flows.Msg(t.lang, "bot_you_stopped_a_conversation_in", name))
	return nil
}

// resumable is the person's conversation stopped within 24 hours after
// something was answered; ErrNotFound when there is none.
func (t *turn) resumable(ctx context.Context) (store.Session, error) {
	sess, err := t.tx.LastCancelled(ctx, t.person.ID, t.in.ReceivedAt.Add(-resumeWindow))
	if err != nil {
		return sess, err
	}
	st, _, err := decodeSaved(sess)
	if err != nil {
		return sess, err
	}
	if !st.Begun() {
		return sess, store.ErrNotFound
	}
	return sess, nil
}
