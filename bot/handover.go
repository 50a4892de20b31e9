package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// FlowHandover is the built-in 引継ぎメモ flow the previous advisor answers.
const FlowHandover = "handover"

// ActionHandover is the audit action of a handover; its Detail reads
// "from:<person id> to:<person id> followups:<n> reminders:<n>".
const ActionHandover = "company.handover"

// Handover errors, for the command line (on Slack the person is told).
var (
	ErrNotStaff    = errors.New("bot: the new advisor is not registered staff")
	ErrSameAdvisor = errors.New("bot: the company is already with that advisor")
	// errNotPermitted ends a handover the actor was refused (and told).
	errNotPermitted = errors.New("bot: handover not permitted")
)

// The handover memo's tags (flows/builtin/handover.yaml).
const (
	tagHandoverCares    = "handover.cares"
	tagHandoverStyle    = "handover.style"
	tagHandoverProgress = "handover.progress"
	tagHandoverAvoid    = "handover.avoid"
)

// memoTags are the memo's answers, in the order they are shown.
var memoTags = []historyTag{
	{tagHandoverCares, "大事にしていること", "What they care about"},
	{tagHandoverStyle, "話し方・接し方", "How they like to talk"},
	{tagHandoverProgress, "進行中のこと", "In progress"},
	{tagHandoverAvoid, "避けたほうがよいこと", "What to avoid"},
}

// HandoverRequest moves a company to the next advisor (引継ぎ).
type HandoverRequest struct {
	Channel, UserID     string // who hands over; both empty on the command line
	Company             string
	ToChannel, ToUserID string // the new advisor
}

// HandoverResult says what moved.
type HandoverResult struct {
	Company   store.Company
	From      []store.Person // advisors who handed the company over
	To        store.Person
	Followups int64 // open follow-ups re-addressed
	Reminders int64 // pending reminders re-addressed
}

// Handover gives the company to the new advisor: the assignment, the open
// follow-ups and the pending reminders move (none lost, none doubled), the
// previous advisor is unassigned and asked for a 引継ぎメモ, and both are
// told. On Slack only an assigned advisor (handing over their own part) or
// a coordinator may do it; on the command line (UserID "") anyone who runs
// bansou may. Messages go out after commit to whoever has a channel.
func (b *Bot) Handover(ctx context.Context, req HandoverRequest) (HandoverResult, error) {
	var res HandoverResult
	var out outbox
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		out = outbox{}
		h := &handover{b: b, tx: tx, req: req, now: b.cfg.Now()}
		err := h.run(ctx)
		res, out = h.res, h.out
		return err
	})
	if errors.Is(err, errNotPermitted) {
		err = nil // the actor was told why
	}
	if err != nil {
		return res, fmt.Errorf("bot: handover: %w", err)
	}
	b.notify(ctx, out.alerts)
	return res, b.sendReachable(ctx, out.replies)
}

// sendReachable sends the replies whose channel has a Sender, and logs the
// others (the command line runs without Slack).
func (b *Bot) sendReachable(ctx context.Context, replies []Reply) error {
	var ok []Reply
	for _, r := range replies {
		if _, has := b.cfg.Senders[r.Channel]; has {
			ok = append(ok, r)
		} else {
			b.log.InfoContext(ctx, "message has no channel", "channel", r.Channel)
		}
	}
	return b.send(ctx, ok)
}

// handover is one handover inside one transaction.
type handover struct {
	b     *Bot
	tx    store.Tx
	req   HandoverRequest
	now   time.Time
	actor *turn // nil on the command line
	res   HandoverResult
	out   outbox
}

func (h *handover) run(ctx context.Context) error {
	if h.req.UserID != "" {
		if err := h.authorise(ctx); err != nil {
			return err
		}
	}
	c, err := h.company(ctx)
	if err != nil {
		return err
	}
	h.res.Company = c
	to, err := h.newAdvisor(ctx)
	if err != nil {
		return err
	}
	h.res.To = to
	from, err := h.previous(ctx, c, to)
	if err != nil {
		return err
	}
	if len(from) == 0 {
		if ok, err := h.tx.IsAssigned(ctx, c.ID, to.ID); err != nil || ok {
			return errors.Join(err, h.refuse(ErrSameAdvisor, flows.Msg(h.lang(), "bot_is_already_with_that_advisor", c.Name)))
		}
	}
	if err := h.tx.Assign(ctx, c.ID, to.ID, h.now); err != nil {
		return err
	}
	for _, p := range from {
		if err := h.moveFrom(ctx, c, p, to); err != nil {
			return err
		}
	}
	if len(from) == 0 {
		if _, err := h.record(ctx, c, store.Person{}, to, 0, 0); err != nil {
			return err
		}
	}
	return h.tell(ctx, c, to)
}

