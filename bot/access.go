package bot

import (
	"context"
	"errors"
	"slices"

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

// CanSee reports whether p may see the records of companyID.
func CanSee(ctx context.Context, tx store.Tx, p store.Person, companyID int64) (bool, error) {
	switch p.Role {
	case store.RoleCoordinator:
		return true, nil
	case store.RoleAdvisor:
		advisors, err := tx.AdvisorsOf(ctx, companyID)
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(advisors, func(a store.Person) bool { return a.ID == p.ID }), nil
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
