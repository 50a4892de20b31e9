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
	tagSinceLast        = "since_last"        // debrief D28: asked only when there was a last time
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

// firstVisit marks the questions about "since last time" as not applying
// when bansou has no record of the company yet.
func firstVisit(f *flows.Flow, st flows.State, m memory) flows.State {
	s, ok := f.StepByTag(tagSinceLast)
	if !ok || !m.empty() {
		return st
	}
	return f.Prefill(st, s.ID, flows.Answer{Skipped: true, Auto: true})
}

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
	done := map[string]string{"done": pick(t.lang, "完了", "done"), "dropped": pick(t.lang, "中止・変更", "dropped or changed")}[next]
	return bullet(t.lang) + pick(t.lang, "「"+c.Text+"」を"+done+"として閉じました（LINEの近況確認も止めます）",
		"Closed \""+c.Text+"\" as "+done+" (its LINE check-ins stop)"), nil
}

// lastCheckin is what the owner answered at their latest completed
// check-in, one line per answer, or "" when they never answered one.
func (t *turn) lastCheckin(ctx context.Context, companyID int64) (HistoryEntry, error) {
	sessions, err := t.tx.CompanySessions(ctx, companyID)
	if err != nil {
		return HistoryEntry{}, err
	}
	for _, s := range sessions { // newest first
		if s.FlowID == FlowCheckin && s.Status == store.SessionCompleted {
			return t.b.historyEntry(ctx, t.tx, s, t.lang)
		}
	}
	return HistoryEntry{}, nil
}

// checkinMemory renders the owner's latest check-in for 前回の記録.
func checkinMemory(lang string, e HistoryEntry, loc func(HistoryEntry) flows.Date) string {
	if e.Text == "" {
		return ""
	}
	head := pick(lang, "・LINEでの近況（"+loc(e).Japanese()+"）", "• Owner's LINE check-in ("+loc(e).Display(lang)+")")
	lines := strings.Split(e.Text, "\n")
	return head + "\n　" + strings.Join(lines, "\n　")
}

// checkinLine says what was decided about the owner's LINE check-ins.
func checkinLine(lang string, tagged taggedFunc) string {
	a, ok := tagged(tagCheckinWanted)
	if !ok {
		return ""
	}
	head := bullet(lang) + pick(lang, "LINEの近況確認", "LINE check-ins") + ": "
	switch a.Value {
	case "no":
		return head + pick(lang, "送りません", "none")
	case "send_date":
		if d, ok := tagged(tagCheckinDate); ok {
			return head + dueText(lang, d.Value) + pick(lang, "から", " onwards")
		}
	}
	return ""
}

// bullet starts a line of a list: ・ in Japanese, • in English.
func bullet(lang string) string { return pick(lang, "・", "• ") }

// quote quotes people's words: 「…」 in Japanese, "…" in English.
func quote(lang, s string) string { return pick(lang, "「"+s+"」", "\""+s+"\"") }
