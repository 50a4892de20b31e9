package digest

import (
	"github.com/bansou/bansou/flows"
)

// Flow ids, tags and step ids the digest reads (see flows/builtin). Steps
// without a tag are found by their stable id.
const (
	flowDebrief = "debrief"
	flowIntake  = "intake"
	flowCheckin = "checkin"
	flowVerify  = "verify"

	tagWallMain       = "wall.main"
	tagWallEvidence   = "wall.evidence"
	tagWallChange     = "wall.change"
	tagOwnerWords     = "owner.words"
	tagCommitmentText = "commitment.text"
	tagCommitmentSm   = "commitment.text_small"
	tagFollowup       = "followup.date"
	tagSmallWin       = "small_win"
	tagReferralTarget = "referral.targets"
	tagStage          = "stage"
	tagUrgency        = "urgency"
	tagConfidence     = "checkin.confidence"
	tagCheckinStatus  = "checkin.status"
	tagObstacle       = "checkin.obstacle"
	tagProgress       = "progress"
	tagCallbackWanted = "callback.wanted"
	tagCallbackSlot   = "callback.slot"
	tagDirection      = "direction"
	tagQuestion       = "coordinator.question"

	stepPhase         = "D4"   // debrief: the phase the meeting focused on
	stepApproachWhy   = "D19b" // debrief: why problem inspection (crisis)
	stepKeyQuestion   = "D13"  // debrief: the question that deepened thinking
	stepConsent       = "D32"  // debrief: owner's consent to the referral
	stepHandoverOK    = "V11_handover_consent"
	stepSelfRunning   = "V8"   // verify: signs of self-running
	stepThemeChosenBy = "I33b" // intake: who chose the first theme
)

// labels turns stored option ids into bilingual labels, using the loaded
// flows rather than a copy of their wording.
type labels struct {
	set *flows.Set
}

// option is the label of value on the step of flowID carrying tag (or, when
// tag is "", the step with id stepID). An unknown value is shown as is.
func (l labels) option(flowID, tag, stepID, value string) flows.Text {
	s, ok := l.step(flowID, tag, stepID)
	if !ok {
		return flows.Text{JA: value, EN: value}
	}
	o, ok := s.Option(value)
	if !ok {
		return flows.Text{JA: value, EN: value}
	}
	return o.Label
}

// options lists the option ids of a step in flow order.
func (l labels) options(flowID, tag, stepID string) []string {
	s, ok := l.step(flowID, tag, stepID)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(s.Options))
	for _, o := range s.Options {
		out = append(out, o.ID)
	}
	return out
}

func (l labels) step(flowID, tag, stepID string) (*flows.Step, bool) {
	f, ok := l.set.Get(flowID)
	if !ok {
		return nil, false
	}
	if tag != "" {
		return f.StepByTag(tag)
	}
	return f.Step(stepID)
}

// wall is the label of a main wall id.
func (l labels) wall(id string) flows.Text { return l.option(flowDebrief, tagWallMain, "", id) }

// audience says who answers a flow; unknown flows count as advisor flows
// when they are not the owner check-in.
func (l labels) audience(flowID string) flows.Audience {
	if f, ok := l.set.Get(flowID); ok {
		return f.Audience
	}
	if flowID == flowCheckin {
		return flows.AudienceOwner
	}
	return flows.AudienceAdvisor
}
