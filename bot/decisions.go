package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Tags of decisions the bot acts on beyond the commitment itself.
const (
	tagCommitmentStatus = "commitment.status" // verify: done, partly, not_started, changed
	tagCheckinWanted    = "checkin.wanted"    // debrief D36: send_auto, send_date, no, not_registered
	tagCheckinDate      = "checkin.date"      // debrief D36b: the day the first check-in goes out
	tagReferralConsent  = "referral.consent"  // debrief D32: agreed, will_confirm, info_only
	tagWelfareDesk      = "referral.welfare"  // debrief D6b: yes → a referral to the welfare desk
)

// Tags shown in a company's history (see historyTags).
const (
	tagIndustry     = "company.industry"
	tagMunicipality = "company.municipality"
	tagFacts        = "facts"
	tagIssueSurface = "issue.surface"
	tagWalls        = "walls"
	tagTrust        = "trust"
	tagObstacle     = "checkin.obstacle"
	tagOwnerWords   = "owner.words"
)

// closeVerified closes the company's open commitment when verification
// found it done (or dropped): its check-ins stop, and the next debrief
// shows it as last time's step, not the current one.
func (t *turn) closeVerified(ctx context.Context, companyID int64, tagged taggedFunc) (string, error) {
	a, ok := tagged(tagCommitmentStatus)
	if !ok {
		return "", nil
	}
	next := map[string]string{"done": "done", "changed": "dropped"}[a.Value]
	if next == "" {
		return "", nil
	}
	c, err := t.tx.LatestCommitment(ctx, companyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Status != "open") {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if err := t.tx.SetCommitmentStatus(ctx, c.ID, next); err != nil {
		return "", err
	}
	if _, err = t.tx.CancelReminders(ctx, store.ReminderFilter{Kind: "checkin", CompanyID: companyID, Status: store.ReminderPending}); err != nil {
		return "", err
	}
	done := map[string]string{"done": flows.Msg(t.lang, "bot_done"), "dropped": flows.Msg(t.lang, "bot_dropped_or_changed")}[next]
	return bullet(t.lang) + flows.Msg(t.lang, "bot_closed_as_its_line_check", c.Text, done), nil
}

// checkinMemory renders the owner's latest check-in for 前回の記録.
func checkinMemory(lang string, e HistoryEntry, loc func(HistoryEntry) flows.Date) string {
	if e.Text == "" {
		return ""
	}
	head := flows.Msg(lang, "bot_owner_s_line_check_in", loc(e).Japanese(), loc(e).Display(lang))
	lines := strings.Split(e.Text, "\n")
	return head + "\n　" + strings.Join(lines, "\n　")
}

// checkinLine says what was decided about the owner's LINE check-ins.
func checkinLine(lang string, tagged taggedFunc) string {
	a, ok := tagged(tagCheckinWanted)
	if !ok {
		return ""
	}
	head := bullet(lang) + flows.Msg(lang, "bot_line_check_ins") + ": "
	switch a.Value {
	case "no":
		return head + flows.Msg(lang, "bot_none")
	case "send_date":
		if d, ok := tagged(tagCheckinDate); ok {
			return head + dueText(lang, d.Value) + flows.Msg(lang, "bot_onwards")
		}
	}
	return ""
}

// bullet starts a line of a list: ・ in Japanese, • in English.
func bullet(lang string) string { return flows.Msg(lang, "bullet") }
