package slack

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// maxRemembered bounds the sessions the Sender keeps in memory.
const maxRemembered = 10000

// clockSkew is how much earlier than this replica's clock another
// replica's answer may be stamped and still count as arriving during a
// post.
const clockSkew = 2 * time.Second

// Sender delivers bot replies as Block Kit messages in the person's DM with
// the bot, one prompt per message. When the next reply of a session is
// sent, the messages still showing the session's buttons are updated: the
// buttons are replaced by the chosen answer, so the DM reads as a clean
// record. Which message holds which question is kept in Prompts — in the
// store (StorePrompts) so that any replica can close it; an answer that
// arrives while its question is still being posted leaves a mark, and the
// poster closes its own message when it records it.
type Sender struct {
	api     *API
	log     *slog.Logger
	prompts Prompts
	now     func() time.Time

	mu     sync.Mutex
	dms    map[string]string // Slack user id → DM channel id
	clicks map[int64]click   // session id → the label just clicked
}

// click is the label of a button or option someone clicked, so choices the
// bot does not echo (the mode, 保存) still show on the closed prompt.
type click struct {
	stepID, label string
}

var (
	_ bot.Sender   = (*Sender)(nil)
	_ bot.Notifier = (*Sender)(nil)
)

// SenderOption configures a Sender.
type SenderOption func(*Sender)

// WithPrompts keeps the prompt messages in p (StorePrompts for replicas)
// instead of this process's memory.
func WithPrompts(p Prompts) SenderOption { return func(s *Sender) { s.prompts = p } }

// NewSender returns a Sender posting through api.
func NewSender(api *API, log *slog.Logger, opts ...SenderOption) *Sender {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sender{api: api, log: log.With("component", "slack"), dms: map[string]string{}, now: time.Now,
		prompts: newMemPrompts(), clicks: map[int64]click{}}
	for _, o := range opts {
		o(s)
	}
	return s
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
	// Which prompts to close is decided before this reply's prompt is
	// posted and recorded, so it is never among them; only the chat.update
	// calls run beside the post.
	closable := s.openPrompts(ctx, r)
	var closing sync.WaitGroup
	closing.Go(func() { s.closeAll(ctx, r.SessionID, closable) })
	defer closing.Wait()
	m := render(r)
	if m.empty() {
		return nil
	}
	since := s.now().Add(-clockSkew)
	ts, err := s.api.post(ctx, ch, m)
	if err != nil {
		return fmt.Errorf("slack: send reply to session %d: %w", r.SessionID, err)
	}
	if m.interactive && r.SessionID != 0 {
		s.record(ctx, r.SessionID, r.Prompt.StepID, ch, ts, m, since)
	}
	return nil
}

// record keeps the posted prompt for whoever answers it. When its answer
// came in while it was being posted, it closes the message itself.
// Failures are logged: the buttons are cosmetic, the answers are saved.
func (s *Sender) record(ctx context.Context, sessionID int64, stepID, ch, ts string, m message, since time.Time) {
	body, err := encodeClosable(m)
	if err == nil {
		var saved store.PromptMessage
		saved, err = s.prompts.Save(ctx, store.PromptMessage{SessionID: sessionID, StepID: stepID, ChannelID: ch, TS: ts,
			Body: body, At: s.now()}, since)
		if err == nil && saved.Closed {
			err = s.api.update(ctx, ch, ts, m.closed(saved.Answer))
		}
	}
	if err != nil {
		s.log.WarnContext(ctx, "could not record the prompt message", "session_id", sessionID, "step_id", stepID, "error", err.Error())
	}
}

// Notify delivers an alert as a DM.
func (s *Sender) Notify(ctx context.Context, a bot.Alert) error {
	ch, err := s.dm(ctx, a.UserID)
	if err != nil {
		return err
	}
	if _, err := s.api.post(ctx, ch, alertMessage(a)); err != nil {
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

// toClose is an open prompt to close and the answer to show in its place.
type toClose struct {
	prompt store.PromptMessage
	answer string
}

// openPrompts takes the session's open prompts, to be closed with the
// answer just taken (or with nothing, when the conversation moved
// otherwise). Failures are logged: the record is cosmetic, the answer is
// saved.
func (s *Sender) openPrompts(ctx context.Context, r bot.Reply) []toClose {
	if r.SessionID == 0 {
		return nil
	}
	s.mu.Lock()
	clicked := s.clicks[r.SessionID]
	delete(s.clicks, r.SessionID)
	s.mu.Unlock()
	step, answer := clicked.stepID, clicked.label
	if r.Answered != nil {
		step, answer = r.Answered.StepID, r.Answered.Text
	}
	// Only a tap can beat the post of its own question: a typed answer
	// leaves no mark.
	mark := step
	if clicked.stepID == "" {
		mark = ""
	}
	open, err := s.prompts.Close(ctx, r.SessionID, mark, answer, s.now())
	if err != nil {
		s.log.WarnContext(ctx, "could not look up the previous prompt", "session_id", r.SessionID, "error", err.Error())
		return nil
	}
	out := make([]toClose, 0, len(open))
	for _, p := range open {
		text := ""
		switch {
		case p.StepID == step:
			text = answer
		case p.StepID == clicked.stepID:
			text = clicked.label
		}
		out = append(out, toClose{p, text})
	}
	return out
}

// closeAll replaces the buttons of each prompt by its answer.
func (s *Sender) closeAll(ctx context.Context, sessionID int64, cs []toClose) {
	for _, c := range cs {
		if err := s.closeMessage(ctx, c.prompt, c.answer); err != nil {
			s.log.WarnContext(ctx, "could not close the previous prompt", "session_id", sessionID, "step_id", c.prompt.StepID, "error", err.Error())
		}
	}
}

func (s *Sender) closeMessage(ctx context.Context, p store.PromptMessage, answer string) error {
	m, err := decodeClosable(p.Body)
	if err != nil {
		return err
	}
	return s.api.update(ctx, p.ChannelID, p.TS, m.closed(answer))
}

// noteClick remembers that the session's prompt was tapped, and the label
// of what was tapped ("" for checkboxes and dates), for the reply that
// follows (sent by this process: the one running the turn).
func (s *Sender) noteClick(sessionID int64, stepID, label string) {
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
