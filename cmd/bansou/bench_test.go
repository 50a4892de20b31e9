package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/store/postgres/pgtest"
)

// benchUsers are the advisors typing at once in BenchmarkServeSlackDM.
const benchUsers = 16

// BenchmarkServeSlackDM measures the serve path end to end: signed Slack DMs
// over HTTP into bansou serve, each answering a text question of a running
// flow (one answer row per message), until the reply reaches the fake
// Slack. Sixteen advisors each wait for their reply before typing again.
// "inbox" is the durable path; "direct" runs the turn in a goroutine after
// the ack, as before the inbox, for the before/after comparison:
//
//	go test -run '^$' -bench ServeSlackDM -benchtime 2000x ./cmd/bansou/
func BenchmarkServeSlackDM(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		for _, path := range []string{"direct", "inbox"} {
			b.Run(backend+"/"+path, func(b *testing.B) { benchServe(b, backend, path == "direct") })
		}
	}
}

func benchServe(b *testing.B, backend string, direct bool) {
	fake := &benchSlack{replies: map[string]chan struct{}{}}
	for u := range benchUsers {
		fake.replies[event{u: u}.user()] = make(chan struct{}, 4096)
	}
	api := httptest.NewServer(fake)
	b.Cleanup(api.Close)
	url := filepath.Join(b.TempDir(), "bansou.db")
	if backend == "postgres" {
		url = pgtest.StartServer(b, pgtest.Durable).CreateDB(b, "") + "&pool_max_conns=24"
	}
	cfg, err := loadConfig(envOf(map[string]string{"BANSOU_DATABASE_URL": url, "BANSOU_FLOWS_DIR": loadTestFlows(b, 400),
		"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "bench", "SLACK_API_URL": api.URL + "/"}))
	if err != nil {
		b.Fatal(err)
	}
	cfg.noInbox = direct
	ctx, cancel := context.WithCancel(context.Background())
	s, err := newServer(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = s.run(ctx, ln); s.close(); close(done) }()
	b.Cleanup(func() { cancel(); <-done })
	base := "http://" + ln.Addr().String()

	post := func(e event) {
		code, err := postSigned(base+"/slack/events", slackDM(e), slackHeaders("bench"))
		if err != nil || code != http.StatusOK {
			b.Errorf("%s message %d: %d, %v", e.user(), e.j, code, err)
		}
	}
	reply := func(e event) {
		select {
		case <-fake.replies[e.user()]:
		case <-time.After(10 * time.Second):
			b.Errorf("%s message %d: no reply", e.user(), e.j)
		}
	}
	say := func(e event) { post(e); reply(e) }
	var wg sync.WaitGroup
	for u := range benchUsers { // each advisor starts the flow
		wg.Go(func() { say(event{u: u, j: 0}) })
	}
	wg.Wait()
	b.ResetTimer()
	for u := range benchUsers {
		wg.Go(func() {
			for j := 1; (j-1)*benchUsers+u < b.N; j++ {
				say(event{u: u, j: j})
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// benchSlack answers the Web API and signals each user's reply.
type benchSlack struct {
	mu      sync.Mutex
	n       int
	replies map[string]chan struct{}
}

func (f *benchSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	f.n++
	n := f.n
	f.mu.Unlock()
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "conversations.open":
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, r.FormValue("users"))
		return
	case "chat.postMessage":
		if ch, ok := f.replies[strings.TrimPrefix(r.FormValue("channel"), "D")]; ok {
			defer func() { ch <- struct{}{} }()
		}
	}
	fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"9.%06d"}`, r.FormValue("channel"), n)
}