func (h *handover) lang() string {
	if h.actor != nil {
		return h.actor.lang
	}
	return h.b.cfg.Lang
}

// refuse tells the actor (on Slack) and ends the handover with err.
func (h *handover) refuse(err error, text string) error {
	if h.actor == nil {
		return err
	}
	h.out.replies = append(h.out.replies, h.actor.say(text)...)
	return errNotPermitted
}

// authorise checks that the actor is staff.
func (h *handover) authorise(ctx context.Context) error {
	t, err := h.b.newTurn(ctx, h.tx, Incoming{Channel: h.req.Channel, UserID: h.req.UserID, ReceivedAt: h.now})
	if err != nil {
		return err
	}
	h.actor = t
	if t.stranger || t.person.Role == store.RoleOwner {
		h.out.replies = append(h.out.replies, t.say(h.b.notRegistered(t.lang))...)
		return errNotPermitted
	}
	return nil
}

// company finds the company; the actor must be able to see it.
func (h *handover) company(ctx context.Context) (store.Company, error) {
	c, err := findCompany(ctx, h.tx, h.req.Company)
	if errors.Is(err, store.ErrNotFound) {
		return c, errors.Join(ErrUnknownCompany, h.refuse(ErrUnknownCompany, flows.Msg(h.lang(), "bot_no_company_of_yours_matches", h.req.Company)))
	}
	if err != nil || h.actor == nil {
		return c, err
	}
	ok, err := CanSee(ctx, h.tx, h.actor.person, c.ID)
	if err != nil {
		return c, err
	}
	if !ok {
		h.actor.refuse(strings.TrimSpace(h.req.Company))
		h.out.replies = append(h.out.replies, h.actor.reply(0, nil, nil))
		return c, errNotPermitted
	}
	return c, nil
}

// newAdvisor is the staff member the company goes to.
func (h *handover) newAdvisor(ctx context.Context) (store.Person, error) {
	p, ok, err := h.b.staffPerson(ctx, h.tx, h.req.ToChannel, h.req.ToUserID, true)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, h.refuse(ErrNotStaff, flows.Msg(h.lang(), "bot_the_person_you_named_is"))
	}
	return p, nil
}

// previous are the advisors who hand the company over: the actor alone
// when an assigned advisor hands over their own part, otherwise every
// assigned advisor but the new one.
func (h *handover) previous(ctx context.Context, c store.Company, to store.Person) ([]store.Person, error) {
	if h.actor != nil && h.actor.person.Role == store.RoleAdvisor {
		if h.actor.person.ID == to.ID {
			return nil, nil
		}
		return []store.Person{h.actor.person}, nil
	}
	advisors, err := h.tx.AdvisorsOf(ctx, c.ID)
	var out []store.Person
	for _, a := range advisors {
		if a.ID != to.ID {
			out = append(out, a)
		}
	}
	return out, err
}

// moveFrom moves one advisor's part to the new advisor and asks them for
// the memo.
func (h *handover) moveFrom(ctx context.Context, c store.Company, from, to store.Person) error {
	fus, err := h.tx.ReassignFollowups(ctx, c.ID, from.ID, to.ID)
	if err != nil {
		return err
	}
	rems, err := h.tx.ReassignReminders(ctx, c.ID, from.ID, to.ID)
	if err != nil {
		return err
	}
	if err := h.tx.Unassign(ctx, c.ID, from.ID); err != nil {
		return err
	}
	h.res.From = append(h.res.From, from)
	h.res.Followups += fus
	h.res.Reminders += rems
	ho, err := h.record(ctx, c, from, to, fus, rems)
	if err != nil {
		return err
	}
	t, err := h.b.personTurn(ctx, h.tx, from, h.now)
	if err != nil || t == nil {
		return err
	}
	replies, err := t.askMemo(ctx, ho, c, to)
	h.out.replies = append(h.out.replies, replies...)
	return err
}

