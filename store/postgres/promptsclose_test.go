package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres/pgtest"
)

// TestClosePromptsOneRoundTrip: the store-level ClosePrompts (one batch, one
// implicit transaction) keeps ClosePrompts' contract: it closes the open
// prompt messages once, and leaves a mark for an answered step whose
// message is not recorded yet, which the message's SavePrompt then finds.
func TestClosePromptsOneRoundTrip(t *testing.T) {
	db := openURL(t, pgtest.NewDB(t, migrate))
	ctx := t.Context()
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	var sess store.Session
	err := db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleAdvisor, Name: "佐藤", Locale: "ja", CreatedAt: at}, "slack", "U1")
		if err != nil {
			return err
		}
		sess, err = tx.CreateSession(ctx, store.Session{FlowID: "debrief", FlowVersion: 2, Mode: "quick",
			RespondentID: p.ID, Channel: "slack", Step: "S1", CreatedAt: at, UpdatedAt: at})
		if err != nil {
			return err
		}
		_, err = tx.SavePrompt(ctx, store.PromptMessage{SessionID: sess.ID, StepID: "S1", ChannelID: "D1", TS: "1.1",
			Body: []byte("{}"), At: at}, at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	closed, err := db.ClosePrompts(ctx, sess.ID, "S2", "はい", at.Add(time.Second))
	if err != nil || len(closed) != 1 || closed[0].StepID != "S1" || closed[0].TS != "1.1" {
		t.Fatalf("close: %+v, %v; want S1's message", closed, err)
	}
	if again, err := db.ClosePrompts(ctx, sess.ID, "", "", at.Add(2*time.Second)); err != nil || len(again) != 0 {
		t.Errorf("close again: %+v, %v; want nothing left open", again, err)
	}
	var saved store.PromptMessage
	err = db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		saved, err = tx.SavePrompt(ctx, store.PromptMessage{SessionID: sess.ID, StepID: "S2", ChannelID: "D1", TS: "1.2",
			Body: []byte("{}"), At: at.Add(3 * time.Second)}, at)
		return err
	})
	if err != nil || !saved.Closed || saved.Answer != "はい" {
		t.Errorf("S2's message recorded after its answer: %+v, %v; want closed with the answer (the mark)", saved, err)
	}
}
