package export_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/export"
	"github.com/bansou/bansou/store/sqlite"
)

// BenchmarkWrite exports a busy month on SQLite: 500 debrief sessions over
// 50 companies, 12 answers each. The read holds the store's transaction, so
// this is also how long the bot's turns would wait behind an export.
func BenchmarkWrite(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bansou.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error { return seedMonth(ctx, tx, start) }); err != nil {
		b.Fatal(err)
	}
	set, err := flows.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	o := export.Options{From: flows.DateOf(start), To: flows.DateOf(start.AddDate(0, 1, -1)), Location: time.UTC,
		Flows: set, Lang: "ja", Dir: b.TempDir()}
	b.ResetTimer()
	for b.Loop() {
		res, err := export.Write(ctx, st, o)
		if err != nil || res.Sessions != 500 || res.Answers != 6000 {
			b.Fatalf("wrote %+v, %v", res, err)
		}
	}
}

func seedMonth(ctx context.Context, tx store.Tx, start time.Time) error {
	adv, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤 花子", Locale: "ja"}, "slack", "U1")
	if err != nil {
		return err
	}
	steps := []store.Answer{{StepID: "D1"}, {StepID: "D2", Value: "2026-10-30"}, {StepID: "D2b", Value: "visit"},
		{StepID: "D3", Value: "president,employee"}, {StepID: "D4", Value: "issue_setting"}, {StepID: "D5"},
		{StepID: "D6", Value: "noticed"}, {StepID: "D6a", Sensitive: true}, {StepID: "D7"}, {StepID: "D14"},
		{StepID: "D15"}, {StepID: "D21", Value: "yes"}}
	for i := range 500 {
		c, err := tx.CompanyByName(ctx, fmt.Sprintf("会社%02d", i%50))
		if err != nil {
			c, err = tx.CreateCompany(ctx, store.Company{Name: fmt.Sprintf("会社%02d", i%50)})
		}
		if err != nil {
			return err
		}
		at := start.Add(time.Duration(i) * 80 * time.Minute)
		s, err := tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 1, Mode: "full", CompanyID: c.ID,
			RespondentID: adv.ID, Channel: "slack", Status: store.SessionCompleted, Step: "end", CreatedAt: at})
		if err != nil {
			return err
		}
		for _, a := range steps {
			a.SessionID, a.ByPersonID, a.At = s.ID, adv.ID, at
			if a.Value == "" {
				a.Value = "売上は前年比で1割減、「人手が足りない」とのこと。\n来月に再確認します。"
			}
			a.Raw = a.Value
			if _, err := tx.AddAnswer(ctx, a); err != nil {
				return err
			}
		}
	}
	return nil
}
