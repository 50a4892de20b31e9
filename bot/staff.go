package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/bansou/bansou/store"
)

// Staff says who may use the advisor side on Slack: the advisors named in
// the configuration (BANSOU_ADVISORS), the members of the advisor user
// group (BANSOU_ADVISOR_GROUP, refreshed by the Slack adapter with
// SetGroup) and the coordinators (BANSOU_COORDINATORS). A Staff with
// nothing configured is open enrolment: every Slack user who writes becomes
// an advisor (a single-advisor trial). A nil *Staff is open too.
type Staff struct {
	mu           sync.RWMutex
	advisors     map[string]bool
	coordinators []string
	group        map[string]bool
	hasGroup     bool
}

// NewStaff lists the registered Slack users. group says whether a user
// group is configured (its members arrive later through SetGroup).
func NewStaff(advisors, coordinators []string, group bool) *Staff {
	s := &Staff{advisors: map[string]bool{}, coordinators: slices.Clone(coordinators), group: map[string]bool{}, hasGroup: group}
	for _, id := range advisors {
		s.advisors[id] = true
	}
	return s
}

// Open reports whether membership is not configured: anyone may enrol.
func (s *Staff) Open() bool {
	return s == nil || (len(s.advisors) == 0 && len(s.coordinators) == 0 && !s.hasGroup)
}

// SetGroup replaces the members of the advisor user group.
func (s *Staff) SetGroup(userIDs []string) {
	m := make(map[string]bool, len(userIDs))
	for _, id := range userIDs {
		m[id] = true
	}
	s.mu.Lock()
	s.group = m
	s.mu.Unlock()
}

// Member reports whether the Slack user may use the advisor side.
func (s *Staff) Member(userID string) bool {
	if s.Open() {
		return true
	}
	if s.advisors[userID] || slices.Contains(s.coordinators, userID) {
		return true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.group[userID]
}

// Coordinators are the Slack ids of the coordinators, whom non-members are
// told to ask.
func (s *Staff) Coordinators() []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s.coordinators)
}

// SyncCoordinators makes the people behind the given ids on channel
// coordinators (creating them when new) and turns every other coordinator
// known on that channel back into an advisor: the configuration
// (BANSOU_COORDINATORS) is the only source of the role.
func (b *Bot) SyncCoordinators(ctx context.Context, channel string, ids []string) error {
	for _, id := range ids {
		if err := b.EnsureRole(ctx, channel, id, store.RoleCoordinator); err != nil {
			return fmt.Errorf("bot: coordinator %s: %w", id, err)
		}
	}
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		cs, err := tx.PeopleByRole(ctx, store.RoleCoordinator)
		if err != nil {
			return err
		}
		for _, p := range cs {
			idents, err := tx.Identities(ctx, p.ID)
			if err != nil {
				return err
			}
			listed, onChannel := false, false
			for _, x := range idents {
				if x.Channel == channel {
					onChannel = true
					listed = listed || slices.Contains(ids, x.ExternalID)
				}
			}
			if onChannel && !listed {
				if err := tx.SetRole(ctx, p.ID, store.RoleAdvisor); err != nil {
					return err
				}
				b.log.InfoContext(ctx, "coordinator no longer configured: now an advisor", "person_id", p.ID)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: sync coordinators: %w", err)
	}
	return nil
}
