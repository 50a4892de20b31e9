package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// DefaultCallWords are phrases in an owner's message that ask for a call:
// recognised in any state, inside a check-in too, on every channel.
var DefaultCallWords = []string{
	"電話がほしい", "電話が欲しい", "電話ほしい", "電話欲しい", "電話ください", "電話下さい", "電話をください",
	"電話をお願い", "電話お願い", "電話して", "お電話ください", "相談したい", "相談がしたい", "相談させて",
	"連絡ください", "連絡下さい", "連絡をください", "連絡がほしい", "連絡が欲しい", "連絡ほしい", "連絡して",
}

// AlertUpdater is a Notifier that can change an alert it sent: the first
// alert of a request is posted with NotifyRef, and later alerts with the
// same Alert.Key update it (Slack chat.update) instead of sending another.
type AlertUpdater interface {
	// NotifyRef delivers a and returns the platform's handle of it.
	NotifyRef(ctx context.Context, a Alert) (string, error)
	// UpdateAlert replaces the alert at ref by a.
	UpdateAlert(ctx context.Context, ref string, a Alert) error
}

// callRequested reports whether an owner's text asks for a call.
func callRequested(text string) bool {
	folded := flows.Fold(text)
	for _, w := range DefaultCallWords {
		if strings.Contains(folded, w) {
			return true
		}
	}
	return false
}

// interrupt hears an owner's typed call request or urgent words, in any
// state: the advisor is alerted once, the owner is told plainly who will
// call, and an open check-in waits at its question (re-asked below the
// notice) so that the owner may carry on. handled is false when the text
// is neither.
func (t *turn) interrupt(ctx context.Context, companyID int64) (replies []Reply, handled bool, err error) {
	if t.in.Action != nil || t.in.Kind != EventMessage || companyID == 0 {
		return nil, false, nil
	}
	urgent, call := t.b.urgent(t.in.Text), callRequested(t.in.Text) || t.in.Menu == MenuCall
	if !urgent && !call && t.in.Menu == "" {
		return nil, false, nil
	}
	sess, err := t.activeSession(ctx)
	active := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, true, err
	}
	if active && !urgent && t.in.Menu == "" && t.answersStep(sess) {
		return nil, false, nil // 「電話がほしい」 typed as the answer to the question asked
	}
	switch {
	case urgent:
		err = t.escalate(ctx, companyID)
	case !call:
		err = t.menuInfo(ctx, companyID)
	default:
		var key string
		switch {
		case active:
			key = fmt.Sprintf("callback:s%d", sess.ID)
		case t.in.Menu == MenuCall: // taps of the same day are one request
			key = fmt.Sprintf("callback:p%d:%s", t.person.ID, flows.DateOf(t.in.ReceivedAt.In(t.b.cfg.Location)))
		}
		err = t.typedCallRequest(ctx, companyID, key)
	}
	if err != nil {
		return nil, true, err
	}
	if active {
		t.notes = append(t.notes, flows.Msg(t.lang, "bot_you_can_carry_on_with"))
		replies, err = t.resendSession(ctx, sess, false)
		return replies, true, err
	}
	return []Reply{t.reply(0, nil, nil)}, true, nil
}

// answersStep reports whether the owner's text is one of the options of the
// question the session is asking: then it is an answer, not an interruption.
func (t *turn) answersStep(sess store.Session) bool {
	f, ok := t.b.cfg.Flows.Get(sess.FlowID)
	if !ok {
		return false
	}
	s, ok := f.Step(sess.Step)
	if !ok || (s.Kind != flows.KindSingle && s.Kind != flows.KindMulti) {
		return false
	}
	_, ok = flows.MatchOptions(t.in.Text, s.Options, s.Kind == flows.KindMulti)
	return ok
}

