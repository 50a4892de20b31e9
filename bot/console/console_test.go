package console

import (
	"context"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

func TestRenderNumbersOptionsAndShowsTheHint(t *testing.T) {
	got := Render(bot.Reply{Lang: "ja", Text: "ありがとうございます。", Prompt: &flows.Prompt{
		StepID: "D15", Kind: flows.KindSingle, Text: "いちばん大きい壁は？", Hint: "迷ったら事実に戻りましょう",
		Options: []flows.Choice{{ID: "mienai", Label: "見えない"}, {ID: "tarinai", Label: "足りない"}},
		Number:  5, Total: 10, Current: "見えない",
	}})
	want := "ありがとうございます。\n[5/10] いちばん大きい壁は？\n  (ヒント: 迷ったら事実に戻りましょう)\n  1. 見えない\n  2. 足りない\n  いまの回答: 見えない\n\n"
	if got != want {
		t.Errorf("Render =\n%q\nwant\n%q", got, want)
	}
}

func TestRenderTellsHowToTypeADate(t *testing.T) {
	got := Render(bot.Reply{Lang: "ja", Prompt: &flows.Prompt{Kind: flows.KindDate, Text: "いつまでに？", Optional: true}})
	for _, want := range []string{"12/3", "来週火曜", "スキップ"} {
		if !strings.Contains(got, want) {
			t.Errorf("date prompt %q lacks %q", got, want)
		}
	}
}

// handlerFunc adapts a function to Handler.
type handlerFunc func(ctx context.Context, in bot.Incoming) error

func (f handlerFunc) Handle(ctx context.Context, in bot.Incoming) error { return f(ctx, in) }

func TestRunHandsEachLineToTheBotAndEchoes(t *testing.T) {
	var out strings.Builder
	var got []string
	h := handlerFunc(func(_ context.Context, in bot.Incoming) error {
		got = append(got, in.Text)
		if in.Channel != bot.ChannelConsole || in.UserID != "advisor" {
			t.Errorf("incoming %+v", in)
		}
		return nil
	})
	c := New(&out)
	if err := c.Run(context.Background(), h, strings.NewReader("２\n戻る\n"), "advisor", true); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != "２|戻る" || out.String() != "> ２\n> 戻る\n" {
		t.Errorf("lines %q, output %q", got, out.String())
	}
}
