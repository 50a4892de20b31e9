package line

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkWebhookTurn measures one whole owner turn on PostgreSQL over
// real HTTP: a signed webhook request with a text message from a linked
// owner in an active check-in → signature check and parse → the bot's
// durable turn (dedupe, person, owner link, session, engine step, session
// and answer rows, one transaction) → the reply rendered and sent through
// the SDK to the recording LINE server → 200. Turns alternate between
// answering L0 (「はい」) and 「戻る」, so every turn writes.
//
// durable: a server with fsync, synchronous_commit and full_page_writes on
// (pgtest.Durable), the cost production pays. fast: the tests' server with
// those off, to separate commit latency from the rest of the path. sqlite:
// the embedded default (WAL, synchronous=NORMAL), for comparison.
//
//	go test -run '^$' -bench WebhookTurn -benchtime 2000x ./bot/line/
func BenchmarkWebhookTurn(b *testing.B) {
	b.Run("durable", func(b *testing.B) {
		srv := pgtest.StartServer(b, pgtest.Durable)
		benchWebhookTurn(b, openPG(b, srv.CreateDB(b, "")))
	})
	b.Run("fast", func(b *testing.B) {
		benchWebhookTurn(b, openPG(b, pgtest.NewDB(b, migratePG)))
	})
	b.Run("sqlite", func(b *testing.B) {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bansou.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		benchWebhookTurn(b, db)
	})
}

func migratePG(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
}

// openPG opens (and migrates) the database at url.
func openPG(b *testing.B, url string) *postgres.DB {
	b.Helper()
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func benchWebhookTurn(b *testing.B, db store.Store) {
	h := newHarnessOn(b, db, slog.New(slog.DiscardHandler))
	owner := h.link(b, "Uowner", "山田製作所")
	h.checkIn(b, owner, "checkin:bench:1")
	client := &http.Client{}
	texts := []string{"はい", "戻る"}
	before := len(h.line.calls(pathReply))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{h.textEvent("Uowner", texts[i%2])}})
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/line/webhook", bytes.NewReader(body))
		req.Header.Set("X-Line-Signature", sign(testSecret, body))
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("turn %d: status %d", i, resp.StatusCode)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
	replies := h.line.calls(pathReply)
	if n := len(replies) - before; n != b.N {
		b.Fatalf("%d replies for %d turns", n, b.N)
	}
	if want := map[bool]string{true: "その後いかがですか", false: "よろしいですか"}[b.N%2 == 1]; !strings.Contains(replies[len(replies)-1].text(), want) {
		b.Fatalf("after %d turns the owner reads %q, want %q", b.N, replies[len(replies)-1].text(), want)
	}
}
