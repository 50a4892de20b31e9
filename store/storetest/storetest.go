// Package storetest is the conformance suite every store.Store backend must
// pass unchanged. It speaks only through the store interfaces, so the same
// stories run against SQLite and PostgreSQL.
//
// Conventions the suite checks beyond the method comments in package store:
//   - Times the caller gives are stored as given (the store does not stamp its
//     own clock over them) and come back in UTC, truncated to the microsecond.
//   - A time left zero is the store clock's, the one the store was opened
//     with.
//   - A miss is store.ErrNotFound; a list with nothing in it is empty with a
//     nil error.
//   - The suite never keeps using a transaction after one of its calls failed
//     (PostgreSQL aborts such a transaction); every expected failure runs in
//     a transaction of its own.
package storetest

import (
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// opener returns a fresh, empty, migrated store whose clock is now; the
// backend closes and removes it through t.Cleanup.
type opener = func(t *testing.T, now func() time.Time) store.Store

// Run runs the conformance suite. open is called once per story and must
// return a fresh, empty, migrated store on the clock now; Close may be
// called on it twice (once by the suite, once by the backend's cleanup).
func Run(t *testing.T, open opener) {
	t.Run("Store", func(t *testing.T) { testStore(t, open) })
	t.Run("InTx", func(t *testing.T) { testInTx(t, open) })
	t.Run("Events", func(t *testing.T) { testEvents(t, open) })
	t.Run("People", func(t *testing.T) { testPeople(t, open) })
	t.Run("Companies", func(t *testing.T) { testCompanies(t, open) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("Resume", func(t *testing.T) { testResume(t, open) })
	t.Run("Locale", func(t *testing.T) { testLocale(t, open) })
	t.Run("Answers", func(t *testing.T) { testAnswers(t, open) })
	t.Run("CompanyMemory", func(t *testing.T) { testLatestTagged(t, open) })
	t.Run("Records", func(t *testing.T) { testRecords(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("Invites", func(t *testing.T) { testInvites(t, open) })
	t.Run("OwnerLinks", func(t *testing.T) { testOwnerLinks(t, open) })
	t.Run("Reminders", func(t *testing.T) { testReminders(t, open) })
	t.Run("Erase", func(t *testing.T) { testErase(t, open) })
	t.Run("Access", func(t *testing.T) { testAccess(t, open) })
	t.Run("KnownCompany", func(t *testing.T) { testKnownCompany(t, open) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("Inbox", func(t *testing.T) { testInbox(t, open) })
	t.Run("Prompts", func(t *testing.T) { testPrompts(t, open) })
	t.Run("Backlog", func(t *testing.T) { testBacklog(t, open) })
	t.Run("WebSignIn", func(t *testing.T) { testWebSignIn(t, open) })
	t.Run("Portfolio", func(t *testing.T) { testPortfolio(t, open) })
	t.Run("OwnerSide", func(t *testing.T) { testOwnerSide(t, open) })
	t.Run("Turns", func(t *testing.T) { testTurns(t, open) })
	t.Run("TurnWrites", func(t *testing.T) { testTurnWrites(t, open) })
	t.Run("Clock", func(t *testing.T) { testClock(t, open) })
}
