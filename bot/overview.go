package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
