package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// ErrUnknownCompany is returned by History when the company does not exist
// or the person may not see it.
var ErrUnknownCompany = errors.New("bot: unknown company")

// Overview is an advisor's desk, for a home screen: follow-ups to make, the
// conversation in progress, the companies they accompany.
type Overview struct {
	// Registered is false for a Slack user who is not staff; NotRegistered
	// is then what to tell them (whom to ask), and the rest is empty.
	Registered    bool
	NotRegistered string
	Lang          string
	Followups     []FollowupItem // earliest due first
	Active        *ActiveItem    // nil when no session is in progress
	Companies     []string       // most recent first
}

// FollowupItem is one open follow-up.
type FollowupItem struct {
	Company string
	Due     string // YYYY-MM-DD
	DueText string // 2026年12月18日(金)
	Overdue bool
}

// ActiveItem is the session in progress.
type ActiveItem struct {
	SessionID int64
	Flow      string // the flow's title
	Company   string // "" until known
	UpdatedAt time.Time
}

// Overview reads what the person behind (channel, userID) has on their
// plate. It writes nothing: an unknown person gets an empty overview.
func (b *Bot) Overview(ctx context.Context, channel, userID string) (Overview, error) {
	ov := Overview{Lang: b.cfg.Lang}
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, channel, userID)
		if errors.Is(err, store.ErrNotFound) {
			ov.Registered = channel != ChannelSlack || b.cfg.Staff.Member(userID)
			return nil
		}
		if err != nil {
			return err
		}
		if p.Locale != "" {
			ov.Lang = p.Locale
		}
		if p.Role == store.RoleOwner || !b.admitted(channel, userID, p) {
			return nil // not staff: an empty desk
		}
		ov.Registered = true
		return b.fillOverview(ctx, tx, p, &ov)
	})
	if !ov.Registered {
		ov.NotRegistered = b.notRegistered(ov.Lang)
	}
	if err != nil {
		return ov, fmt.Errorf("bot: overview: %w", err)
	}
	return ov, nil
}

func (b *Bot) fillOverview(ctx context.Context, tx store.Tx, p store.Person, ov *Overview) error {
	names := companyNames{tx: tx, byID: map[int64]string{}}
	cs, err := tx.CompaniesOf(ctx, p.ID)
	if err != nil {
		return err
	}
	if p.Role == store.RoleCoordinator {
		// A coordinator may see every company: their own first, then the rest
		// by name, so that name matching covers all they may see.
		all, err := VisibleCompanies(ctx, tx, p)
		if err != nil {
			return err
		}
		for _, c := range all {
			if !slices.ContainsFunc(cs, func(x store.Company) bool { return x.ID == c.ID }) {
				cs = append(cs, c)
			}
		}
	}
	for _, c := range cs {
		names.byID[c.ID] = c.Name
		ov.Companies = append(ov.Companies, c.Name)
	}
	fus, err := tx.OpenFollowups(ctx, p.ID)
	if err != nil {
		return err
	}
	today := flows.DateOf(b.cfg.Now().In(b.cfg.Location)).String()
	for _, fu := range fus {
		name, err := names.get(ctx, fu.CompanyID)
		if err != nil {
			return err
		}
		ov.Followups = append(ov.Followups, FollowupItem{Company: name, Due: fu.Due, DueText: dueText(ov.Lang, fu.Due), Overdue: fu.Due < today})
	}
	s, err := tx.ActiveSession(ctx, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ov.Active = &ActiveItem{SessionID: s.ID, Flow: s.FlowID, UpdatedAt: s.UpdatedAt}
	if f, ok := b.cfg.Flows.Get(s.FlowID); ok {
		ov.Active.Flow = f.Title.In(ov.Lang)
	}
	ov.Active.Company, err = names.get(ctx, s.CompanyID)
	return err
}

// companyNames caches company names within one transaction.
type companyNames struct {
	tx   store.Tx
	byID map[int64]string
}

func (n companyNames) get(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	if name, ok := n.byID[id]; ok {
		return name, nil
	}
	c, err := n.tx.Company(ctx, id)
	if err != nil {
		return "", err
	}
	n.byID[id] = c.Name
	return c.Name, nil
}

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
	answers, err := tx.Answers(ctx, s.ID)
	if err != nil || !ok {
		return e, err
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
	return e, nil
}

// Alert is a notice for a person outside any conversation — for example an
// owner asking for a call. Adapters deliver it as a direct message.
type Alert struct {
	Channel string
	UserID  string // the platform's id of the recipient
	Lang    string
	Title   string // one line, e.g. 「山田製作所から電話の希望」
	Text    string // details; never sensitive answers
	Choices []Choice
	// Key names the request the alert is about (e.g. callback:s42): a
	// later alert with the same Key to the same advisor updates the first
	// one (AlertUpdater) instead of sending another. Empty: always sent.
	Key       string
	CompanyID int64 // the company of a keyed alert
}

// Notifier delivers alerts on one channel.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}
