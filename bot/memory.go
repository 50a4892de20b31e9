package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Built-in flow ids the bot starts by itself.
const (
	FlowDebrief = "debrief"
	FlowIntake  = "intake"
	FlowCheckin = "checkin"
	FlowVerify  = "verify"
)

// Tags the bot acts on (see flows/builtin).
const (
	tagCompany         = "company"
	tagCommitmentHas   = "commitment.has"
	tagCommitmentText  = "commitment.text"
	tagCommitmentSmall = "commitment.text_small"
	tagCommitmentDue   = "commitment.due"
	tagFollowup        = "followup.date"
	tagReferralNeeded  = "referral.needed"
	tagReferralTargets = "referral.targets"
	tagReferralReason  = "referral.reason"
	tagSmallWin        = "small_win"
	tagWallMain        = "wall.main"
	tagHypothesis      = "issue.hidden"
	tagConsent         = "checkin.consent"
	tagCheckinStatus   = "checkin.status"
	tagConfidence      = "checkin.confidence"
	tagCallbackWanted  = "callback.wanted"
	tagCallbackSlot    = "callback.slot"
)

// env is the engine's view of the world for this turn: today, the language
// and the placeholders of the company the session is about, from the
// session's context (read once per session, see sessionContext).
func (t *turn) env(ctx context.Context, companyID int64) (flows.Env, error) {
	env := t.b.env(t.lang)
	env.Vars["advisor"] = t.person.Name
	sc, err := t.contextOf(ctx, companyID)
	if err != nil {
		return env, err
	}
	for k, v := range sc.Vars {
		env.Vars[k] = v
	}
	t.companyLabel = sc.Vars["company"]
	return env, nil
}

// contextVars are the placeholder values of company c, whose memory is m,
// for this person. The session keeps them (see sessionContext): what prompts
// show from the company's memory belongs here.
func (t *turn) contextVars(ctx context.Context, c store.Company, m memory) (map[string]string, error) {
	vars := map[string]string{}
	if c.ID == 0 {
		return vars, nil
	}
	vars["company"] = c.Name
	vars["commitment"], vars["commitment_due"] = t.quoted(m.commitment), dueText(t.lang, m.commitment.Due)
	vars["last_wall"], vars["hypothesis"] = m.wall, m.hypothesis
	if t.person.Role == store.RoleOwner {
		name, err := t.advisorOf(ctx, m.commitment)
		if err == nil && name == "" {
			name, err = t.assignedAdvisor(ctx, c.ID)
		}
		if err != nil {
			return nil, err
		}
		vars["advisor"] = advisorName(name, t.lang)
	}
	return vars, nil
}

