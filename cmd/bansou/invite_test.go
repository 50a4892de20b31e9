package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

var (
	codeLine    = regexp.MustCompile(`(?m)^  コード: (.+)$`)
	codeShape   = regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$`)
	expiresLine = regexp.MustCompile(`(?m)^  Expires: (\d{4}-\d\d-\d\d \d\d:\d\d) Asia/Tokyo`)
)

func TestInvitePrintsCodeExpiryAndMessage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	jst, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().In(jst).Truncate(time.Minute)
	out, errOut, code := bansou(t, "", "invite", "--company", "山田製作所", "--db", db)
	after := time.Now().In(jst)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := codeLine.FindStringSubmatch(out)
	if m == nil || !codeShape.MatchString(m[1]) {
		t.Fatalf("no code like K7QM-X3PA in:\n%s", out)
	}
	inv := m[1]
	e := expiresLine.FindStringSubmatch(out)
	if e == nil {
		t.Fatalf("no expiry line in:\n%s", out)
	}
	exp, err := time.ParseInLocation("2006-01-02 15:04", e[1], jst)
	if err != nil {
		t.Fatal(err)
	}
	week := 7 * 24 * time.Hour
	if exp.Before(before.Add(week)) || exp.After(after.Add(week)) {
		t.Errorf("expires %v, want 7 days after %v", exp, before)
	}
	for _, want := range []string{
		"有効期限: " + exp.Format("2006年1月2日"), // the Japanese expiry too
		"山田製作所 代表者様",
		"LINE 公式アカウントを友だち追加してください。",
		"Add our LINE official account as a friend.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, inv) < 4 {
		t.Errorf("the code should appear in both summaries and both messages:\n%s", out)
	}
	if strings.Index(out, "招待コードを発行しました") > strings.Index(out, "Invite code created") {
		t.Error("English comes before Japanese")
	}

	// The company now exists, and a second invite is a different code.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CompanyByName(ctx, "山田製作所")
		return err
	})
	st.Close()
	if err != nil {
		t.Fatalf("invite did not create the company: %v", err)
	}
	out2, _, code := bansou(t, "", "invite", "--company", "山田製作所", "--db", db)
	if m2 := codeLine.FindStringSubmatch(out2); code != 0 || m2 == nil || m2[1] == inv {
		t.Errorf("second invite: exit %d, code %v (first %s)", code, m2, inv)
	}
}

func TestInviteFriendURLAndMissingCompany(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	env := map[string]string{"BANSOU_LINE_FRIEND_URL": "https://lin.ee/abcd123", "BANSOU_INSTITUTION": "大田商工会議所"}
	var out, errOut strings.Builder
	code := run(context.Background(), []string{"invite", "--company", "鈴木商店", "--db", db},
		func(k string) string { return env[k] }, time.Now, strings.NewReader(""), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Count(out.String(), "https://lin.ee/abcd123") != 2 || !strings.Contains(out.String(), "大田商工会議所です") {
		t.Errorf("message lacks the friend URL (twice) or the institution:\n%s", out.String())
	}
	if _, errOut, code := bansou(t, "", "invite", "--db", db); code != 1 || !strings.Contains(errOut, "--company") {
		t.Errorf("no --company: exit %d, stderr %q", code, errOut)
	}
}
