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
		return a.cfg.Sender.postDM(ctx, user, textMessage(tr(a.cfg.Lang,
			"ウェブ画面からサインアウトしました（"+strconv.FormatInt(n, 10)+" 件の端末）。",
			"Signed out of the web desk ("+strconv.FormatInt(n, 10)+" browser(s)).")))
	}
	l, err := a.cfg.Bot.WebLink(ctx, bot.ChannelSlack, user)
	if errors.Is(err, bot.ErrWebNotStaff) {
		return a.cfg.Sender.postDM(ctx, user, textMessage(tr(a.cfg.Lang,
			"ウェブ画面は支援者とコーディネーターの方のみお使いいただけます。", "The web desk is for advisors and coordinators.")))
	}
	if err != nil {
		return err
	}
	return a.cfg.Sender.postDM(ctx, user, webLinkMessage(l, a.cfg.Location))
}

func webLinkMessage(l bot.WebLink, loc *time.Location) message {
	until := l.ExpiresAt.In(loc).Format("15:04")
	return textMessage(tr(l.Lang,
		"ウェブ画面へのサインイン用リンクです（"+until+" まで・1回だけ使えます）。他の人には転送しないでください。\n<"+l.URL+"|サインインする>",
		"Your sign-in link to the web desk (valid until "+until+", single use). Please don't forward it.\n<"+l.URL+"|Sign in>"))
}
