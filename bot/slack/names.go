package slack

import (
	"context"
	"strings"

	"github.com/bansou/bansou/bot"
)

var _ bot.ProfileSource = (*Sender)(nil)

// DisplayName is the Slack user's display name (users.info): the profile's
// display name, else the real name. The bot caches it in the person row
// and reads it again at most hourly, so a rename is seen.
func (s *Sender) DisplayName(ctx context.Context, user string) (string, error) {
	var name string
	err := s.api.idempotent(ctx, "users.info", func() error {
		u, err := s.api.client.GetUserInfoContext(ctx, user)
		if err != nil {
			return err
		}
		name = strings.TrimSpace(u.Profile.DisplayName)
		if name == "" {
			name = strings.TrimSpace(u.Profile.RealName)
		}
		if name == "" {
			name = strings.TrimSpace(u.RealName)
		}
		return nil
	})
	return name, err
}