// typedCallRequest alerts the advisor that the owner asked for a call in
// their own words, and tells the owner who will call.
func (t *turn) typedCallRequest(ctx context.Context, companyID int64, key string) error {
	c, err := t.tx.Company(ctx, companyID)
	if err != nil {
		return err
	}
	text := "LINE でのメッセージ：\n" + strings.TrimSpace(t.in.Text)
	if t.in.Menu == MenuCall {
		text = "LINE のメニュー「相談したい」が押されました。"
	}
	err = t.alertAdvisors(ctx, c, Alert{Title: flows.Msg(t.lang, "bot_alert_call_request", c.Name), Key: key, CompanyID: c.ID, Text: text})
	if err != nil {
		return err
	}
	if err := t.audit(ctx, "escalation", c.ID, "callback"); err != nil { // no slot: the digest reads "callback:<slot>"
		return err
	}
	return t.promiseCall(ctx, companyID, "bot_of_course_will_call_you")
}

// promiseCall tells the owner who will call them: the message key takes
// the advisor "from" (担当の佐藤から) and as a subject (Sato, your advisor,).
func (t *turn) promiseCall(ctx context.Context, companyID int64, key string) error {
	name, err := t.ownerAdvisor(ctx, companyID)
	if err != nil {
		return err
	}
	t.notes = append(t.notes, flows.Msg(t.lang, key, advisorFrom(name, t.lang), advisorSubject(name, t.lang)))
	return nil
}

// ownerAdvisor names the advisor an owner deals with: the one who recorded
// the company's latest commitment, else the most recently assigned one.
// Empty when no name is known.
func (t *turn) ownerAdvisor(ctx context.Context, companyID int64) (string, error) {
	c, err := t.tx.LatestCommitment(ctx, companyID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if name, err := t.advisorOf(ctx, c); err != nil || name != "" {
		return name, err
	}
	return t.assignedAdvisor(ctx, companyID)
}

// assignedAdvisor is the name of the advisor most recently assigned to the
// company ("" when none or unnamed).
func (t *turn) assignedAdvisor(ctx context.Context, companyID int64) (string, error) {
	advisors, err := t.tx.AdvisorsOf(ctx, companyID)
	if err != nil || len(advisors) == 0 {
		return "", err
	}
	return strings.TrimSpace(advisors[0].Name), nil
}

// advisorFrom is 「担当の佐藤から」, or 「担当者から」 when no name is known.
func advisorFrom(name, lang string) string {
	if lang == "en" {
		return advisorSubject(name, lang)
	}
	if name = strings.TrimSpace(name); name == "" {
		return "担当者から"
	}
	return "担当の" + name + "から"
}

// advisorSubject names the advisor as the subject of an English sentence.
func advisorSubject(name, lang string) string {
	if name = strings.TrimSpace(name); name == "" {
		return flows.Msg(lang, "bot_your_advisor2")
	}
	return flows.Msg(lang, "bot_your_advisor3", name)
}

// advisorName is the advisor's name for a sentence, or 「担当者」.
func advisorName(name, lang string) string {
	if name = strings.TrimSpace(name); name == "" {
		return flows.Msg(lang, "bot_your_advisor")
	}
	return name
}

// notifyKeyed sends a keyed alert: it updates the alert already posted for
// the same request to the same advisor, or posts it and records where.
func (b *Bot) notifyKeyed(ctx context.Context, u AlertUpdater, a Alert) error {
	var ref store.AlertRef
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		ref, err = tx.AlertRefOf(ctx, a.Key, a.Channel, a.UserID)
		return err
	})
	switch {
	case err == nil:
		if err := u.UpdateAlert(ctx, ref.Ref, a); err == nil {
			return nil
		} else {
			b.log.WarnContext(ctx, "advisor alert update failed, posting it again", "key", a.Key, "error", err.Error())
		}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	handle, err := u.NotifyRef(ctx, a)
	if err != nil {
		return err
	}
	return b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.SaveAlertRef(ctx, store.AlertRef{Key: a.Key, CompanyID: a.CompanyID, Channel: a.Channel,
			UserID: a.UserID, Ref: handle, At: b.cfg.Now()})
	})
}
