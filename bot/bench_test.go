package bot_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// BenchmarkTurn measures one whole turn on SQLite: dedupe the event, resolve
// the person, load the session, step the engine, save the session and the
// answer revision, render the reply. Turns alternate between answering the
// facts question and 戻る, so every turn writes.
func BenchmarkTurn(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	start := bot.Incoming{EventID: "start", Channel: "slack", UserID: "U1", Text: "振り返り 山田製作所"}
	if err := h.bot.Handle(ctx, start); err != nil {
		b.Fatal(err)
	}
	sid := h.out.Last(b).SessionID
	mode := bot.Incoming{EventID: "mode", Channel: "slack", UserID: "U1", Action: &bot.Action{SessionID: sid, StepID: flows.ModeStep, Value: "quick"}}
	if err := h.bot.Handle(ctx, mode); err != nil {
		b.Fatal(err)
	}
	stage := bot.Incoming{EventID: "stage", Channel: "slack", UserID: "U1", Text: "3"} // a new company: its stage first
	if err := h.bot.Handle(ctx, stage); err != nil {
		b.Fatal(err)
	}
	texts := []string{"売上が前年比1割減。社長が営業も製造も見ている。", "戻る"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := bot.Incoming{EventID: fmt.Sprintf("e%d", i), Channel: "slack", UserID: "U1", Text: texts[i%2]}
		if err := h.bot.Handle(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
	if want := "D5"; b.N%2 == 0 && h.out.Last(b).Prompt.StepID != want {
		b.Fatalf("after %d turns the prompt is %s, want %s", b.N, h.out.Last(b).Prompt.StepID, want)
	}
}
