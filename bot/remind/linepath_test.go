package remind_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

// crashAfterSend delivers through next, then hangs before the outcome is
// recorded: a dispatcher killed between the push and its bookkeeping.
type crashAfterSend struct {
	next    remind.Deliverer
	sent    chan error
	release chan struct{}
}

func (c *crashAfterSend) Deliver(ctx context.Context, r store.Reminder) error {
	err := c.next.Deliver(ctx, r)
	c.sent <- err
	<-c.release
	return err
}

// TestTakeoverRepushesWithTheSameRetryKey runs the production path —
// Router → bot.CheckIn → LINE Sender → a local LINE API — on PostgreSQL.
// Dispatcher A pushes a check-in and dies before recording it; after the
// lease, dispatcher B (another pool) delivers the row again. LINE receives
// the same X-Line-Retry-Key twice and answers the second with 409, which
// counts as sent: the owner gets one message.
func TestTakeoverRepushesWithTheSameRetryKey(t *testing.T) {
	t.Parallel()
	d := openPostgres(t)
	c := company(t, d, "山田製作所")
	o := owner(t, d, c, jstAt(2026, 11, 1, 10, 0))
	p := newPlanner(d)
	cm := in(t, d, func(ctx context.Context, tx store.Tx) (store.Commitment, error) {
		cm, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, Text: "見積書の様式を見直す", Due: "2026-12-25",
			Status: "open", CreatedAt: jstAt(2026, 11, 20, 10, 0)})
		if err != nil {
			return cm, err
		}
		return cm, p.CommitmentAdded(ctx, tx, cm)
	})
	api := newLineAPI()
	srv := httptest.NewServer(api)
	defer srv.Close()
	clk := bottest.NewClock(jstAt(2026, 11, 30, 10, 0))

	crash := &crashAfterSend{next: mustRemind(remind.NewRouter(remind.RouterConfig{Store: d, CheckIns: benchBot(t, d, srv)})),
		sent: make(chan error, 1), release: make(chan struct{})}
	a := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d, Deliverer: crash, Now: clk.Now}))
	aDone := make(chan remind.Stats, 1)
	go func() {
		st, _ := a.RunOnce(context.Background())
		aDone <- st
	}()
	if err := <-crash.sent; err != nil {
		t.Fatalf("A's push: %v", err)
	}
	defer func() { close(crash.release); <-aDone }()

	d2 := d.reopen(t)
	b := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: d2, Deliverer: mustRemind(remind.NewRouter(remind.RouterConfig{Store: d2, CheckIns: benchBot(t, d2, srv)})), Now: clk.Now}))
	clk.Add(remind.DefaultLease + time.Second)
	st, err := b.RunOnce(t.Context())
	if err != nil || st.Sent != 1 {
		t.Fatalf("B: %+v, %v; want the check-in sent", st, err)
	}
	pushes, keys := api.counts()
	if pushes != 2 || keys != 1 {
		t.Errorf("LINE saw %d pushes with %d distinct retry keys, want 2 pushes, 1 key", pushes, keys)
	}
	key := fmt.Sprintf("checkin:c%d:p%d:2026-11-30", cm.ID, o.ID)
	if r := reminderByKey(t, d, key); r.Status != store.ReminderSent || r.Attempts != 2 {
		t.Errorf("%s: %s after %d attempts, want sent after 2", key, r.Status, r.Attempts)
	}
}
