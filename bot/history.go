package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// History is a company's timeline, newest first: every debrief, intake,
// verification and owner check-in, each with its key answers.
type History struct {
	Lang    string
	Company string
	Entries []HistoryEntry
}

// HistoryEntry is one session in a company's timeline.
type HistoryEntry struct {
	At    time.Time
	Label string // the flow's title, e.g. 訪問後の振り返り
	Text  string // key answers, one per line
}

// historyTags are the answers a timeline entry shows, in order. Sensitive
// and skipped answers are never shown.
func historyTags() []historyTag {
	return append([]historyTag{
		{tagIndustry, "業種", "Industry"},
		{tagMunicipality, "所在地", "Municipality"},
		{tagFacts, "聞いた事実", "Facts heard"},
		{tagIssueSurface, "表の課題", "Stated issue"},
		{tagWalls, "壁", "Walls"},
		{tagTrust, "信頼の手応え（5段階）", "Trust (1-5)"},
		{tagCommitmentText, "次の一歩", "Next step"},
		{tagCommitmentDue, "期限", "Due"},
		{tagWallMain, "いちばん大きな壁", "Biggest wall"},
		{tagCheckinStatus, "近況", "Status"},
		{tagObstacle, "進めにくい点", "In the way"},
		{tagConfidence, "続けられそうか（5段階）", "Confidence (1-5)"},
		{tagOwnerWords, "経営者の言葉", "Owner's words"},
		{tagSmallWin, "小さな成功", "Small win"},
		{tagCallbackWanted, "連絡の希望", "Contact wish"},
		{tagCallbackSlot, "電話の時間帯", "Call time"},
		{tagFollowup, "次回フォロー", "Next follow-up"},
	}, memoTags...)
}

type historyTag struct{ tag, ja, en string }

// maxHistory bounds the timeline shown in one message.
const maxHistory = 20

// History returns what was recorded about the named company. Advisors see
// only their own companies; coordinators see all. ErrUnknownCompany when
// the company does not exist or is not the person's.
func (b *Bot) History(ctx context.Context, channel, userID, company string) (History, error) {
	h := History{Lang: b.cfg.Lang}
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, c, err := b.visibleCompany(ctx, tx, channel, userID, company)
		if err != nil {
			return err
		}
		if p.Locale != "" {
			h.Lang = p.Locale
		}
		h.Company = c.Name
		h.Entries, err = b.historyEntries(ctx, tx, c.ID, h.Lang)
		return err
	})
	if err != nil {
		return h, fmt.Errorf("bot: history: %w", err)
	}
	return h, nil
}

// visibleCompany finds the named company for a staff member who may see
// it. Anyone else — a company that does not exist, one they may not see, a
// person who is not staff — gets ErrUnknownCompany and nothing of it.
func (b *Bot) visibleCompany(ctx context.Context, tx store.Tx, channel, userID, name string) (store.Person, store.Company, error) {
	p, ok, err := b.staffPerson(ctx, tx, channel, userID, false)
	if err != nil || !ok {
		return p, store.Company{}, errors.Join(err, ErrUnknownCompany)
	}
	c, err := findCompany(ctx, tx, name)
	if errors.Is(err, store.ErrNotFound) {
		return p, c, ErrUnknownCompany
	}
	if err != nil {
		return p, c, err
	}
	ok, err = CanSee(ctx, tx, p, c.ID)
	if err != nil || !ok {
		return p, store.Company{}, errors.Join(err, ErrUnknownCompany)
	}
	return p, c, nil
}

func (b *Bot) historyEntries(ctx context.Context, tx store.Tx, companyID int64, lang string) ([]HistoryEntry, error) {
	sessions, err := tx.CompanySessions(ctx, companyID)
	if err != nil {
		return nil, err
	}
	var out []HistoryEntry
	for _, s := range sessions {
		if s.Status == store.SessionCancelled || len(out) == maxHistory {
			continue
		}
		e, err := b.historyEntry(ctx, tx, s, lang)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// historyEntry summarises one session by its key answers.
func (b *Bot) historyEntry(ctx context.Context, tx store.Tx, s store.Session, lang string) (HistoryEntry, error) {
	var answers []store.Answer
	if _, ok := b.cfg.Flows.Get(s.FlowID); ok {
		var err error
		if answers, err = tx.Answers(ctx, s.ID); err != nil {
			return b.historyEntryOf(s, nil, lang), err
		}
	}
	return b.historyEntryOf(s, answers, lang), nil
}

// historyEntryOf is the timeline entry of s, whose answers are answers (as
// Answers lists them).
func (b *Bot) historyEntryOf(s store.Session, answers []store.Answer, lang string) HistoryEntry {
	e := HistoryEntry{At: s.CompletedAt, Label: s.FlowID}
	if e.At.IsZero() {
		e.At = s.UpdatedAt
	}
	f, ok := b.cfg.Flows.Get(s.FlowID)
	if ok {
		e.Label = f.Title.In(lang)
	}
	if s.Status == store.SessionActive {
		e.Label += flows.Msg(lang, "bot_in_progress")
	}
	if !ok {
		return e
	}
	latest := map[string]store.Answer{} // by tag; Answers is ordered by revision
	for _, a := range answers {
		if a.Tag != "" {
			latest[a.Tag] = a
		}
	}
	var lines []string
	for _, ht := range historyTags() {
		a, found := latest[ht.tag]
		step, hasStep := f.StepByTag(ht.tag)
		if !found || !hasStep || a.Sensitive || a.Skipped || a.Value == "" {
			continue
		}
		lines = append(lines, flows.Text{JA: ht.ja, EN: ht.en}.In(lang)+": "+f.Display(step, flows.Answer{Value: a.Value}, lang))
	}
	e.Text = strings.Join(lines, "\n")
	return e
}
