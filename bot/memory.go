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
	vars["commitment"], vars["commitment_due"] = m.commitment.Text, dueText(t.lang, m.commitment.Due)
	vars["last_wall"], vars["hypothesis"] = m.wall, m.hypothesis
	if t.person.Role == store.RoleOwner {
		advisor, err := t.advisorOf(ctx, m.commitment)
		if err != nil {
			return nil, err
		}
		vars["advisor"] = advisor
	}
	return vars, nil
}

// advisorOf names the advisor an owner talks to: the one who recorded the
// commitment the check-in is about.
func (t *turn) advisorOf(ctx context.Context, c store.Commitment) (string, error) {
	if c.SessionID == 0 {
		return "", nil
	}
	s, err := t.tx.Session(ctx, c.SessionID)
	if err != nil {
		return "", err
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
}

func (m memory) empty() bool { return m.commitment.Text == "" && m.wall == "" }

func (t *turn) memory(ctx context.Context, companyID int64) (memory, error) {
	var m memory
	c, err := t.tx.LatestCommitment(ctx, companyID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	m.commitment = c
	wall, err := t.tx.LatestTagged(ctx, companyID, tagWallMain)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	m.wall = t.label(tagWallMain, wall.Value)
	hyp, err := t.tx.LatestTagged(ctx, companyID, tagHypothesis)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	m.hypothesis = hyp.Value
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
func (t *turn) remember(f *flows.Flow, c store.Company, m memory) {
	if f.Audience == flows.AudienceOwner || m.empty() {
		return
	}
	var b strings.Builder
	if t.lang == "en" {
		b.WriteString("Last time at " + c.Name + ":")
	} else {
		b.WriteString(c.Name + " の前回の記録です。")
	}
	if m.commitment.Text != "" {
		b.WriteString("\n・" + pick(t.lang, "次の一歩", "Next step") + ": 「" + m.commitment.Text + "」")
		if d := dueText(t.lang, m.commitment.Due); d != "" {
			b.WriteString(pick(t.lang, "（期限 ", " (due ") + d + pick(t.lang, "）", ")"))
		}
	}
	if m.wall != "" {
		b.WriteString("\n・" + pick(t.lang, "いちばん大きな壁", "Biggest wall") + ": " + m.wall)
	}
	t.notes = append(t.notes, b.String())
}

func dueText(lang, iso string) string {
	d, err := flows.ParseISODate(iso)
	if err != nil {
		return ""
	}
	return d.Display(lang)
}

func pick(lang, ja, en string) string {
	if lang == "en" {
		return en
	}
	return ja
}
