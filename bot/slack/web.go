package slack

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// web answers `/bansou web` with a single-use sign-in link in the DM, and
// `/bansou web logout` by ending every web session of the person.
func (a *Adapter) web(ctx context.Context, user, arg string) error {
	switch strings.ToLower(flows.Fold(arg)) {
	case "logout", "signout", "sign-out", "サインアウト", "ログアウト":
		n, err := a.cfg.Bot.WebLogout(ctx, bot.ChannelSlack, user)
		if err != nil {
			return err
		}
		return a.cfg.Sender.postDM(ctx, user, textMessage(flows.Msg(a.cfg.Lang, "ui_signed_out_of_the_web", strconv.FormatInt(n, 10))))
	}
	l, err := a.cfg.Bot.WebLink(ctx, bot.ChannelSlack, user)
	if errors.Is(err, bot.ErrWebNotStaff) {
		return a.cfg.Sender.postDM(ctx, user, textMessage(flows.Msg(a.cfg.Lang, "ui_the_web_desk_is_for")))
	}
	if err != nil {
		return err
	}
	return a.cfg.Sender.postDM(ctx, user, webLinkMessage(l, a.cfg.Location))
}

func webLinkMessage(l bot.WebLink, loc *time.Location) message {
	until := l.ExpiresAt.In(loc).Format("15:04")
	return textMessage(flows.Msg(l.Lang, "ui_your_sign_in_link_to", until, l.URL))
}
