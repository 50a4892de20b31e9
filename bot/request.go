package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bansou/bansou/store"
)

// op handles a tap on a Choice the bot offered.
func (t *turn) op(ctx context.Context) ([]Reply, error) {
	if t.person.Role == store.RoleOwner {
		return t.say(pick(t.lang, "このボタンは使えません。", "This button is not available.")), nil
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
		return t.say(pick(t.lang, "「"+name+"」という企業は見つかりませんでした。企業名をご確認ください。",
			"No company \""+name+"\" was found. Please check the name.")), nil
	}
	if err != nil {
		return nil, err
	}
	if ok, err := CanSee(ctx, t.tx, t.person, c.ID); err != nil || ok {
		return t.say(pick(t.lang, c.Name+"の記録は、すでにご覧いただけます。", "You can already see "+c.Name+".")), err
	}
	req, err := t.tx.CreateAccessRequest(ctx, store.AccessRequest{CompanyID: c.ID, RequesterID: t.person.ID, CreatedAt: t.in.ReceivedAt})
	if errors.Is(err, store.ErrConflict) {
		return t.say(pick(t.lang, "この企業への閲覧申請は、すでに承認待ちです。", "Your request for this company is already waiting for approval.")), nil
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
			Title: pick(lang, c.Name+"の閲覧申請", "Access request for "+c.Name),
			Text: pick(lang, who+"さんが、"+c.Name+"の記録の閲覧を申請しています。承認すると、担当者に加わります。",
				who+" asks to see the records of "+c.Name+". Approving makes them one of its advisors."),
			Choices: []Choice{
				{Label: pick(lang, "承認", "Approve"), Op: Op{Name: OpApprove, Value: id}, Style: "primary"},
				{Label: pick(lang, "却下", "Reject"), Op: Op{Name: OpReject, Value: id}, Style: "danger"},
			},
		})
		if err != nil {
			return nil, err
		}
	}
	return t.say(pick(t.lang,
		"閲覧を申請しました。担当者またはコーディネーターが承認すると、お知らせします。",
		"Your request is sent. You'll hear back once an advisor of the company or a coordinator approves it.")), nil
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
		return t.say(pick(t.lang, "この申請は見つかりませんでした。", "This request no longer exists.")), nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := CanSee(ctx, t.tx, t.person, req.CompanyID)
	if err != nil {
		return nil, err
	}
	if !ok || req.RequesterID == t.person.ID {
		return t.say(pick(t.lang, "この申請を承認できるのは、その企業の担当者とコーディネーターです。",
			"Only the company's advisors and coordinators can decide this request.")), nil
	}
	status := store.RequestRejected
	if approve {
		status = store.RequestApproved
	}
	err = t.tx.DecideAccessRequest(ctx, id, status, t.person.ID, t.in.ReceivedAt)
	if errors.Is(err, store.ErrConflict) {
		return t.say(pick(t.lang, "この申請は、すでに処理されています。", "This request was already decided.")), nil
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
	a := Alert{Title: pick(lang, c.Name+"の閲覧申請は承認されませんでした", "Your access request for "+c.Name+" was not approved"),
		Text: pick(lang, "必要な場合は、担当者かコーディネーターにご相談ください。", "If you still need it, please talk to its advisor or a coordinator.")}
	if approve {
		a = Alert{Title: pick(lang, c.Name+"の閲覧が承認されました", "Your access to "+c.Name+" was approved"),
			Text: pick(lang, "担当企業に加わりました。/bansou visit "+c.Name+" で振り返りを始められます。",
				"It is now one of your companies. Start a debrief with /bansou visit "+c.Name+".")}
	}
	if err := t.alertPerson(ctx, requester, a); err != nil {
		return nil, err
	}
	who := t.nameOf(ctx, requester)
	if approve {
		return t.say(pick(t.lang, "承認しました。"+who+"さんが"+c.Name+"の担当に加わりました。", "Approved: "+who+" now supports "+c.Name+".")), nil
	}
	return t.say(pick(t.lang, "却下しました。"+who+"さんにお伝えします。", "Rejected; "+who+" will be told.")), nil
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
