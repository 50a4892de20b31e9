package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// DefaultUrgentWords are phrases in an owner's message that alert the
// advisor at once: cash running out, default, closure, health, despair.
var DefaultUrgentWords = []string{
	"資金繰り", "倒産", "廃業", "破産", "不渡り", "差し押さえ", "差押", "夜逃げ",
	"返済できない", "払えない", "給料が出せない", "入院", "手術", "倒れ", "死にたい", "自殺",
}

// owner handles an event from an owner on LINE: follow and unfollow,
// linking by invite code, urgent messages, and check-in answers.
func (t *turn) owner(ctx context.Context) ([]Reply, error) {
	link, err := t.tx.OwnerLink(ctx, t.person.ID)
	linked := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	switch t.in.Kind {
	case EventUnfollow:
		return nil, t.unfollow(ctx, linked)
	case EventFollow:
		return t.follow(ctx, link, linked)
	}
	if !linked {
		return t.redeem(ctx)
	}
	if replies, handled, err := t.interrupt(ctx, link.CompanyID); handled || err != nil {
		return replies, err
	}
	sess, err := t.activeSession(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return t.ownerMessage(ctx, link.CompanyID)
	}
	if err != nil {
		return nil, err
	}
	return t.step(ctx, sess)
}

// unfollow stops every push to an owner who blocked the bot.
func (t *turn) unfollow(ctx context.Context, linked bool) error {
	if !linked {
		return nil
	}
	if err := t.tx.SetReachable(ctx, t.person.ID, false); err != nil {
		return err
	}
	_, err := t.tx.CancelReminders(ctx, store.ReminderFilter{RecipientID: t.person.ID, Status: store.ReminderPending})
	return err
}

// follow greets a new friend and asks for the invite code, or welcomes back
// a linked owner who unblocked the bot.
func (t *turn) follow(ctx context.Context, link store.OwnerLink, linked bool) ([]Reply, error) {
	inst := t.b.cfg.Institution
	if !linked {
		return t.say(flows.Msg(t.lang, "bot_owner_followed", inst)), nil
	}
	if err := t.tx.SetReachable(ctx, t.person.ID, true); err != nil {
		return nil, err
	}
	if s := t.b.cfg.Scheduler; s != nil && !link.Reachable { // back after a block
		link.Reachable = true
		if err := s.OwnerReturned(ctx, t.tx, link, t.in.ReceivedAt); err != nil {
			return nil, err
		}
	}
	c, err := t.tx.Company(ctx, link.CompanyID)
	if err != nil {
		return nil, err
	}
	return t.say(flows.Msg(t.lang, "bot_owner_welcome_back", inst, c.Name)), nil
}

// ownerMessage answers a linked owner who wrote outside a check-in: the
// advisor gets the message; the owner is told so.
func (t *turn) ownerMessage(ctx context.Context, companyID int64) ([]Reply, error) {
	text := strings.TrimSpace(t.in.Text)
	switch {
	case t.in.Action != nil: // a tap on an old question whose check-in is over
		return t.say(flows.Msg(t.lang, "bot_that_question_is_closed_thank")), nil
	case text == "": // a sticker or a photo
		return t.say(flows.Msg(t.lang, "bot_thank_you")), nil
	}
	c, err := t.tx.Company(ctx, companyID)
	if err != nil {
		return nil, err
	}
	err = t.alertAdvisors(ctx, c, Alert{Title: flows.Msg(t.lang, "bot_alert_line_message", c.Name), Text: text})
	if err != nil {
		return nil, err
	}
	return t.say(flows.Msg(t.lang, "bot_thank_you_for_your_message2")), nil
}

// urgent reports whether an owner's text signals a crisis.
func (b *Bot) urgent(text string) bool {
	folded := flows.Fold(text)
	for _, w := range b.urgentWords {
		if strings.Contains(folded, w) {
			return true
		}
	}
	return false
}

// escalate bypasses the conversation: the advisor is alerted at once with
// the owner's words, and the owner is told who will call.
func (t *turn) escalate(ctx context.Context, companyID int64) error {
	c, err := t.tx.Company(ctx, companyID)
	if err != nil {
		return err
	}
	if err := t.alertAdvisors(ctx, c, Alert{
		Title: flows.Msg(t.lang, "bot_alert_urgent", c.Name),
		Text:  strings.TrimSpace(t.in.Text),
	}); err != nil {
		return err
	}
	if err := t.audit(ctx, "escalation", c.ID, "keyword"); err != nil {
		return err
	}
	return t.promiseCall(ctx, companyID, "bot_thank_you_for_telling_us2")
}

