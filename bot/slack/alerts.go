package slack

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot"
)

var _ bot.AlertUpdater = (*Sender)(nil)

// alertMessage is an alert as a DM: a header, the details, then its buttons.
func alertMessage(a bot.Alert) message {
	blocks := []slack.Block{slack.NewHeaderBlock(plain(clip("🔔 "+a.Title, 150)))}
	if a.Text != "" {
		blocks = append(blocks, sections(a.Text)...)
	}
	if len(a.Choices) > 0 {
		blocks = append(blocks, choiceBlock(a.Choices))
	}
	return message{fallback: a.Title, blocks: blocks}
}

// NotifyRef delivers an alert as a DM and returns "channel:ts", the handle
// UpdateAlert takes to change it later.
func (s *Sender) NotifyRef(ctx context.Context, a bot.Alert) (string, error) {
	ch, err := s.dm(ctx, a.UserID)
	if err != nil {
		return "", err
	}
	ts, err := s.api.post(ctx, ch, alertMessage(a))
	if err != nil {
		return "", fmt.Errorf("slack: notify: %w", err)
	}
	return ch + ":" + ts, nil
}

// UpdateAlert replaces the alert posted at ref (chat.update): the advisor
// keeps one DM per request.
func (s *Sender) UpdateAlert(ctx context.Context, ref string, a bot.Alert) error {
	ch, ts, ok := strings.Cut(ref, ":")
	if !ok || ch == "" || ts == "" {
		return errors.New("slack: update alert: bad ref " + ref)
	}
	if err := s.api.update(ctx, ch, ts, alertMessage(a)); err != nil {
		return fmt.Errorf("slack: update alert: %w", err)
	}
	return nil
}
