package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// /metrics shows the inbox, reminder, turn-error and LINE reply-fallback
// series after a Slack DM went through the inbox; the profiles answer on
// the admin address only.
func TestMetricsAndAdminListener(t *testing.T) {
	slackAPI, lineAPI := httptest.NewServer(&recordingSlack{}), httptest.NewServer(&recordingLINE{})
	defer slackAPI.Close()
	defer lineAPI.Close()
	r := startReplica(t, "ops", map[string]string{
		"BANSOU_DATABASE_URL": filepath.Join(t.TempDir(), "bansou.db"), "BANSOU_ADMIN_ADDR": "127.0.0.1:0",
		"SLACK_BOT_TOKEN": "xoxb-ops", "SLACK_SIGNING_SECRET": "ops-secret", "SLACK_API_URL": slackAPI.URL + "/",
		"LINE_CHANNEL_SECRET": "ops-line", "LINE_CHANNEL_ACCESS_TOKEN": "ops-token", "LINE_API_URL": lineAPI.URL,
	})
	code, err := postSigned(r.base+"/slack/events", slackDM(event{u: 1, j: 0}), slackHeaders("ops-secret"))
	if err != nil || code != http.StatusOK {
		t.Fatalf("signed DM: %d, %v", code, err)
	}
	if r.s.admin == nil {
		t.Fatal("no admin listener although BANSOU_ADMIN_ADDR is set")
	}
	admin := "http://" + r.s.admin.addr.String()
	if code, body := getBody(t, admin+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("admin /debug/pprof/: %d", code)
	}
	if code, _ := getBody(t, admin+"/debug/pprof/goroutine?debug=1"); code != http.StatusOK {
		t.Errorf("admin goroutine profile: %d", code)
	}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine"} {
		if code, _ := getBody(t, r.base+path); code != http.StatusNotFound {
			t.Errorf("public %s: %d, want 404", path, code)
		}
	}
	if code, _ := getBody(t, admin+"/metrics"); code != http.StatusNotFound {
		t.Errorf("admin /metrics: %d, want 404 (the admin listener serves profiles only)", code)
	}
	// Stopping drains: the DM's turn has run and been counted when the
	// replica has stopped; its registry still answers /metrics.
	r.shutdown(t)
	rec := httptest.NewRecorder()
	r.s.mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	metrics := rec.Body.String()
	if !strings.Contains(metrics, `bansou_inbox_processed_total{channel="slack"} 1`) {
		t.Fatalf("the DM was not counted as processed:\n%s", metrics)
	}
	for _, want := range []string{
		`bansou_inbox_received_total{channel="slack",outcome="stored"} 1`,
		"bansou_inbox_pending ", "bansou_inbox_oldest_pending_seconds ",
		`bansou_inbox_retried_total{channel="slack"} 0`, `bansou_inbox_failed_total{channel="line"} 0`,
		"bansou_inbox_wait_seconds_count", `bansou_reminders_pending{kind="checkin"} 0`,
		`bansou_reminders_overdue{kind="digest"} 0`, `bansou_reminder_oldest_overdue_seconds{kind="followup"} 0`,
		`bansou_reminders_total{outcome="sent"} 0`, `bansou_reminders_total{outcome="expired"} 0`,
		`bansou_reminders_total{outcome="failed"} 0`, "bansou_reminder_quota_refusals_total 0",
		`bansou_turn_errors_total{cause="timeout",channel="slack"} 0`,
		`bansou_line_reply_fallback_total{reason="token"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Without BANSOU_ADMIN_ADDR there is no admin listener; the log level and
// admin address are validated with the rest of the configuration.
func TestAdminAndLogLevelConfig(t *testing.T) {
	cfg, err := loadConfig(envOf(map[string]string{}))
	if err != nil || cfg.adminAddr != "" || cfg.logLevel != slog.LevelInfo {
		t.Errorf("defaults: admin %q, level %v, %v", cfg.adminAddr, cfg.logLevel, err)
	}
	cfg, err = loadConfig(envOf(map[string]string{"BANSOU_LOG_LEVEL": "debug", "BANSOU_ADMIN_ADDR": "127.0.0.1:6060"}))
	if err != nil || cfg.logLevel != slog.LevelDebug || cfg.adminAddr != "127.0.0.1:6060" {
		t.Errorf("set: admin %q, level %v, %v", cfg.adminAddr, cfg.logLevel, err)
	}
	_, err = loadConfig(envOf(map[string]string{"BANSOU_LOG_LEVEL": "loud", "BANSOU_ADMIN_ADDR": "6060"}))
	if err == nil || !strings.Contains(err.Error(), "BANSOU_LOG_LEVEL") || !strings.Contains(err.Error(), "BANSOU_ADMIN_ADDR") {
		t.Errorf("bad values: %v", err)
	}
	r := startServe(t, map[string]string{})
	if code, _ := r.get(t, "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("public pprof without admin: %d", code)
	}
}

func TestTurnCause(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("bot: handle slack event: %w", context.DeadlineExceeded), "timeout"},
		{fmt.Errorf("x: %w", store.ErrConflict), "conflict"},
		{fmt.Errorf("x: %w", store.ErrLeaseLost), "lease_lost"},
		{fmt.Errorf("bot: send line reply: %w", bot.ErrQuota), "quota"},
		{&bot.RetryAfterError{After: time.Second, Err: errors.New("429")}, "rate_limited"},
		{fmt.Errorf("postgres: begin: %w", &net.OpError{Op: "dial", Err: errors.New("connection refused")}), "unreachable"},
		{errors.New("flow missing"), "other"},
	} {
		if got := turnCause(c.err); got != c.want {
			t.Errorf("turnCause(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}
