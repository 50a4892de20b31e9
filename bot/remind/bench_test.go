package remind_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/line"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

const (
	benchReminders = 10_000
	benchCompanies = 100
	benchWorkers   = 32
	benchBatch     = 256
)

// BenchmarkDispatch10k: 10,000 check-ins due at the same minute on
// PostgreSQL, drained by one Dispatcher with 32 workers.
//
//   - line: the production path. Router → *bot.Bot.CheckIn (which starts
//     each owner's check-in session in the store) → the LINE Sender →
//     a local recording LINE API that answers 409 to a repeated
//     X-Line-Retry-Key, as LINE does. Reports pushes and duplicate keys.
//   - recorder: the same rows through a recording Deliverer: the cost of
//     claiming and recording alone.
//
// go test -run '^$' -bench Dispatch10k -benchtime 1x ./bot/remind/
func BenchmarkDispatch10k(b *testing.B) {
	b.Run("line", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			st, due := benchStore(b)
			api := newLineAPI()
			srv := httptest.NewServer(api)
			router := mustRemind(remind.NewRouter(remind.RouterConfig{Store: st, CheckIns: benchBot(b, st, srv)}))
			b.StartTimer()
			dispatched := drain(b, st, router, due)
			b.StopTimer()
			srv.Close()
			pushes, keys := api.counts()
			b.ReportMetric(float64(pushes), "pushes")
			b.ReportMetric(float64(pushes-keys), "duplicate-retry-keys")
			if keys != benchReminders || dispatched != benchReminders {
				b.Fatalf("%d reminders sent, %d distinct retry keys at LINE; want %d each", dispatched, keys, benchReminders)
			}
		}
	})
	b.Run("recorder", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			st, due := benchStore(b)
			rec := &recorder{}
			b.StartTimer()
			dispatched := drain(b, st, rec, due)
			b.StopTimer()
			if dispatched != benchReminders || rec.count() != benchReminders {
				b.Fatalf("%d sent, %d delivered; want %d", dispatched, rec.count(), benchReminders)
			}
		}
	})
}

// drain runs one dispatcher until no reminder is left and returns how many
// it marked sent. It reports the wall time as seconds/10k.
func drain(b *testing.B, st store.Store, d remind.Deliverer, due time.Time) int {
	disp := mustRemind(remind.NewDispatcher(remind.DispatcherConfig{Store: st, Deliverer: d, Now: func() time.Time { return due.Add(30 * time.Second) },
		Workers: benchWorkers, Batch: benchBatch}))
	start := time.Now()
	sent := 0
	for {
		s, err := disp.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if s.Claimed == 0 {
			break
		}
		if s.Sent != s.Claimed {
			b.Fatalf("batch: %+v", s)
		}
		sent += s.Sent
	}
	b.ReportMetric(time.Since(start).Seconds(), "s/10k")
	return sent
}

// benchStore is a PostgreSQL database (with a pool large enough for the
// workers) holding benchReminders check-ins of as many LINE owners, spread
// over benchCompanies companies with an open commitment each.
func benchStore(b *testing.B) (store.Store, time.Time) {
	url := pgtest.NewDB(b, migratePG)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	st, err := postgres.Open(context.Background(), url+sep+fmt.Sprintf("pool_max_conns=%d", benchWorkers+4))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	due := jstAt(2026, 12, 3, 10, 0)
	made := jstAt(2026, 11, 20, 10, 0)
	err = st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		for ci := range benchCompanies {
			c, err := tx.CreateCompany(ctx, store.Company{Name: fmt.Sprintf("会社%03d", ci), CreatedAt: made})
			if err != nil {
				return err
			}
			cm, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, Text: "見積書の様式を見直す",
				Due: "2026-12-25", Status: "open", CreatedAt: made})
			if err != nil {
				return err
			}
			for oi := range benchReminders / benchCompanies {
				p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: "社長", Locale: "ja", CreatedAt: made},
					"line", fmt.Sprintf("U%016x%016x", ci, oi))
				if err != nil {
					return err
				}
				if err := tx.LinkOwner(ctx, p.ID, c.ID, made); err != nil {
					return err
				}
				if _, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: remind.KindCheckin, RecipientID: p.ID, CompanyID: c.ID,
					DueAt: due, DedupeKey: fmt.Sprintf("checkin:c%d:p%d:2026-12-03", cm.ID, p.ID),
					Payload: fmt.Sprintf(`{"commitment":%d}`, cm.ID), CreatedAt: made}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return st, due
}

func benchBot(b testing.TB, st store.Store, srv *httptest.Server) *bot.Bot {
	hc := srv.Client()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = benchWorkers
	sender, err := line.NewSender(line.Config{AccessToken: "test-token", APIURL: srv.URL, HTTPClient: hc})
	if err != nil {
		b.Fatal(err)
	}
	set, err := flows.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	bt, err := bot.New(bot.Config{Store: st, Flows: set, Senders: map[string]bot.Sender{bot.ChannelLINE: sender},
		Location: jst, Institution: "○○商工会"})
	if err != nil {
		b.Fatal(err)
	}
	return bt
}

// lineAPI is a recording LINE Messaging API: it accepts pushes and, like
// LINE, answers 409 to a retry key it has already accepted.
type lineAPI struct {
	mu     sync.Mutex
	pushes int
	keys   map[string]bool
}

func newLineAPI() *lineAPI { return &lineAPI{keys: map[string]bool{}} }

func (a *lineAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v2/bot/message/push" {
		http.Error(w, `{"message":"not found"}`, http.StatusNotFound)
		return
	}
	key := r.Header.Get("X-Line-Retry-Key")
	a.mu.Lock()
	a.pushes++
	seen := a.keys[key]
	a.keys[key] = true
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if seen {
		w.Header().Set("X-Line-Accepted-Request-Id", "earlier")
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "The retry key is already accepted"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"sentMessages": []map[string]string{{"id": "1", "quoteToken": "q"}}})
}

func (a *lineAPI) counts() (pushes, keys int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pushes, len(a.keys)
}