func (t *turn) audit(ctx context.Context, action string, companyID int64, detail string) error {
	return t.tx.AddAudit(ctx, store.AuditEntry{ActorID: t.person.ID, Action: action,
		Subject: fmt.Sprintf("company:%d", companyID), Detail: detail, At: t.in.ReceivedAt})
}

// ownerAnswered reacts to an owner's check-in answer: a call request or a
// low confidence alerts the advisor at once.
func (t *turn) ownerAnswered(ctx context.Context, f *flows.Flow, sess store.Session, a *flows.Accepted) error {
	if t.person.Role != store.RoleOwner || sess.CompanyID == 0 || a.Answer.Skipped {
		return nil
	}
	var title, detail string
	switch {
	case a.Step.Tag == tagCallbackWanted && a.Answer.Value == "call":
		title, detail = "電話のご希望", "callback"
	case a.Step.Tag == tagCallbackSlot:
		slot := f.Display(a.Step, a.Answer, "ja")
		title, detail = "電話のご希望（"+slot+"）", "callback:"+a.Answer.Value
	case a.Step.Tag == tagConfidence && (a.Answer.Value == "1" || a.Answer.Value == "2"):
		title, detail = "続けられそうか「"+a.Answer.Value+"」（5段階）", "confidence:"+a.Answer.Value
	default:
		return nil
	}
	c, err := t.tx.Company(ctx, sess.CompanyID)
	if err != nil {
		return err
	}
	callback := detail == "callback" || strings.HasPrefix(detail, "callback:")
	alert := Alert{Title: c.Name + "さま: " + title, Text: "LINE の近況確認でのご回答です。"}
	if callback { // the time slot updates the alert of the tap
		alert.Key, alert.CompanyID = fmt.Sprintf("callback:s%d", sess.ID), c.ID
	}
	if err := t.alertAdvisors(ctx, c, alert); err != nil {
		return err
	}
	if callback {
		return t.audit(ctx, "escalation", c.ID, detail)
	}
	return nil
}

// ownerCompleted applies a finished check-in: 「あとで」 asks again the next
// day, 「今回はお休み」 skips this round, and the status of the commitment
// follows the owner's answer. It returns the closing words.
func (t *turn) ownerCompleted(ctx context.Context, sess store.Session, tagged taggedFunc) (string, bool, error) {
	if consent, ok := tagged(tagConsent); ok {
		switch consent.Value {
		case "later":
			s := t.b.cfg.Scheduler
			if s == nil {
				return flows.Msg(t.lang, "bot_of_course_we_ll_ask"), true, nil
			}
			due, err := s.CheckinSnoozed(ctx, t.tx, sess, t.person.ID, t.in.ReceivedAt)
			if err != nil {
				return "", false, err
			}
			return againOn(t.lang, t.in.ReceivedAt.In(t.b.cfg.Location), due.In(t.b.cfg.Location)), true, nil
		case "skip":
			return flows.Msg(t.lang, "bot_of_course_we_ll_skip"), true, nil
		}
	}
	status, ok := tagged(tagCheckinStatus)
	if !ok || (status.Value != "done" && status.Value != "changed") {
		return "", false, nil
	}
	c, err := t.tx.LatestCommitment(ctx, sess.CompanyID)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	next := map[string]string{"done": "done", "changed": "dropped"}[status.Value]
	if err := t.tx.SetCommitmentStatus(ctx, c.ID, next); err != nil {
		return "", false, err
	}
	_, err = t.tx.CancelReminders(ctx, store.ReminderFilter{Kind: "checkin", CompanyID: sess.CompanyID, Status: store.ReminderPending})
	return "", false, err
}

// nextContact is the date an owner is told to expect the next contact: the
// next check-in already planned for them, or else two weeks on, moved to a
// working day when a calendar is configured.
func (t *turn) nextContact(ctx context.Context) (flows.Date, error) {
	now := t.in.ReceivedAt
	planned, err := t.tx.Reminders(ctx, store.ReminderFilter{Kind: "checkin", RecipientID: t.person.ID, Status: store.ReminderPending})
	if err != nil {
		return flows.Date{}, err
	}
	for _, r := range planned { // earliest due first
		if r.DueAt.After(now) {
			return flows.DateOf(r.DueAt.In(t.b.cfg.Location)), nil
		}
	}
	next := now.AddDate(0, 0, 14)
	if c := t.b.cfg.Calendar; c != nil {
		next = c.Next(next)
	}
	return flows.DateOf(next.In(t.b.cfg.Location)), nil
}