// record writes the handover and its audit entry.
func (h *handover) record(ctx context.Context, c store.Company, from, to store.Person, fus, rems int64) (store.Handover, error) {
	var by int64
	if h.actor != nil {
		by = h.actor.person.ID
	}
	ho, err := h.tx.AddHandover(ctx, store.Handover{CompanyID: c.ID, FromID: from.ID, ToID: to.ID, ByID: by, At: h.now})
	if err != nil {
		return ho, err
	}
	return ho, h.tx.AddAudit(ctx, store.AuditEntry{ActorID: by, Action: ActionHandover, Subject: fmt.Sprintf("company:%d", c.ID),
		Detail: fmt.Sprintf("from:%d to:%d followups:%d reminders:%d", from.ID, to.ID, fus, rems), At: h.now})
}

// tell confirms to the actor and welcomes the new advisor.
func (h *handover) tell(ctx context.Context, c store.Company, to store.Person) error {
	if t, err := h.b.personTurn(ctx, h.tx, to, h.now); err != nil {
		return err
	} else if t != nil && (h.actor == nil || t.person.ID != h.actor.person.ID) {
		from := flows.Msg(t.lang, "bot_the_previous_advisor")
		if len(h.res.From) > 0 {
			from = t.nameOf(ctx, h.res.From[0])
		}
		h.out.replies = append(h.out.replies, t.say(flows.Msg(t.lang, "bot_you_now_support_handed_over", c.Name, from, strconv.FormatInt(h.res.Followups, 10)))...)
	}
	if h.actor == nil || slices.ContainsFunc(h.res.From, func(p store.Person) bool { return p.ID == h.actor.person.ID }) {
		return nil // the previous advisor's memo request says it already
	}
	to2 := h.actor.nameOf(ctx, to)
	h.out.replies = append(h.out.replies, h.actor.say(flows.Msg(h.actor.lang, "bot_is_now_with", c.Name, to2))...)
	return nil
}

// personTurn is a turn on behalf of the bot towards a staff member, on the
// first of their channels that has a Sender; nil when none has.
func (b *Bot) personTurn(ctx context.Context, tx store.Tx, p store.Person, now time.Time) (*turn, error) {
	ids, err := tx.Identities(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, ok := b.cfg.Senders[id.Channel]; ok {
			in := Incoming{Channel: id.Channel, UserID: id.ExternalID, ReceivedAt: now}
			return &turn{b: b, tx: tx, in: in, person: p, lang: langOf(p, b.cfg.Lang)}, nil
		}
	}
	return nil, nil
}

