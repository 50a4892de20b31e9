package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/web/webtest"
)

func TestPublicURLDecidesSecureCookies(t *testing.T) {
	for url, secure := range map[string]bool{
		"http://localhost:8080": false, "http://127.0.0.1:9000": false, "http://[::1]:8080": false,
		"https://bansou.example.jp": true, "https://localhost": true,
	} {
		if got := secureCookies(url); got != secure {
			t.Errorf("secureCookies(%s) = %v, want %v", url, got, secure)
		}
		if p := validPublicURL(url); p != nil {
			t.Errorf("%s refused: %v", url, p)
		}
	}
	for _, bad := range []string{"http://bansou.example.jp", "ftp://x", "bansou.example.jp", ""} {
		if validPublicURL(bad) == nil {
			t.Errorf("BANSOU_PUBLIC_URL %q accepted", bad)
		}
	}
	if _, err := loadConfig(envOf(map[string]string{"BANSOU_PUBLIC_URL": "http://desk.example.jp"})); err == nil || !strings.Contains(err.Error(), "must be https") {
		t.Errorf("plain http public URL: %v", err)
	}
	cfg, err := loadConfig(envOf(map[string]string{"BANSOU_HTTP_ADDR": ":9090"}))
	if err != nil || cfg.publicURL != "http://localhost:9090" {
		t.Errorf("default public URL = %q, %v", cfg.publicURL, err)
	}
}

func TestWebLinkCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "bansou.db")
	st, err := openStore(ctx, db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := webtest.Fill(ctx, st, webtest.Options{Companies: 2, Advisors: 1, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := envOf(map[string]string{"BANSOU_PUBLIC_URL": "https://desk.example.jp/"})
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{"web-link", "--slack-id", webtest.AdvisorSlackID(0), "--db", db}, env, time.Now, nil, &out, &errOut); code != 0 {
		t.Fatalf("web-link: %d %s", code, errOut.String())
	}
	if link := strings.TrimSpace(out.String()); !strings.HasPrefix(link, "https://desk.example.jp/app/signin?t=") || len(link) != len("https://desk.example.jp/app/signin?t=")+43 {
		t.Errorf("link %q", link)
	}
	out.Reset()
	errOut.Reset()
	if code := run(ctx, []string{"web-link", "--slack-id", "U-NOBODY", "--db", db}, env, time.Now, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "no one with Slack id U-NOBODY") || out.Len() != 0 {
		t.Errorf("unknown Slack id: %d %q %q", code, out.String(), errOut.String())
	}
	if code := run(ctx, []string{"web-link", "--db", db}, env, time.Now, nil, &out, &errOut); code != 1 {
		t.Errorf("without --slack-id: %d", code)
	}
}

func TestServeHasTheDesk(t *testing.T) {
	r := startServe(t, map[string]string{})
	status, page := r.get(t, "/app/")
	if status != http.StatusUnauthorized || !strings.Contains(page, "/bansou web") {
		t.Errorf("GET /app/ signed out: %d", status)
	}
	if status, css := r.get(t, "/app/static/desk.css"); status != 200 || !strings.Contains(css, "@media print") {
		t.Errorf("style sheet: %d", status)
	}
}
