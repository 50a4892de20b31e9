package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// BenchmarkKnownCompany measures the turn in which an advisor chooses a
// company bansou already knows, the turn that reads its memory (last
// commitment, wall, hypothesis, stage, the owner's latest check-in), on
// both backends. Each iteration starts a quick debrief and cancels it
// untimed; only the company answer is timed.
func BenchmarkKnownCompany(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			db := openBenchStore(b, name)
			defer db.Close()
			h := newHarnessOn(b, db, nil)
			ctx := context.Background()
			seq := 0
			say := func(text string) bot.Reply {
				seq++
				in := bot.Incoming{EventID: fmt.Sprintf("k%d", seq), Channel: "slack", UserID: "U1", Text: text, ReceivedAt: h.clock.Now()}
				if err := h.bot.Handle(ctx, in); err != nil {
					b.Fatalf("say %q: %v", text, err)
				}
				return h.out.Last(b)
			}
			say("振り返り 山田製作所") // creates the company and assigns U1
			say("やめる")
			seedMemory(b, db, "山田製作所", "U1")
			b.ReportAllocs()
			b.ResetTimer()
			var r bot.Reply
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				say("振り返り")
				say("2") // 簡易: the company step is asked
				b.StartTimer()
				r = say("山田製作所")
				b.StopTimer()
				if c := say("やめる"); c.Prompt != nil { // begun: asked to confirm
					say("はい")
				}
				b.StartTimer()
			}
			b.StopTimer()
			if !strings.Contains(r.Text, "前回の記録") || !strings.Contains(r.Text, "朝礼") {
				b.Fatalf("choosing the known company did not recall its memory: %q", r.Text)
			}
		})
	}
}

// seedMemory gives the company a completed debrief (wall, hypothesis,
// stage), a commitment and a completed owner check-in.
func seedMemory(b *testing.B, db store.Store, company, advisorExt string) {
	b.Helper()
	old := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	err := db.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		c, err := tx.CompanyByName(ctx, company)
		if err != nil {
			return err
		}
		p, err := tx.PersonByIdentity(ctx, "slack", advisorExt)
		if err != nil {
			return err
		}
		for _, flow := range []string{"debrief", "checkin"} {
			s, err := tx.CreateSession(ctx, store.Session{FlowID: flow, FlowVersion: 1, Mode: "quick", CompanyID: c.ID,
				RespondentID: p.ID, Channel: "slack", Status: store.SessionCompleted, CreatedAt: old, CompletedAt: old})
			if err != nil {
				return err
			}
			answers := []store.Answer{{StepID: "D15", Value: "mienai", Tag: "wall.main"}, {StepID: "D11", Value: "人手が足りない", Tag: "issue.hidden"},
				{StepID: "I9", Value: "3", Tag: "stage"}}
			if flow == "checkin" {
				answers = []store.Answer{{StepID: "L1", Value: "doing", Tag: "checkin.status"}, {StepID: "C3", Value: "4", Tag: "checkin.confidence"}}
			}
			for _, a := range answers {
				a.SessionID, a.ByPersonID, a.At, a.Raw = s.ID, p.ID, old, a.Value
				if _, err := tx.AddAnswer(ctx, a); err != nil {
					return err
				}
			}
			if flow == "debrief" {
				_, err = tx.AddCommitment(ctx, store.Commitment{CompanyID: c.ID, SessionID: s.ID, Text: "朝礼で月2回、目標を話す",
					Due: "2026-10-15", Status: "open", CreatedAt: old})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
