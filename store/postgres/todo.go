package postgres

// TEMPORARY: placeholders so the tree compiles while the methods added to
// store.Tx for issues 5 and 6 are implemented. This file must be deleted.

import (
	"context"
	"errors"
	"time"

	"github.com/bansou/bansou/store"
)

var errTodo = errors.New("postgres: not implemented yet")

func (t *tx) Identities(ctx context.Context, personID int64) ([]store.Identity, error) {
	return nil, errTodo
}
func (t *tx) AdvisorsOf(ctx context.Context, companyID int64) ([]store.Person, error) {
	return nil, errTodo
}
func (t *tx) Companies(ctx context.Context) ([]store.Company, error) { return nil, errTodo }
func (t *tx) CompanyRecords(ctx context.Context, companyID int64) (store.Records, error) {
	return store.Records{}, errTodo
}
func (t *tx) SetCommitmentStatus(ctx context.Context, id int64, status string) error { return errTodo }
func (t *tx) CloseFollowups(ctx context.Context, companyID int64) (int64, error)     { return 0, errTodo }
func (t *tx) SessionsBetween(ctx context.Context, from, to time.Time) ([]store.Session, error) {
	return nil, errTodo
}
func (t *tx) CreateInvite(ctx context.Context, inv store.Invite) (store.Invite, error) {
	return inv, errTodo
}
func (t *tx) InviteByHash(ctx context.Context, h string) (store.Invite, error) {
	return store.Invite{}, errTodo
}
func (t *tx) UseInvite(ctx context.Context, id, personID int64, at time.Time) error { return errTodo }
func (t *tx) LinkOwner(ctx context.Context, personID, companyID int64, at time.Time) error {
	return errTodo
}
func (t *tx) OwnerLink(ctx context.Context, personID int64) (store.OwnerLink, error) {
	return store.OwnerLink{}, errTodo
}
func (t *tx) SetReachable(ctx context.Context, personID int64, reachable bool) error { return errTodo }
func (t *tx) CompanyOwners(ctx context.Context, companyID int64) ([]store.OwnerLink, error) {
	return nil, errTodo
}
func (t *tx) EnqueueReminder(ctx context.Context, r store.Reminder) (bool, error) {
	return false, errTodo
}
func (t *tx) ClaimReminders(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Reminder, error) {
	return nil, errTodo
}
func (t *tx) FinishReminder(ctx context.Context, r store.Reminder) error { return errTodo }
func (t *tx) Reminders(ctx context.Context, f store.ReminderFilter) ([]store.Reminder, error) {
	return nil, errTodo
}
func (t *tx) CancelReminders(ctx context.Context, f store.ReminderFilter) (int64, error) {
	return 0, errTodo
}
func (t *tx) EraseCompany(ctx context.Context, companyID int64) (map[string]int64, error) {
	return nil, errTodo
}

func (t *tx) SetRole(ctx context.Context, personID int64, role store.Role) error { return errTodo }
func (t *tx) PeopleByRole(ctx context.Context, role store.Role) ([]store.Person, error) {
	return nil, errTodo
}
