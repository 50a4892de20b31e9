package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/store"
)

// ErrNotCoordinator means a digest was asked for by someone who is not a
// coordinator: the digest spans every company.
var ErrNotCoordinator = errors.New("bot: the digest is for coordinators")

// Digest builds the coordinator digest for the coordinator behind (channel,
// userID), for example `/bansou digest` in Slack.
func (b *Bot) Digest(ctx context.Context, channel, userID string) (*digest.Digest, string, error) {
	var p store.Person
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		p, err = tx.PersonByIdentity(ctx, channel, userID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.Role != store.RoleCoordinator) {
		return nil, b.cfg.Lang, ErrNotCoordinator
	}
	if err != nil {
		return nil, "", fmt.Errorf("bot: digest: %w", err)
	}
	d, err := digest.Build(ctx, b.cfg.Store, digest.Options{Now: b.cfg.Now(), Location: b.cfg.Location, Flows: b.cfg.Flows})
	if err != nil {
		return nil, "", fmt.Errorf("bot: digest: %w", err)
	}
	lang := p.Locale
	if lang == "" {
		lang = b.cfg.Lang
	}
	return d, lang, nil
}
