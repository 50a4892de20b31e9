package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

// What must disappear with company A, and what must stay with company B.
const (
	nameA      = "山田製作所"
	ownerA     = "山田 太郎"
	lineA      = "U4af4980629aaaabbbbccccdddd1234"
	nameB      = "鈴木商店"
	ownerB     = "鈴木 次郎"
	lineB      = "U9bb0000000000000000000000005678"
	advisorSat = "佐藤 花子"
)

// seedErase stores companies A and B, each with an owner linked through
// LINE, sessions and answers (one edited) that mention the company and the
// owner, commitments, follow-ups, referrals, small wins, invites and
// reminders. One advisor is assigned to both.
func seedErase(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		adv, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: advisorSat, Locale: "ja", CreatedAt: now}, "slack", "U01ADVISOR")
		if err != nil {
			return err
		}
		if _, err := tx.MarkEvent(ctx, "line:01HEVENT", now); err != nil {
			return err
		}
		for i, c := range []struct{ company, owner, line string }{{nameA, ownerA, lineA}, {nameB, ownerB, lineB}} {
			if err := seedCompany(ctx, tx, adv.ID, c.company, c.owner, c.line, now.Add(time.Duration(i)*time.Hour)); err != nil {
				return fmt.Errorf("seed %s: %w", c.company, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func seedCompany(ctx context.Context, tx store.Tx, advisorID int64, name, ownerName, lineID string, now time.Time) error {
	c, err := tx.CreateCompany(ctx, store.Company{Name: name, Industry: "製造業", Stage: "intake", Municipality: "大田区", CreatedAt: now})
	if err != nil {
		return err
	}
	if err := tx.Assign(ctx, c.ID, advisorID, now); err != nil {
		return err
	}
	owner, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleOwner, Name: ownerName, Locale: "ja", CreatedAt: now}, "line", lineID)
	if err != nil {
		return err
	}
	if err := tx.LinkOwner(ctx, owner.ID, c.ID, now); err != nil {
		return err
	}
	debrief, err := tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, Mode: "quick", CompanyID: c.ID,
		RespondentID: advisorID, Channel: "slack", Status: store.SessionCompleted, Step: "end",
		State: []byte(`{"answers":{"D1":{"v":"` + name + `"}}}`), CreatedAt: now, CompletedAt: now})
	if err != nil {
		return err
	}
	for _, a := range []store.Answer{
		{StepID: "D1", Value: name, Raw: name, Tag: "company"},
		{StepID: "D7", Value: ownerName + "さん「人が足りない」", Raw: ownerName + "さん「人が足りない」", Tag: "owner.words"},
		{StepID: "D7", Value: ownerName + "さん「人手が足りない」", Raw: ownerName + "さん「人手が足りない」", Tag: "owner.words"},
	} {
		a.SessionID, a.ByPersonID, a.At = debrief.ID, advisorID, now
		if _, err := tx.AddAnswer(ctx, a); err != nil {
			return err
		}
	}
	checkin, err := tx.CreateSession(ctx, store.Session{FlowID: "checkin", FlowVersion: 1, CompanyID: c.ID,
		RespondentID: owner.ID, Channel: "line", Status: store.SessionActive, Step: "L1", CreatedAt: now})
	if err != nil {
		return err
	}
	if _, err := tx.AddAnswer(ctx, store.Answer{SessionID: checkin.ID, StepID: "L0", Value: "yes", Raw: "はい、" + ownerName + "です",
		ByPersonID: owner.ID, At: now}); err != nil {
		return err
	}
	if _, err := tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, SessionID: debrief.ID, Text: name + "の朝礼で目標を話す",
		Due: "2026-12-04", Status: "open", CreatedAt: now}); err != nil {
		return err
	}
	if _, err := tx.AddFollowup(ctx, store.Followup{CompanyID: c.ID, AdvisorID: advisorID, SessionID: debrief.ID,
		Due: "2026-12-01", Status: "open", CreatedAt: now}); err != nil {
		return err
	}
	if _, err := tx.AddReferral(ctx, store.Referral{CompanyID: c.ID, SessionID: debrief.ID, Targets: []string{"yorozu"},
		Reason: name + "の事業承継", Status: "pending", CreatedAt: now}); err != nil {
		return err
	}
	if _, err := tx.AddSmallWin(ctx, store.SmallWin{CompanyID: c.ID, SessionID: checkin.ID, Text: ownerName + "が朝礼を始めた",
		Source: "owner", CreatedAt: now}); err != nil {
		return err
	}
	if _, err := tx.CreateInvite(ctx, store.Invite{CodeHash: "hash-" + lineID, CompanyID: c.ID, CreatedBy: advisorID,
		CreatedAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour)}); err != nil {
		return err
	}
	_, err = tx.EnqueueReminder(ctx, store.Reminder{Kind: "checkin", RecipientID: owner.ID, CompanyID: c.ID, SessionID: checkin.ID,
		DueAt: now.Add(24 * time.Hour), DedupeKey: fmt.Sprintf("checkin:c%d:2026-11-11", c.ID),
		Payload: `{"line":"` + lineID + `"}`, CreatedAt: now})
	return err
}

