package bot

import (
	"context"
	"slices"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// complete derives the domain records from a confirmed session's tagged
// answers, in the same transaction, and says what was saved.
func (t *turn) complete(ctx context.Context, f *flows.Flow, sess store.Session, st flows.State) ([]Reply, error) {
	tagged := func(tag string) (flows.Answer, bool) { return f.Tagged(st, tag) }
	var summary []string
	if err := t.completeHandoffs(ctx, f, sess, st); err != nil {
		return nil, err
	}
	if sess.CompanyID != 0 {
		lines, err := t.derive(ctx, f, sess, tagged)
		if err != nil {
			return nil, err
		}
		summary = lines
	}
	if t.person.Role == store.RoleOwner {
		closing, ok, err := t.ownerCompleted(ctx, sess, tagged)
		if err != nil {
			return nil, err
		}
		if ok {
			t.notes = append(t.notes, closing)
			return []Reply{t.reply(sess.ID, nil, nil)}, nil
		}
	} else {
		t.notes = append(t.notes, flows.Msg(t.lang, "bot_saved"))
		t.notes = append(t.notes, summary...)
	}
	env, err := t.env(ctx, sess.CompanyID)
	if err != nil {
		return nil, err
	}
	if t.person.Role == store.RoleOwner {
		next, err := t.nextContact(ctx)
		if err != nil {
			return nil, err
		}
		env.Vars["next_date"] = next.Display(t.lang)
	}
	t.notes = append(t.notes, flows.RenderText(f.Outro, env))
	return []Reply{t.reply(sess.ID, nil, nil)}, nil
}

type taggedFunc func(tag string) (flows.Answer, bool)

func (t *turn) derive(ctx context.Context, f *flows.Flow, sess store.Session, tagged taggedFunc) ([]string, error) {
	var lines []string
	at := t.in.ReceivedAt
	if c, ok := commitmentOf(tagged); ok {
		c.CompanyID, c.SessionID, c.Status, c.CreatedAt = sess.CompanyID, sess.ID, "open", at
		saved, err := t.tx.AddCommitment(ctx, c)
		if err != nil {
			return nil, err
		}
		if err := t.schedule(func(s Scheduler) error { return s.CommitmentAdded(ctx, t.tx, saved) }); err != nil {
			return nil, err
		}
		lines = append(lines, flows.Msg(t.lang, "bullet")+flows.Msg(t.lang, "bot_next_step")+": "+flows.Msg(t.lang, "quote", c.Text)+dueSuffix(t.lang, c.Due))
	}
	if a, ok := tagged(tagFollowup); ok && t.person.Role != store.RoleOwner {
		fu, err := t.replaceFollowup(ctx, store.Followup{CompanyID: sess.CompanyID, AdvisorID: t.person.ID,
			SessionID: sess.ID, Due: a.Value, Status: "open", CreatedAt: at})
		if err != nil {
			return nil, err
		}
		if err := t.schedule(func(s Scheduler) error { return s.FollowupAdded(ctx, t.tx, fu) }); err != nil {
			return nil, err
		}
		lines = append(lines, flows.Msg(t.lang, "bullet")+flows.Msg(t.lang, "bot_next_follow_up")+": "+dueText(t.lang, a.Value))
	}
	if r, ok := referralOf(tagged); ok {
		r.CompanyID, r.SessionID, r.Status, r.CreatedAt = sess.CompanyID, sess.ID, "pending", at
		if _, err := t.tx.AddReferral(ctx, r); err != nil {
			return nil, err
		}
		s, _ := f.StepByTag(tagReferralTargets)
		lines = append(lines, flows.Msg(t.lang, "bullet")+flows.Msg(t.lang, "bot_referral")+": "+f.Display(s, flows.Answer{Value: strings.Join(r.Targets, ",")}, t.lang))
	}
	if line := checkinLine(t.lang, tagged); line != "" {
		lines = append(lines, line)
	}
	closed, err := t.closeVerified(ctx, sess.CompanyID, tagged)
	if err != nil {
		return nil, err
	}
	if closed != "" {
		lines = append(lines, closed)
	}
	if a, ok := tagged(tagSmallWin); ok && a.Value != "" {
		source := "advisor"
		if f.Audience == flows.AudienceOwner {
			source = "owner"
		}
		w := store.SmallWin{CompanyID: sess.CompanyID, SessionID: sess.ID, Text: a.Value, Source: source, CreatedAt: at}
		if _, err := t.tx.AddSmallWin(ctx, w); err != nil {
			return nil, err
		}
	}
	return lines, nil
}

// commitmentOf reads the owner's committed step. A smaller first step (D26)
// replaces the original wording when the advisor wrote one, without the
// larger step's due date.
func commitmentOf(tagged taggedFunc) (store.Commitment, bool) {
	if has, ok := tagged(tagCommitmentHas); ok && has.Value != "yes" {
		return store.Commitment{}, false
	}
	due, _ := tagged(tagCommitmentDue)
	text, ok := tagged(tagCommitmentSmall)
	if ok && text.Value != "" {
		// The first, smaller step has no deadline of its own: the larger
		// step's date was not set for it.
		due = flows.Answer{}
	} else {
		text, ok = tagged(tagCommitmentText)
	}
	if !ok || text.Value == "" {
		return store.Commitment{}, false
	}
	return store.Commitment{Text: text.Value, Due: due.Value}, true
}

// referralOf reads the referral the advisor chose: the targets of D30
// unless the owner agreed to information only (D32), plus the welfare desk
// when D6b said so. No referral when neither holds.
func referralOf(tagged taggedFunc) (store.Referral, bool) {
	var r store.Referral
	need, asked := tagged(tagReferralNeeded)
	consent, _ := tagged(tagReferralConsent)
	if targets, ok := tagged(tagReferralTargets); ok && targets.Value != "" && (!asked || need.Value == "needed") && consent.Value != "info_only" {
		reason, _ := tagged(tagReferralReason)
		r = store.Referral{Targets: targets.Choices(), Reason: reason.Value}
	}
	if welfare, ok := tagged(tagWelfareDesk); ok && welfare.Value == "yes" && !slices.Contains(r.Targets, targetWelfare) {
		r.Targets = append(r.Targets, targetWelfare)
	}
	return r, len(r.Targets) > 0
}

// targetWelfare is the referral target of D6b (自治体の生活・福祉の窓口).
const targetWelfare = "municipality_welfare"

func dueSuffix(lang, iso string) string {
	d := dueText(lang, iso)
	if d == "" {
		return ""
	}
	return flows.Msg(lang, "bot_due_suffix", d)
}

// replaceFollowup makes f the company's only open follow-up: the earlier
// ones (and their pending reminders) are done with now.
func (t *turn) replaceFollowup(ctx context.Context, f store.Followup) (store.Followup, error) {
	if _, err := t.tx.CloseFollowups(ctx, f.CompanyID); err != nil {
		return f, err
	}
	filter := store.ReminderFilter{Kind: "followup", CompanyID: f.CompanyID, Status: store.ReminderPending}
	if _, err := t.tx.CancelReminders(ctx, filter); err != nil {
		return f, err
	}
	return t.tx.AddFollowup(ctx, f)
}

// schedule runs fn with the configured Scheduler, if any.
func (t *turn) schedule(fn func(Scheduler) error) error {
	if t.b.cfg.Scheduler == nil {
		return nil
	}
	return fn(t.b.cfg.Scheduler)
}
