package remind_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var jst = calendar.Tokyo()

func jstAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, jst)
}

// db is a database under test: a store on it, and a way to open another
// store on the same database (another replica).
type db struct {
	store.Store
	reopen func(t testing.TB) store.Store
}

type backend struct {
	name string
	open func(t testing.TB) db
}

// backends are the real databases every planner and dispatcher test runs on.
var backends = []backend{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func eachBackend(t *testing.T, fn func(t *testing.T, d db)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.open(t))
		})
	}
}

func openSQLite(t testing.TB) db {
	path := filepath.Join(t.TempDir(), "bansou.db")
	open := func(t testing.TB) store.Store {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("sqlite.Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	return db{Store: open(t), reopen: open}
}

func migratePG(ctx context.Context, url string) error {
	s, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return s.Close()
}

func openPostgres(t testing.TB) db {
	url := pgtest.NewDB(t, migratePG)
	open := func(t testing.TB) store.Store {
		s, err := postgres.Open(context.Background(), url)
		if err != nil {
			t.Fatalf("postgres.Open: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	return db{Store: open(t), reopen: open}
}

// in runs fn in a transaction that has to succeed and returns its value.
func in[T any](t testing.TB, s store.Store, fn func(ctx context.Context, tx store.Tx) (T, error)) T {
	t.Helper()
	var out T
	err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		v, err := fn(ctx, tx)
		out = v
		return err
	})
	if err != nil {
		t.Fatalf("transaction: %v", err)
	}
	return out
}

func do(t testing.TB, s store.Store, fn func(ctx context.Context, tx store.Tx) error) {
	t.Helper()
	in(t, s, func(ctx context.Context, tx store.Tx) (struct{}, error) { return struct{}{}, fn(ctx, tx) })
}

var seq int64
var seqMu sync.Mutex

func nextSeq() int64 {
	seqMu.Lock()
	defer seqMu.Unlock()
	seq++
	return seq
}

// person creates a person known on channel (LINE ids look like LINE's).
func person(t testing.TB, s store.Store, role store.Role, name, channel string) store.Person {
	t.Helper()
	ext := fmt.Sprintf("%s-user-%d", channel, nextSeq())
	if channel == "line" {
		ext = fmt.Sprintf("U%032d", nextSeq())
	}
	p := store.Person{Role: role, Name: name, Locale: "ja", CreatedAt: jstAt(2026, 10, 1, 9, 0)}
	return in(t, s, func(ctx context.Context, tx store.Tx) (store.Person, error) {
		return tx.CreatePerson(ctx, p, channel, ext)
	})
}

func company(t testing.TB, s store.Store, name string) store.Company {
	t.Helper()
	c := store.Company{Name: name, Industry: "製造業", Stage: "growth", Municipality: "富山市", CreatedAt: jstAt(2026, 10, 1, 9, 0)}
	return in(t, s, func(ctx context.Context, tx store.Tx) (store.Company, error) { return tx.CreateCompany(ctx, c) })
}

// owner creates a LINE owner linked to c at linked.
func owner(t testing.TB, s store.Store, c store.Company, linked time.Time) store.Person {
	t.Helper()
	p := person(t, s, store.RoleOwner, "社長", "line")
	do(t, s, func(ctx context.Context, tx store.Tx) error { return tx.LinkOwner(ctx, p.ID, c.ID, linked) })
	return p
}

// checkinSession is an active LINE check-in session pushed at pushed.
func checkinSession(t testing.TB, s store.Store, ownerID, companyID int64, pushed time.Time) store.Session {
	t.Helper()
	sess := store.Session{FlowID: "checkin", FlowVersion: 1, CompanyID: companyID, RespondentID: ownerID,
		Channel: "line", Status: store.SessionActive, Step: "L0", State: []byte(`{}`), CreatedAt: pushed, UpdatedAt: pushed}
	return in(t, s, func(ctx context.Context, tx store.Tx) (store.Session, error) { return tx.CreateSession(ctx, sess) })
}

func listReminders(t testing.TB, s store.Store, f store.ReminderFilter) []store.Reminder {
	t.Helper()
	return in(t, s, func(ctx context.Context, tx store.Tx) ([]store.Reminder, error) { return tx.Reminders(ctx, f) })
}

func reminderByKey(t testing.TB, s store.Store, key string) store.Reminder {
	t.Helper()
	for _, r := range listReminders(t, s, store.ReminderFilter{}) {
		if r.DedupeKey == key {
			return r
		}
	}
	t.Fatalf("no reminder %q", key)
	return store.Reminder{}
}

func enqueue(t testing.TB, s store.Store, r store.Reminder) {
	t.Helper()
	if r.CreatedAt.IsZero() {
		r.CreatedAt = r.DueAt
	}
	ok := in(t, s, func(ctx context.Context, tx store.Tx) (bool, error) { return tx.EnqueueReminder(ctx, r) })
	if !ok {
		t.Fatalf("reminder %s already existed", r.DedupeKey)
	}
}

// recorder is a Deliverer that records every delivery and answers with
// what fail says (nil: delivered).
type recorder struct {
	mu        sync.Mutex
	got       []store.Reminder
	fail      func(r store.Reminder, n int) error // n: deliveries of this key so far, this one included
	delivered chan struct{}                       // when set, closed at the first delivery
}

func (rec *recorder) Deliver(ctx context.Context, r store.Reminder) error {
	rec.mu.Lock()
	rec.got = append(rec.got, r)
	n := 0
	for _, g := range rec.got {
		if g.DedupeKey == r.DedupeKey {
			n++
		}
	}
	fail := rec.fail
	if len(rec.got) == 1 && rec.delivered != nil {
		close(rec.delivered)
	}
	rec.mu.Unlock()
	if fail != nil {
		return fail(r, n)
	}
	return nil
}

func (rec *recorder) keys() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, r := range rec.got {
		out = append(out, r.DedupeKey)
	}
	return out
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.got)
}

func newCalendar() *calendar.Calendar { return calendar.New(jst, calendar.DefaultClosures) }

func newPlanner(s store.Store) *remind.Planner {
	return mustRemind(remind.NewPlanner(remind.PlannerConfig{Store: s, Calendar: newCalendar()}))
}

// dueList renders reminders as "due key" lines in JST, for readable diffs.
func dueList(rs []store.Reminder) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.DueAt.In(jst).Format("2006-01-02 15:04 Mon")+" "+r.DedupeKey)
	}
	slices.Sort(out)
	return out
}

func itoa(n int64) string { return fmt.Sprint(n) }

// mustRemind is what a remind constructor returns for a valid config.
func mustRemind[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