// advisorOf names the advisor an owner talks to: the one who recorded the
// commitment the check-in is about while they still support the company,
// otherwise (after a handover) the company's current advisor.
func (t *turn) advisorOf(ctx context.Context, c store.Commitment) (string, error) {
	if c.SessionID == 0 {
		return "", nil
	}
	s, err := t.tx.Session(ctx, c.SessionID)
	if err != nil {
		return "", err
	}
	if ok, err := t.tx.IsAssigned(ctx, c.CompanyID, s.RespondentID); err != nil || !ok {
		advisors, err2 := t.tx.AdvisorsOf(ctx, c.CompanyID)
		if err = errors.Join(err, err2); err != nil || len(advisors) == 0 {
			return "", err
		}
		return advisors[0].Name, nil
	}
	p, err := t.tx.Person(ctx, s.RespondentID)
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

// memory is what bansou remembers of a company between visits.
type memory struct {
	commitment store.Commitment
	wall       string // label of the last main wall
	hypothesis string
	stage      string               // the intake's stage; "" before the company's intake
	checkin    HistoryEntry         // the owner's latest check-in answers (fullMemory only)
	memos      []store.HandoverMemo // handover memos to this advisor not shown yet (fullMemory only)
}

func (m memory) empty() bool { return m.commitment.Text == "" && m.wall == "" && m.checkin.Text == "" }

// memoryTags are the tags of the answers a company's memory holds.
var memoryTags = []string{tagWallMain, tagHypothesis, tagStage}

// memory is the company's memory without the owner's latest check-in and
// the handover memos: what the prompts' placeholders need.
func (t *turn) memory(ctx context.Context, companyID int64) (memory, error) {
	return t.readMemory(ctx, store.MemoryQuery{CompanyID: companyID, Tags: memoryTags})
}

// readMemory reads what q asks of a company's memory in one store read.
func (t *turn) readMemory(ctx context.Context, q store.MemoryQuery) (memory, error) {
	sm, err := t.tx.CompanyMemory(ctx, q)
	if err != nil {
		return memory{}, err
	}
	m := memory{commitment: sm.Commitment, wall: t.label(tagWallMain, sm.Tagged[tagWallMain].Value),
		hypothesis: sm.Tagged[tagHypothesis].Value, stage: sm.Tagged[tagStage].Value, memos: sm.Memos}
	if sm.Checkin.ID != 0 {
		m.checkin = t.b.historyEntryOf(sm.Checkin, sm.CheckinAnswers, t.lang)
	}
	return m, nil
}

// label turns a stored option id of a tagged debrief step into its label.
func (t *turn) label(tag, value string) string {
	if value == "" {
		return ""
	}
	f, _ := t.b.cfg.Flows.Get(FlowDebrief)
	s, ok := f.StepByTag(tag)
	if !ok {
		return value
	}
	return f.Display(s, flows.Answer{Value: value}, t.lang)
}

// remember tells an advisor what was recorded last time about the company
// (its memory m): the relationship's memory survives staff rotation.
func (t *turn) remember(ctx context.Context, f *flows.Flow, c store.Company, m memory) error {
	if f.Audience == flows.AudienceOwner || f.ID == FlowHandover {
		return nil
	}
	if c.ID != t.newCompanyID { // a company created just now has no handover memo
		if err := t.handoverMemo(ctx, c, m.memos); err != nil {
			return err
		}
	}
	if m.empty() {
		return nil
	}
	var b strings.Builder
	b.WriteString(flows.Msg(t.lang, "bot_last_time_at", c.Name))
	if m.commitment.Text != "" {
		label := flows.Msg(t.lang, "bot_next_step")
		if m.commitment.Status != "" && m.commitment.Status != "open" {
			label = flows.Msg(t.lang, "bot_last_step")
		}
		b.WriteString("\n" + flows.Msg(t.lang, "bullet") + label + ": " + flows.Msg(t.lang, "quote", m.commitment.Text))
		if d := dueText(t.lang, m.commitment.Due); d != "" {
			b.WriteString(flows.Msg(t.lang, "bot_due_suffix", d))
		}
		switch m.commitment.Status {
		case "done":
			b.WriteString(flows.Msg(t.lang, "bot_step_done"))
		case "dropped":
			b.WriteString(flows.Msg(t.lang, "bot_step_dropped"))
		}
	}
	if m.wall != "" {
		b.WriteString("\n" + flows.Msg(t.lang, "bullet") + flows.Msg(t.lang, "bot_biggest_wall") + ": " + m.wall)
	}
	if s := checkinMemory(t.lang, m.checkin, t.localDay); s != "" {
		b.WriteString("\n" + s)
	}
	t.notes = append(t.notes, b.String())
	return nil
}

func dueText(lang, iso string) string {
	d, err := flows.ParseISODate(iso)
	if err != nil {
		return ""
	}
	return d.Display(lang)
}

// localDay is the local calendar day of a timeline entry.
func (t *turn) localDay(e HistoryEntry) flows.Date {
	return flows.DateOf(e.At.In(t.b.cfg.Location))
}

// quoted is a commitment as it is quoted back: written on an earlier day,
// without the time words that have gone stale (明日、…).
func (t *turn) quoted(c store.Commitment) string {
	if c.Text == "" {
		return ""
	}
	loc := t.b.cfg.Location
	return flows.FreshStep(c.Text, flows.DateOf(c.CreatedAt.In(loc)), flows.DateOf(t.b.cfg.Now().In(loc)))
}

// fullMemory is memory with the owner's latest check-in and the handover
// memos for this advisor, read only when a conversation about the company
// starts (not on every turn). One read serves the turn: the flow's context
// of a company step (its stage), then chose.
func (t *turn) fullMemory(ctx context.Context, companyID int64) (memory, error) {
	if k := t.known; k != nil && k.companyID == companyID {
		return k.m, nil
	}
	q := store.MemoryQuery{CompanyID: companyID, Tags: memoryTags, CheckinFlow: FlowCheckin}
	if t.person.Role != store.RoleOwner {
		q.MemosFor = t.person.ID
	}
	m, err := t.readMemory(ctx, q)
	if err != nil {
		return m, err
	}
	t.known = &knownMemory{companyID: companyID, m: m}
	return m, nil
}

// knownMemory is a company's full memory as read in this turn, before the
// turn wrote anything (save forgets it before writing).
type knownMemory struct {
	companyID int64
	m         memory
}
