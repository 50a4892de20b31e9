package bot

import (
	"context"
	"errors"
	"fmt"
	"github.com/bansou/bansou/flows"
	"strconv"
	"strings"

	"github.com/bansou/bansou/store"
)

// op handles a tap on a Choice the bot offered.
func (t *turn) op(ctx context.Context) ([]Reply, error) {
	if t.person.Role == store.RoleOwner {
		return t.say(flows.Msg(t.lang, "bot_this_button_is_not_available")), nil
	}
	switch t.in.Op.Name {
	case OpRequestAccess:
		return t.requestAccess(ctx, t.in.Op.Value)
	case OpApprove, OpReject:
		return t.decide(ctx, t.in.Op.Name == OpApprove)
	case OpHandoverMemo:
		return t.memoAsked(ctx)
	}
	t.b.log.InfoContext(ctx, "unknown op ignored", "op", t.in.Op.Name)
	return nil, nil
}

// requestAccess records an advisor's request to see a company and asks the
// company's advisors and the coordinators to approve it. A request for a
// company that does not exist, or that the person already sees, creates
// nothing.
func (t *turn) requestAccess(ctx context.Context, name string) ([]Reply, error) {
	name = strings.TrimSpace(name)
	c, err := findCompany(ctx, t.tx, name)
	if errors.Is(err, store.ErrNotFound) {
		return t.say(flows.Msg(t.lang, "bot_no_company_was_found_please", name)), nil
	}
	if err != nil {
		return nil, err
	}
	if ok, err := CanSee(ctx, t.tx, t.person, c.ID); err != nil || ok {
		return t.say(flows.Msg(t.lang, "bot_you_can_already_see", c.Name)), err
	}
	req, err := t.tx.CreateAccessRequest(ctx, store.AccessRequest{CompanyID: c.ID, RequesterID: t.person.ID, CreatedAt: t.in.ReceivedAt})
	if errors.Is(err, store.ErrConflict) {
		return t.say(flows.Msg(t.lang, "bot_your_request_for_this_company")), nil
	}
	if err != nil {
		return nil, err
	}
	if err := t.audit(ctx, "access.request", c.ID, fmt.Sprintf("request:%d", req.ID)); err != nil {
		return nil, err
	}
	approvers, err := t.approvers(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	who := t.nameOf(ctx, t.person)
	id := strconv.FormatInt(req.ID, 10)
	for _, p := range approvers {
		lang := langOf(p, t.b.cfg.Lang)
		err := t.alertPerson(ctx, p, Alert{
			Title: flows.Msg(lang, "bot_access_request_for", c.Name),
			Text:  flows.Msg(lang, "bot_asks_to_see_the_records", who, c.Name),
			Choices: []Choice{
				{Label: flows.Msg(lang, "bot_approve"), Op: Op{Name: OpApprove, Value: id}, Style: "primary"},
				{Label: flows.Msg(lang, "bot_reject"), Op: Op{Name: OpReject, Value: id}, Style: "danger"},
			},
		})
		if err != nil {
			return nil, err
		}
	}
	return t.say(flows.Msg(t.lang, "bot_your_request_is_sent_you")), nil
}

// approvers are the company's advisors and the coordinators.
func (t *turn) approvers(ctx context.Context, companyID int64) ([]store.Person, error) {
	advisors, err := t.tx.AdvisorsOf(ctx, companyID)
	if err != nil {
		return nil, err
	}
	coordinators, err := t.tx.PeopleByRole(ctx, store.RoleCoordinator)
	return append(advisors, coordinators...), err
}

// decide approves or rejects an access request. Only someone who may see
// the company decides; approval assigns the requester, and the audit log
// keeps who decided and when.
func (t *turn) decide(ctx context.Context, approve bool) ([]Reply, error) {
	id, err := strconv.ParseInt(t.in.Op.Value, 10, 64)
	if err != nil {
		return nil, nil
	}
	req, err := t.tx.AccessRequest(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return t.say(flows.Msg(t.lang, "bot_this_request_no_longer_exists")), nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := CanSee(ctx, t.tx, t.person, req.CompanyID)
	if err != nil {
		return nil, err
	}
	if !ok || req.RequesterID == t.person.ID {
		return t.say(flows.Msg(t.lang, "bot_only_the_company_s_advisors")), nil
	}
	status := store.RequestRejected
	if approve {
		status = store.RequestApproved
	}
	err = t.tx.DecideAccessRequest(ctx, id, status, t.person.ID, t.in.ReceivedAt)
	if errors.Is(err, store.ErrConflict) {
		return t.say(flows.Msg(t.lang, "bot_this_request_was_already_decided")), nil
	}
	if err != nil {
		return nil, err
	}
	if approve {
		if err := t.tx.Assign(ctx, req.CompanyID, req.RequesterID, t.in.ReceivedAt); err != nil {
			return nil, err
		}
	}
	if err := t.audit(ctx, "access."+status, req.CompanyID, fmt.Sprintf("request:%d requester:%d", req.ID, req.RequesterID)); err != nil {
		return nil, err
	}
	return t.tellDecision(ctx, req, approve)
}

// tellDecision tells the requester and confirms to the decider.
func (t *turn) tellDecision(ctx context.Context, req store.AccessRequest, approve bool) ([]Reply, error) {
	c, err := t.tx.Company(ctx, req.CompanyID)
	if err != nil {
		return nil, err
	}
	requester, err := t.tx.Person(ctx, req.RequesterID)
	if err != nil {
		return nil, err
	}
	lang := langOf(requester, t.b.cfg.Lang)
	a := Alert{Title: flows.Msg(lang, "bot_your_access_request_for_was", c.Name),
		Text: flows.Msg(lang, "bot_if_you_still_need_it")}
	if approve {
		a = Alert{Title: flows.Msg(lang, "bot_your_access_to_was_approved", c.Name),
			Text: flows.Msg(lang, "bot_it_is_now_one_of", c.Name)}
	}
	if err := t.alertPerson(ctx, requester, a); err != nil {
		return nil, err
	}
	who := t.nameOf(ctx, requester)
	if approve {
		return t.say(flows.Msg(t.lang, "bot_approved_now_supports", who, c.Name)), nil
	}
	return t.say(flows.Msg(t.lang, "bot_rejected_will_be_told", who)), nil
}

// alertPerson addresses an alert to one person on the first channel a
// Notifier serves; it is sent after the turn commits.
func (t *turn) alertPerson(ctx context.Context, p store.Person, a Alert) error {
	ids, err := t.tx.Identities(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := t.b.cfg.Notifiers[id.Channel]; ok {
			a.Channel, a.UserID, a.Lang = id.Channel, id.ExternalID, langOf(p, t.b.cfg.Lang)
			t.alerts = append(t.alerts, a)
			return nil
		}
	}
	t.b.log.InfoContext(ctx, "alert has no channel", "person_id", p.ID)
	return nil
}

func langOf(p store.Person, fallback string) string {
	if p.Locale != "" {
		return p.Locale
	}
	return fallback
}
