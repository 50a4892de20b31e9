package bot_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// savedContext reads the context the user's active session keeps in its
// JSON (nil when it keeps none) and the session.
func savedContext(t *testing.T, h *harness, user string) (map[string]any, store.Session) {
	t.Helper()
	var s store.Session
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, err := tx.PersonByIdentity(ctx, "slack", user)
		if err != nil {
			t.Fatal(err)
		}
		if s, err = tx.ActiveSession(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	})
	var saved struct {
		Context map[string]any `json:"cached"`
	}
	if err := json.Unmarshal(s.State, &saved); err != nil {
		t.Fatal(err)
	}
	return saved.Context, s
}

// A session keeps what its prompts need from the company — its name and
// memory — beside the engine state, read when the company is chosen. A
// session saved before it kept any reads it on its next turn, and keeps it
// from then on.
func TestSessionKeepsTheCompanyContext(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	quickDebrief(t, h, "U1", "山田製作所")
	r := h.say(t, "U1", "振り返り 山田製作所")
	wantPrompt(t, r, flows.ModeStep)
	sc, s := savedContext(t, h, "U1")
	vars, _ := sc["vars"].(map[string]any)
	if vars["company"] != "山田製作所" || vars["commitment"] != "朝礼で月2回、目標を話す" {
		t.Fatalf("the new session keeps %v, want the company and its last commitment", sc)
	}

	// The same session as an older bansou saved it: no context.
	var state map[string]any
	if err := json.Unmarshal(s.State, &state); err != nil {
		t.Fatal(err)
	}
	delete(state, "cached")
	s.State, _ = json.Marshal(state)
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if _, err := tx.UpdateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	})
	if sc, _ := savedContext(t, h, "U1"); sc != nil {
		t.Fatalf("context left after removing it: %v", sc)
	}
	r = h.tap(t, "U1", s.ID, flows.ModeStep, "quick")
	wantPrompt(t, r, "D5")
	sc, _ = savedContext(t, h, "U1")
	vars, _ = sc["vars"].(map[string]any)
	if vars["company"] != "山田製作所" || vars["commitment"] != "朝礼で月2回、目標を話す" || vars["last_wall"] == "" {
		t.Errorf("after its next turn the session keeps %v, want the company and its memory", sc)
	}
}