// dbRows reads every row of every table of the SQLite file, as text, by
// table.
func dbRows(t *testing.T, db string) map[string][]string {
	t.Helper()
	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tables, err := queryStrings(conn, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string][]string{}
	for _, table := range tables {
		rows, err := queryStrings(conn, `SELECT * FROM "`+table+`"`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		all[table] = rows
	}
	return all
}

// queryStrings returns each row of the query as its columns' text, joined
// by " | ".
func queryStrings(conn *sql.DB, query string) ([]string, error) {
	rows, err := conn.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		text := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			text[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(text, " | "))
	}
	return out, rows.Err()
}

// mentions lists "table: row" for the rows that contain any of words.
func mentions(all map[string][]string, words ...string) []string {
	var found []string
	for table, rows := range all {
		for _, r := range rows {
			for _, w := range words {
				if strings.Contains(r, w) {
					found = append(found, table+": "+r)
				}
			}
		}
	}
	return found
}

func TestEraseCompanyLeavesNoTrace(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	seedErase(t, db)
	before := dbRows(t, db)
	if len(mentions(before, nameA, ownerA, lineA)) < 10 {
		t.Fatalf("the seed does not mention company A widely enough to test erasure:\n%s", strings.Join(mentions(before, nameA), "\n"))
	}

	out, errOut, code := bansou(t, "", "erase", "--company", nameA, "--yes", "--db", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"削除の対象: " + nameA, "セッション 2 件、回答 4 件", "紐づいた経営者 1 人", "削除しました: " + nameA} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	after := dbRows(t, db)
	if left := mentions(after, nameA, ownerA, lineA); len(left) > 0 {
		t.Errorf("company A is still in the database:\n%s", strings.Join(left, "\n"))
	}
	for _, kept := range []string{nameB, ownerB, lineB, advisorSat} {
		if len(mentions(after, kept)) != len(mentions(before, kept)) {
			t.Errorf("rows mentioning %q: %d before, %d after", kept, len(mentions(before, kept)), len(mentions(after, kept)))
		}
	}
	for _, file := range []string{db, db + "-wal"} {
		raw, err := os.ReadFile(file)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, secret := range []string{nameA, ownerA, lineA} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%s still holds %q in freed pages", filepath.Base(file), secret)
			}
		}
	}
	m := regexp.MustCompile(`（(company:\d+)）`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("output does not name the subject company:N:\n%s", out)
	}
	checkEraseAudit(t, db, m[1])
}

// checkEraseAudit finds the audit entry of A's erasure: counts, no names.
func checkEraseAudit(t *testing.T, db, subject string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		b, err := tx.CompanyByName(ctx, nameB)
		if err != nil {
			return err
		}
		if ss, err := tx.CompanySessions(ctx, b.ID); err != nil || len(ss) != 2 {
			return fmt.Errorf("company B sessions: %d, %v", len(ss), err)
		}
		entries, err := tx.Audit(ctx, subject)
		if err != nil {
			return err
		}
		if len(entries) != 1 || entries[0].Action != "company.erase" {
			return fmt.Errorf("audit of company A: %+v, want one company.erase", entries)
		}
		var counts map[string]int64
		if err := json.Unmarshal([]byte(entries[0].Detail), &counts); err != nil {
			return fmt.Errorf("audit detail %q is not counts per table: %w", entries[0].Detail, err)
		}
		if counts["sessions"] != 2 || counts["answers"] != 4 || counts["companies"] != 1 {
			return fmt.Errorf("audit counts %v, want 2 sessions, 4 answers, 1 company", counts)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

func TestEraseNeedsTheNameTyped(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	seedErase(t, db)
	before := dbRows(t, db)
	for _, stdin := range []string{"", "山田製作\n", nameB + "\n"} {
		out, errOut, code := bansou(t, stdin, "erase", "--company", nameA, "--db", db)
		if code != 1 || !strings.Contains(out, "企業名を入力してください") || !strings.Contains(errOut, "nothing was erased") {
			t.Errorf("stdin %q: exit %d\nstdout %s\nstderr %s", stdin, code, out, errOut)
		}
		if after := dbRows(t, db); !reflect.DeepEqual(after, before) {
			t.Fatalf("stdin %q: the database changed without confirmation", stdin)
		}
	}
	// Typed with a full-width space and a line end, as a Japanese IME may.
	_, errOut, code := bansou(t, "　"+nameA+"\r\n", "erase", "--company", nameA, "--db", db)
	if code != 0 {
		t.Fatalf("confirmed erase: exit %d: %s", code, errOut)
	}
	if left := mentions(dbRows(t, db), nameA, ownerA, lineA); len(left) > 0 {
		t.Errorf("company A is still in the database:\n%s", strings.Join(left, "\n"))
	}
}

func TestEraseUnknownCompany(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bansou.db")
	seedErase(t, db)
	before := dbRows(t, db)
	_, errOut, code := bansou(t, "", "erase", "--company", "山田製作", "--yes", "--db", db)
	if code != 1 || !strings.Contains(errOut, `no company is named "山田製作"`) || !strings.Contains(errOut, "did you mean "+nameA) {
		t.Errorf("unknown company: exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(errOut, nameB) {
		t.Errorf("suggested an unrelated company: %q", errOut)
	}
	if after := dbRows(t, db); !reflect.DeepEqual(after, before) {
		t.Error("the database changed after an unknown company name")
	}
	if _, errOut, code := bansou(t, "", "erase", "--db", db); code != 1 || !strings.Contains(errOut, "--company") {
		t.Errorf("no --company: exit %d, stderr %q", code, errOut)
	}
}
