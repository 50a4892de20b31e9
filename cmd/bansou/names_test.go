package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
)

// 「株式会社山田製作所」 typed in `bansou try`, 「（株）山田製作所」 given to
// `bansou invite`, and 「山田 製作所」 in Slack's /bansou invite all mean one
// company: one row.
func TestCompanyNamesMeetOnEveryChannel(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	if _, errOut, code := bansou(t, "やめる\n", "try", "--db", db, "--company", "株式会社山田製作所"); code != 0 {
		t.Fatalf("try: exit %d: %s", code, errOut)
	}
	out, errOut, code := bansou(t, "", "invite", "--db", db, "--company", "（株）山田製作所")
	if code != 0 || !strings.Contains(out, "株式会社山田製作所") {
		t.Fatalf("invite: exit %d: %s%s", code, out, errOut)
	}

	fake := &recordingSlack{}
	api := httptest.NewServer(fake)
	defer api.Close()
	r := startServe(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "shh", "SLACK_API_URL": api.URL,
		"BANSOU_DATABASE_URL": db, "BANSOU_COORDINATORS": "U1"})
	if code := r.command(t, "shh", "U1", "invite 山田 製作所"); code != http.StatusOK {
		t.Fatalf("signed command: %d", code)
	}
	r.shutdown(t) // waits for the work the ack started
	if !strings.Contains(fake.methods(), "chat.postMessage") {
		t.Fatalf("Slack got no invite: %s", fake.methods())
	}

	st, err := openStore(context.Background(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var cs []store.Company
	err = st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		cs, err = tx.Companies(ctx)
		return err
	})
	if err != nil || len(cs) != 1 || cs[0].Name != "株式会社山田製作所" {
		t.Errorf("companies after try, invite and Slack = %+v, %v; want the one 株式会社山田製作所", cs, err)
	}
}

// command posts a signed /bansou command from user and returns the status.
func (r *running) command(t *testing.T, secret, user, text string) int {
	t.Helper()
	body := url.Values{"command": {"/bansou"}, "text": {text}, "user_id": {user}, "channel_id": {"D1"},
		"team_id": {"T1"}, "trigger_id": {"tr1"}}.Encode()
	req, _ := http.NewRequest(http.MethodPost, r.base+"/slack/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	now := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", now, body)
	req.Header.Set("X-Slack-Request-Timestamp", now)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestStaffConfiguration(t *testing.T) {
	cfg, err := loadConfig(envOf(map[string]string{"BANSOU_ADVISORS": "UA, UB", "BANSOU_COORDINATORS": "UC"}))
	if err != nil {
		t.Fatal(err)
	}
	staff := cfg.staff()
	if staff.Open() || !staff.Member("UA") || !staff.Member("UB") || !staff.Member("UC") || staff.Member("UX") {
		t.Errorf("staff from BANSOU_ADVISORS and BANSOU_COORDINATORS: %+v", staff)
	}
	if _, err := loadConfig(envOf(map[string]string{"BANSOU_ADVISOR_GROUP": "S1"})); err == nil || !strings.Contains(err.Error(), "BANSOU_ADVISOR_GROUP") {
		t.Errorf("a user group without a Slack token: %v", err)
	}
	open, _ := loadConfig(envOf(map[string]string{}))
	if !open.staff().Open() {
		t.Error("nothing configured is not open enrolment")
	}
}

// bansou handover on the command line moves the company to the Slack user.
func TestHandoverCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	if _, errOut, code := bansou(t, "やめる\n", "try", "--db", db, "--company", "山田製作所"); code != 0 {
		t.Fatalf("try: exit %d: %s", code, errOut)
	}
	out, errOut, code := bansou(t, "", "handover", "--db", db, "--company", "株式会社 山田製作所", "--to", "U9")
	if code != 0 || !strings.Contains(out, "山田製作所 を引き継ぎました") || !strings.Contains(out, "→ U9") {
		t.Fatalf("handover: exit %d: %s%s", code, out, errOut)
	}
	if _, errOut, code := bansou(t, "", "handover", "--db", db, "--company", "佐藤商店", "--to", "U9"); code == 0 || !strings.Contains(errOut, "unknown company") {
		t.Errorf("handover of an unknown company: exit %d: %s", code, errOut)
	}
	st, err := openStore(context.Background(), db, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, "slack", "U9")
		if err != nil {
			return err
		}
		cs, err := tx.CompaniesOf(ctx, p.ID)
		if err != nil || len(cs) != 1 || cs[0].Name != "山田製作所" {
			t.Errorf("U9's companies = %+v, %v", cs, err)
		}
		console, _ := tx.PersonByIdentity(ctx, "console", "advisor")
		if cs, _ := tx.CompaniesOf(ctx, console.ID); len(cs) != 0 {
			t.Errorf("the previous advisor still has %+v", cs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
