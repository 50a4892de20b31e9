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
	Lang      string
	Followups []FollowupItem // earliest due first
	Active    *ActiveItem    // nil when no session is in progress
	Companies []string       // most recent first
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
			return nil
		}
		if err != nil {
			return err
		}
		if p.Locale != "" {
			ov.Lang = p.Locale
		}
		return b.fillOverview(ctx, tx, p, &ov)
	})
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

// History is what bansou remembers of one company, newest first.
//
// It is not yet a full timeline: the store can only answer "the latest
// commitment" and "the latest answer with a tag", so each kind of record
// appears at most once. A per-company session listing in store.Tx is needed
// for the full history.
type History struct {
	Lang    string
	Company string
	Entries []HistoryEntry
}

// HistoryEntry is one remembered fact about a company.
type HistoryEntry struct {
	At    time.Time
	Label string // 次の一歩, いちばん大きな壁, 近況確認, …
	Text  string
}

// historyTag is a tagged answer History shows, with the flow that labels
// its values.
type historyTag struct {
	flow, tag string
	ja, en    string
}

func historyTags() []historyTag {
	return []historyTag{
		{FlowDebrief, tagWallMain, "いちばん大きな壁", "Biggest wall"},
		{FlowDebrief, tagHypothesis, "見立て（仮説）", "Working hypothesis"},
		{FlowCheckin, "checkin.status", "経営者の近況（LINE）", "Owner check-in (LINE)"},
		{FlowCheckin, tagSmallWin, "小さな成功", "Small win"},
	}
}

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

func (b *Bot) visibleCompany(ctx context.Context, tx store.Tx, channel, userID, name string) (store.Person, store.Company, error) {
	p, err := tx.PersonByIdentity(ctx, channel, userID)
	if errors.Is(err, store.ErrNotFound) {
		return p, store.Company{}, ErrUnknownCompany
	}
	if err != nil {
		return p, store.Company{}, err
	}
	c, err := tx.CompanyByName(ctx, strings.TrimSpace(name))
	if errors.Is(err, store.ErrNotFound) || p.Role == store.RoleOwner {
		return p, c, ErrUnknownCompany
	}
	if err != nil || p.Role == store.RoleCoordinator {
		return p, c, err
	}
	cs, err := tx.CompaniesOf(ctx, p.ID)
	if err != nil {
		return p, c, err
	}
	if !slices.ContainsFunc(cs, func(x store.Company) bool { return x.ID == c.ID }) {
		return p, c, ErrUnknownCompany
	}
	return p, c, nil
}

func (b *Bot) historyEntries(ctx context.Context, tx store.Tx, companyID int64, lang string) ([]HistoryEntry, error) {
	var out []HistoryEntry
	cm, err := tx.LatestCommitment(ctx, companyID)
	switch {
	case err == nil:
		out = append(out, b.commitmentEntries(ctx, tx, cm, lang)...)
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	for _, ht := range historyTags() {
		a, err := tx.LatestTagged(ctx, companyID, ht.tag)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (a.Sensitive || a.Skipped || a.Value == "")) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, HistoryEntry{At: a.At, Label: pick(lang, ht.ja, ht.en), Text: b.labelIn(ht.flow, ht.tag, a.Value, lang)})
	}
	slices.SortStableFunc(out, func(x, y HistoryEntry) int { return y.At.Compare(x.At) })
	return out, nil
}

// commitmentEntries describes the latest commitment and the session that
// recorded it.
func (b *Bot) commitmentEntries(ctx context.Context, tx store.Tx, cm store.Commitment, lang string) []HistoryEntry {
	out := []HistoryEntry{{At: cm.CreatedAt, Label: pick(lang, "次の一歩", "Next step"), Text: "「" + cm.Text + "」" + dueSuffix(lang, cm.Due)}}
	s, err := tx.Session(ctx, cm.SessionID)
	if err != nil {
		return out // the commitment still stands on its own
	}
	title := s.FlowID
	if f, ok := b.cfg.Flows.Get(s.FlowID); ok {
		title = f.Title.In(lang)
	}
	when := s.CompletedAt
	if when.IsZero() {
		when = s.UpdatedAt
	}
	return append(out, HistoryEntry{At: when, Label: pick(lang, "記録", "Session"), Text: title})
}

// labelIn turns a stored option id of a tagged step of flowID into its label.
func (b *Bot) labelIn(flowID, tag, value, lang string) string {
	f, ok := b.cfg.Flows.Get(flowID)
	if !ok {
		return value
	}
	s, ok := f.StepByTag(tag)
	if !ok {
		return value
	}
	return f.Display(s, flows.Answer{Value: value}, lang)
}

// Alert is a notice for a person outside any conversation — for example an
// owner asking for a call. Adapters deliver it as a direct message.
type Alert struct {
	Channel string
	UserID  string // the platform's id of the recipient
	Lang    string
	Title   string // one line, e.g. 「山田製作所から電話の希望」
	Text    string // details; never sensitive answers
}

// Notifier delivers alerts on one channel.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}
