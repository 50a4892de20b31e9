package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bansou/bansou/store"
)

// SetLocale makes lang the language the person behind (channel, userID) is
// spoken to in from now on (bansou try --lang en).
func (b *Bot) SetLocale(ctx context.Context, channel, userID, lang string) error {
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, channel, userID)
		if err != nil || p.Locale == lang {
			return err
		}
		return tx.SetLocale(ctx, p.ID, lang)
	})
	if err != nil {
		return fmt.Errorf("bot: set locale: %w", err)
	}
	return nil
}

// CleanText drops control characters (NUL, ESC, …) from what people type,
// keeping line breaks and tabs, so stored and exported text is clean.
func CleanText(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}
