package slack

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot"
)

// maxRemembered bounds the prompt messages the Sender keeps in memory.
const maxRemembered = 10000

// Sender delivers bot replies as Block Kit messages in the person's DM with
// the bot, one prompt per message. When the next reply of a session
// arrives, the previous prompt message is updated: its buttons are replaced
// by the chosen answer, so the DM reads as a clean record.
//
// Which message holds a session's last prompt is kept in memory only. This
// is best-effort: after a restart, or on another replica, the old buttons
// stay; tapping them gets 「その回答はすでに受け付けています」 from the bot
// and the current question again.
type Sender struct {
	api *API
	log *slog.Logger

	mu      sync.Mutex
	dms     map[string]string       // Slack user id → DM channel id
	prompts map[int64]promptMessage // session id → its last interactive prompt
	clicks  map[int64]click         // session id → the label just clicked
}

// click is the label of a button or option someone clicked, so choices the
// bot does not echo (the mode, 保存) still show on the closed prompt.
type click struct {
	stepID, label string
}

// promptMessage is a posted prompt that still shows its buttons.
type promptMessage struct {
	channel, ts, stepID string
	msg                 message
}

var (
	_ bot.Sender   = (*Sender)(nil)
	_ bot.Notifier = (*Sender)(nil)
)

// NewSender returns a Sender posting through api.
func NewSender(api *API, log *slog.Logger) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{api: api, log: log.With("component", "slack"), dms: map[string]string{},
		prompts: map[int64]promptMessage{}, clicks: map[int64]click{}}
}

// Send renders r in the DM with r.UserID. The chat.update that closes the
// previous prompt and the chat.postMessage of this one run at once, so a
// reply costs one Web API round trip of latency. A failed chat.postMessage
// is returned, never retried.
func (s *Sender) Send(ctx context.Context, r bot.Reply) error {
	ch, err := s.dm(ctx, r.UserID)
	if err != nil {
		return err
	}
	var closing sync.WaitGroup
	closing.Go(func() { s.closePrevious(ctx, r) })
	defer closing.Wait()
	m := render(r)
	if m.empty() {
		return nil
	}
	ts, err := s.api.post(ctx, ch, m)
	if err != nil {
		return fmt.Errorf("slack: send reply to session %d: %w", r.SessionID, err)
	}
	if m.interactive && r.SessionID != 0 {
		s.remember(r.SessionID, promptMessage{channel: ch, ts: ts, stepID: r.Prompt.StepID, msg: m})
	}
	return nil
}

// Notify delivers an alert as a DM.
func (s *Sender) Notify(ctx context.Context, a bot.Alert) error {
	ch, err := s.dm(ctx, a.UserID)
	if err != nil {
		return err
	}
	blocks := []slack.Block{slack.NewHeaderBlock(plain(clip("🔔 "+a.Title, 150)))}
	if a.Text != "" {
		blocks = append(blocks, sections(a.Text)...)
	}
	if _, err := s.api.post(ctx, ch, message{fallback: a.Title, blocks: blocks}); err != nil {
		return fmt.Errorf("slack: notify: %w", err)
	}
	return nil
}

// postDM sends a message that is not a prompt (candidates, history).
func (s *Sender) postDM(ctx context.Context, user string, m message) error {
	ch, err := s.dm(ctx, user)
	if err != nil {
		return err
	}
	_, err = s.api.post(ctx, ch, m)
	return err
}

// dm returns the DM channel with user, opening it on first use.
func (s *Sender) dm(ctx context.Context, user string) (string, error) {
	s.mu.Lock()
	ch, ok := s.dms[user]
	s.mu.Unlock()
	if ok {
		return ch, nil
	}
	ch, err := s.api.openDM(ctx, user)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.dms[user] = ch
	s.mu.Unlock()
	return ch, nil
}

// closePrevious replaces the buttons of the session's last prompt by the
// answer just taken (or by nothing, when the conversation moved otherwise).
// Failures are logged: the record is cosmetic, the answer is saved.
func (s *Sender) closePrevious(ctx context.Context, r bot.Reply) {
	if r.SessionID == 0 {
		return
	}
	s.mu.Lock()
	prev, ok := s.prompts[r.SessionID]
	clicked := s.clicks[r.SessionID]
	delete(s.prompts, r.SessionID)
	delete(s.clicks, r.SessionID)
	s.mu.Unlock()
	if !ok {
		return
	}
	var answer string
	switch {
	case r.Answered != nil && r.Answered.StepID == prev.stepID:
		answer = r.Answered.Text
	case clicked.stepID == prev.stepID:
		answer = clicked.label
	}
	if err := s.api.update(ctx, prev.channel, prev.ts, prev.msg.closed(answer)); err != nil {
		s.log.WarnContext(ctx, "could not close the previous prompt", "session_id", r.SessionID, "step_id", prev.stepID, "error", err.Error())
	}
}

func (s *Sender) remember(sessionID int64, p promptMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evictOne(s.prompts)
	s.prompts[sessionID] = p
}

// noteClick remembers what was clicked on the session's prompt, for the
// reply that follows.
func (s *Sender) noteClick(sessionID int64, stepID, label string) {
	if label == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	evictOne(s.clicks)
	s.clicks[sessionID] = click{stepID: stepID, label: label}
}

// evictOne keeps m under maxRemembered; losing an entry only leaves old
// buttons on screen.
func evictOne[V any](m map[int64]V) {
	if len(m) < maxRemembered {
		return
	}
	for id := range m {
		delete(m, id)
		return
	}
}
