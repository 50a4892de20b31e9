package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/bansou/bansou/store"
)

// ProfileSource tells a person's display name on one channel: Slack
// users.info for advisors, LINE's profile API for owners.
type ProfileSource interface {
	DisplayName(ctx context.Context, userID string) (string, error)
}

// nameTTL is how long a display name read from a platform is trusted
// before it is read again (a renamed advisor is seen within this time).
const nameTTL = time.Hour

// names caches display names read from the platforms, by channel and id.
type names struct {
	mu   sync.Mutex
	seen map[string]nameEntry
}

type nameEntry struct {
	name string
	at   time.Time
}

func (n *names) put(key string, e nameEntry) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]nameEntry{}
	}
	n.seen[key] = e
}

// knownName reads the display name of (channel, userID) from the
// channel's ProfileSource — at most once per nameTTL — and stores it in the
// person row when it changed. It returns the name ("" when unknown). A
// failure is logged: a missing name never stops a turn.
func (b *Bot) knownName(ctx context.Context, channel, userID string) string {
	src, ok := b.cfg.Profiles[channel]
	if !ok || userID == "" {
		return ""
	}
	key := channel + "\x00" + userID
	now := b.cfg.Now()
	b.names.mu.Lock()
	e, cached := b.names.seen[key]
	b.names.mu.Unlock()
	if cached && now.Sub(e.at) < nameTTL {
		return e.name
	}
	name, err := src.DisplayName(ctx, userID)
	if err != nil {
		b.log.WarnContext(ctx, "display name not available", "channel", channel, "error", err.Error())
		b.names.put(key, nameEntry{name: e.name, at: now}) // asked again after nameTTL, not every turn
		return e.name
	}
	name = strings.TrimSpace(name)
	b.names.put(key, nameEntry{name: name, at: now})
	if name == "" {
		return ""
	}
	err = b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, channel, userID)
		if errors.Is(err, store.ErrNotFound) {
			return nil // created by the turn, with this name
		}
		if err != nil || p.Name == name {
			return err
		}
		return tx.SetPersonName(ctx, p.ID, name)
	})
	if err != nil {
		b.log.WarnContext(ctx, "display name not stored", "channel", channel, "error", err.Error())
	}
	return name
}
