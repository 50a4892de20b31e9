package slack

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

func TestWebCommandDMsASingleUseLinkAndLogoutEndsSessions(t *testing.T) {
	h := newHarness(t)
	h.quickDebrief(t, "U1", "山田製作所")
	h.command(t, "U1", "C1", "web")
	text := h.lastPrompt(t).text
	m := regexp.MustCompile(`/app/signin\?t=([A-Za-z0-9_-]{43})\|`).FindStringSubmatch(text)
	if m == nil || !strings.Contains(text, "1回だけ") {
		t.Fatalf("web DM:\n%s", text)
	}
	if strings.Contains(h.logs.String(), m[1]) {
		t.Error("the link's token is in the log")
	}
	b := h.adapter.cfg.Bot.(*bot.Bot)
	ctx := context.Background()
	session, err := b.SignIn(ctx, m[1])
	if err != nil {
		t.Fatalf("sign in with the DMed link: %v", err)
	}
	if _, err := b.SignIn(ctx, m[1]); !errors.Is(err, bot.ErrWebLinkInvalid) {
		t.Errorf("second use of the link: %v, want ErrWebLinkInvalid", err)
	}
	viewer := func() error {
		var err error
		h.inTx(t, func(ctx context.Context, tx store.Tx) { _, err = b.WebViewer(ctx, tx, session) })
		return err
	}
	if err := viewer(); err != nil {
		t.Fatalf("session before logout: %v", err)
	}
	h.command(t, "U1", "C1", "web logout")
	if text := h.lastPrompt(t).text; !strings.Contains(text, "サインアウトしました（1 件") {
		t.Errorf("logout DM:\n%s", text)
	}
	if err := viewer(); !errors.Is(err, bot.ErrWebSignedOut) {
		t.Errorf("session after /bansou web logout: %v, want ErrWebSignedOut", err)
	}
}