// askMemo asks the previous advisor for the 引継ぎメモ: the memo starts at
// once, or — when they are in the middle of another conversation — a
// button starts it later.
func (t *turn) askMemo(ctx context.Context, ho store.Handover, c store.Company, to store.Person) ([]Reply, error) {
	lead := flows.Msg(t.lang, "bot_has_been_handed_over_to", c.Name, t.nameOf(ctx, to))
	_, err := t.tx.ActiveSession(ctx, t.person.ID)
	if err == nil {
		t.notes = append(t.notes, lead, flows.Msg(t.lang, "bot_when_you_finish_the_current"))
		t.choices = append(t.choices, Choice{Label: flows.Msg(t.lang, "bot_write_the_memo"),
			Op: Op{Name: OpHandoverMemo, Value: fmt.Sprintf("%d:%d", c.ID, ho.ID)}, Style: "primary"})
		return []Reply{t.reply(0, nil, nil)}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	t.notes = append(t.notes, lead)
	return t.startMemo(ctx, ho, c)
}

// startMemo opens the memo flow about the company for the previous
// advisor (who no longer sees the company: the session is theirs alone).
func (t *turn) startMemo(ctx context.Context, ho store.Handover, c store.Company) ([]Reply, error) {
	f, ok := t.b.cfg.Flows.Get(FlowHandover)
	if !ok {
		t.b.log.WarnContext(ctx, "handover memo flow is not loaded")
		return []Reply{t.reply(0, nil, nil)}, nil
	}
	env := t.b.env(t.lang)
	env.Vars["company"], env.Vars["advisor"] = c.Name, t.person.Name
	st, res := flows.Start(f, "", env)
	sess, err := t.createSession(ctx, f, st, c.ID)
	if err != nil {
		return nil, err
	}
	if err := t.tx.SetHandoverMemo(ctx, ho.ID, sess.ID); err != nil {
		return nil, err
	}
	t.notes = append(t.notes, res.Notice)
	return []Reply{t.reply(sess.ID, res.Prompt, nil)}, nil
}

// memoAsked starts the memo after a tap on 「引継ぎメモを書く」.
func (t *turn) memoAsked(ctx context.Context) ([]Reply, error) {
	cid, hid, _ := strings.Cut(t.in.Op.Value, ":")
	companyID, _ := strconv.ParseInt(cid, 10, 64)
	hoID, _ := strconv.ParseInt(hid, 10, 64)
	hs, err := t.tx.Handovers(ctx, companyID)
	if err != nil {
		return nil, err
	}
	for _, ho := range hs {
		if ho.ID != hoID || ho.FromID != t.person.ID {
			continue
		}
		if ho.MemoSessionID != 0 {
			return t.say(flows.Msg(t.lang, "bot_the_memo_has_already_been")), nil
		}
		if _, err := t.tx.ActiveSession(ctx, t.person.ID); err == nil {
			return t.say(flows.Msg(t.lang, "bot_please_finish_the_current_conversation")), nil
		}
		c, err := t.tx.Company(ctx, companyID)
		if err != nil {
			return nil, err
		}
		return t.startMemo(ctx, ho, c)
	}
	return t.say(flows.Msg(t.lang, "bot_this_handover_was_not_found")), nil
}

// handoverMemo shows the new advisor, once, the memos of the advisors who
// handed company c to them (memos, as its memory read them: not shown yet,
// oldest first), up to the first one still unwritten.
func (t *turn) handoverMemo(ctx context.Context, c store.Company, memos []store.HandoverMemo) error {
	if k := t.known; k != nil && k.companyID == c.ID {
		k.m.memos = nil // handled now: not shown twice
	}
	for _, memo := range memos {
		if !memo.Written {
			return nil
		}
		if err := t.tx.MarkHandoverMemoShown(ctx, memo.Handover.ID, t.in.ReceivedAt); err != nil {
			return err
		}
		t.notes = append(t.notes, t.memoText(ctx, memo))
	}
	return nil
}

// memoText renders a written memo.
func (t *turn) memoText(ctx context.Context, memo store.HandoverMemo) string {
	latest := map[string]store.Answer{}
	for _, a := range memo.Answers {
		latest[a.Tag] = a
	}
	from := store.Person{ID: memo.Handover.FromID, Name: memo.FromName}
	var b strings.Builder
	b.WriteString(flows.Msg(t.lang, "bot_handover_memo_from", t.nameOf(ctx, from)))
	for _, mt := range memoTags {
		if a, ok := latest[mt.tag]; ok && !a.Skipped && a.Value != "" {
			b.WriteString("\n・" + flows.Text{JA: mt.ja, EN: mt.en}.In(t.lang) + ": " + a.Value)
		}
	}
	return b.String()
}

// nameOf names a person in a notice: their name, or on Slack a mention.
func (t *turn) nameOf(ctx context.Context, p store.Person) string {
	if p.Name != "" {
		return p.Name
	}
	if ids, err := t.tx.Identities(ctx, p.ID); err == nil && t.in.Channel == ChannelSlack {
		for _, id := range ids {
			if id.Channel == ChannelSlack {
				return "<@" + id.ExternalID + ">"
			}
		}
	}
	return flows.Msg(t.lang, "bot_an_advisor")
}

// newAdvisorNote tells an owner, once and warmly, who their new advisor is
// after a handover; it is said at their next check-in.
func (t *turn) newAdvisorNote(ctx context.Context, companyID int64) (string, error) {
	hs, err := t.tx.Handovers(ctx, companyID)
	if err != nil {
		return "", err
	}
	var latest *store.Handover
	for i := range hs {
		if hs[i].OwnerToldAt.IsZero() {
			if err := t.tx.MarkHandoverOwnerTold(ctx, hs[i].ID, t.in.ReceivedAt); err != nil {
				return "", err
			}
			latest = &hs[i]
		}
	}
	if latest == nil {
		return "", nil
	}
	p, err := t.tx.Person(ctx, latest.ToID)
	if err != nil {
		return "", err
	}
	name := flows.Msg(t.lang, "bot_your_new_advisor")
	if p.Name != "" {
		name = p.Name
	}
	return flows.Msg(t.lang, "bot_thank_you_as_always_your", t.b.cfg.Institution, name), nil
}
