package bot

import (
	"context"
	"errors"
	"github.com/bansou/bansou/flows"
	"strings"

	"github.com/bansou/bansou/store"
)

// The access rule. It is the one place that decides who may see a company's
// records; every read and write path (debrief memory, history, App Home,
// invites, alerts, digests, exports, the web desk) asks it, and adapters
// never decide access themselves:
//
//   - coordinators see every company;
//   - advisors see the companies they are assigned to;
//   - owners see only the company their LINE account is linked to;
//   - anyone else sees nothing.
//
// Who counts as staff at all (an advisor or coordinator on Slack) is Staff's
// to say; a Slack user who is not staff is refused before any of this.

// CanSee reports whether p may see the records of companyID.
func CanSee(ctx context.Context, tx store.Tx, p store.Person, companyID int64) (bool, error) {
	return canSee(ctx, tx, p, companyID, func() (bool, error) { return tx.IsAssigned(ctx, companyID, p.ID) })
}

// CanSeeFound is CanSee for a company found with store FindCompanyFor,
// which said already whether p is assigned to it: for staff it asks the
// store nothing more.
func CanSeeFound(ctx context.Context, tx store.Tx, p store.Person, companyID int64, assigned bool) (bool, error) {
	return canSee(ctx, tx, p, companyID, func() (bool, error) { return assigned, nil })
}

// canSee is the rule; isAssigned says whether p is assigned to companyID.
func canSee(ctx context.Context, tx store.Tx, p store.Person, companyID int64, isAssigned func() (bool, error)) (bool, error) {
	switch p.Role {
	case store.RoleCoordinator:
		return true, nil
	case store.RoleAdvisor:
		return isAssigned()
	case store.RoleOwner:
		link, err := tx.OwnerLink(ctx, p.ID)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		return err == nil && link.CompanyID == companyID, err
	}
	return false, nil
}

// VisibleCompanies lists the companies p may see: every company for a
// coordinator, the assigned ones for an advisor, the linked one for an owner.
func VisibleCompanies(ctx context.Context, tx store.Tx, p store.Person) ([]store.Company, error) {
	switch p.Role {
	case store.RoleCoordinator:
		return tx.Companies(ctx)
	case store.RoleAdvisor:
		return tx.CompaniesOf(ctx, p.ID)
	case store.RoleOwner:
		link, err := tx.OwnerLink(ctx, p.ID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		c, err := tx.Company(ctx, link.CompanyID)
		if err != nil {
			return nil, err
		}
		return []store.Company{c}, nil
	}
	return nil, nil
}

// ErrNoAccess is returned (as an *AccessError) when a person asks for a
// company whose records they may not see. It says nothing more about the
// company: the only thing offered is to ask for access.
var ErrNoAccess = errors.New("bot: no access to this company")

// AccessError names the company as the person wrote it (never as stored).
type AccessError struct {
	Company string
}

func (e *AccessError) Error() string { return ErrNoAccess.Error() }

// Is makes errors.Is(err, ErrNoAccess) work.
func (e *AccessError) Is(target error) bool { return target == ErrNoAccess }

// noAccess is the reply to someone without access: no record, only the
// offer to ask for access.
func noAccess(lang, company string) (string, []Choice) {
	text := flows.Msg(lang, "bot_records_of_are_visible_only", company)
	return text, []Choice{{Label: flows.Msg(lang, "bot_ask_for_access"), Op: Op{Name: OpRequestAccess, Value: company}}}
}

// NoAccessText is what an adapter shows for an *AccessError outside a turn
// (for example after /bansou invite): the words and the request button.
func NoAccessText(lang string, err *AccessError) (string, []Choice) {
	return noAccess(lang, err.Company)
}

// Admitted reports whether a known person may use bansou as (channel,
// userID): on Slack an advisor must still be staff (someone who left the
// advisor group is refused). Paths outside a turn (the web desk) check it
// before CanSee.
func (b *Bot) Admitted(channel, userID string, p store.Person) bool {
	return b.admitted(channel, userID, p)
}

// admitted reports whether a known person may use bansou from channel: on
// Slack an advisor must still be staff (a removed member is refused).
func (b *Bot) admitted(channel, userID string, p store.Person) bool {
	if channel != ChannelSlack || p.Role != store.RoleAdvisor {
		return true
	}
	return b.cfg.Staff.Member(userID)
}

// staffPerson finds the staff member behind (channel, userID) for a path
// outside a turn (history, invite, handover), creating an advisor when
// enrolment allows it. ok is false for a non-member or an owner.
func (b *Bot) staffPerson(ctx context.Context, tx store.Tx, channel, userID string, create bool) (store.Person, bool, error) {
	p, err := tx.PersonByIdentity(ctx, channel, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if !create || (channel == ChannelSlack && !b.cfg.Staff.Member(userID)) {
			return p, false, nil
		}
		p, err = tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Locale: b.cfg.Lang, CreatedAt: b.cfg.Now()}, channel, userID)
		return p, err == nil, err
	case err != nil:
		return p, false, err
	}
	return p, p.Role != store.RoleOwner && b.admitted(channel, userID, p), nil
}

// notRegistered is the answer to a Slack user who is not staff: polite,
// and who to ask. Nothing is stored about them.
func (b *Bot) notRegistered(lang string) string {
	ask := flows.Msg(lang, "bot_a_coordinator")
	if ids := b.cfg.Staff.Coordinators(); len(ids) > 0 {
		var ms []string
		for _, id := range ids {
			ms = append(ms, "<@"+id+">")
		}
		ask += flows.Msg(lang, "bot_paren_list", strings.Join(ms, "、"), strings.Join(ms, ", "))
	}
	return flows.Msg(lang, "bot_thank_you_for_reaching_out", ask)
}
