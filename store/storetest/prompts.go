package storetest

import (
	"context"
	"testing"

	"github.com/bansou/bansou/store"
)

func testPrompts(t *testing.T, open opener) {
	t.Parallel()
	t.Run("an answer closes the open prompt messages of its session once", func(t *testing.T) {
		f := setup(t, open)
		owner := f.person(store.RoleAdvisor, "佐藤")
		s := f.startSession(owner.ID, 0)
		other := f.startSession(f.person(store.RoleAdvisor, "鈴木").ID, 0)
		f.savePrompt(store.PromptMessage{SessionID: s.ID, StepID: "D1", ChannelID: "D9", TS: "1.1", Body: []byte("q1"), At: at(0)})
		f.savePrompt(store.PromptMessage{SessionID: other.ID, StepID: "D1", ChannelID: "D8", TS: "2.1", At: at(0)})
		got := f.closePrompts(s.ID, "D1", "はい")
		if len(got) != 1 || got[0].TS != "1.1" || got[0].ChannelID != "D9" || string(got[0].Body) != "q1" || !got[0].Closed {
			t.Fatalf("closed %+v, want the one open message of the session", got)
		}
		if again := f.closePrompts(s.ID, "D1", "はい"); len(again) != 0 {
			t.Errorf("closing again returned %+v, want nothing", again)
		}
		if o := f.closePrompts(other.ID, "", ""); len(o) != 1 || o[0].TS != "2.1" {
			t.Errorf("the other session's message: %+v", o)
		}
	})
	t.Run("an answer that beats the post leaves a mark the post finds", func(t *testing.T) {
		f := setup(t, open)
		s := f.startSession(f.person(store.RoleAdvisor, "佐藤").ID, 0)
		if got := f.closePrompts(s.ID, "D2", "来週火曜"); len(got) != 0 {
			t.Fatalf("nothing was posted, yet closing returned %+v", got)
		}
		m := f.savePrompt(store.PromptMessage{SessionID: s.ID, StepID: "D2", ChannelID: "D9", TS: "3.1", At: at(2)})
		if !m.Closed || m.Answer != "来週火曜" || m.TS != "3.1" {
			t.Errorf("the late post got %+v, want it closed with the answer", m)
		}
		if got := f.closePrompts(s.ID, "", ""); len(got) != 0 {
			t.Errorf("the late post stayed open: %+v", got)
		}
	})
	t.Run("an old mark does not close a new post of the same step", func(t *testing.T) {
		f := setup(t, open)
		s := f.startSession(f.person(store.RoleAdvisor, "佐藤").ID, 0)
		f.closePrompts(s.ID, "D2", "old")
		m := f.savePromptSince(store.PromptMessage{SessionID: s.ID, StepID: "D2", ChannelID: "D9", TS: "4.1", At: at(10)}, 5)
		if m.Closed {
			t.Errorf("a mark from before the post closed it: %+v", m)
		}
		n := must(f, "sweep", func(ctx context.Context, tx store.Tx) (int64, error) { return tx.SweepPrompts(ctx, at(5)) })
		if n != 1 {
			t.Errorf("swept %d, want 1 (the old mark; the open message stays)", n)
		}
		if got := f.closePrompts(s.ID, "", ""); len(got) != 1 {
			t.Errorf("after the sweep the open message is gone: %+v", got)
		}
	})
}

func (f *fixture) savePrompt(m store.PromptMessage) store.PromptMessage {
	f.t.Helper()
	return f.savePromptSince(m, -1)
}

func (f *fixture) savePromptSince(m store.PromptMessage, sinceMinutes int) store.PromptMessage {
	f.t.Helper()
	return must(f, "save prompt", func(ctx context.Context, tx store.Tx) (store.PromptMessage, error) {
		return tx.SavePrompt(ctx, m, at(sinceMinutes))
	})
}

func (f *fixture) closePrompts(sessionID int64, step, answer string) []store.PromptMessage {
	f.t.Helper()
	return must(f, "close prompts", func(ctx context.Context, tx store.Tx) ([]store.PromptMessage, error) {
		return tx.ClosePrompts(ctx, sessionID, step, answer, at(1))
	})
}
