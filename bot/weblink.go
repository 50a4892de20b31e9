package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bansou/bansou/store"
)

// Sign-in to the web desk: a single-use link (256 random bits, stored
// hashed, valid 10 minutes) opens a session (256 random bits in a cookie,
// stored hashed) that ends after 8 hours without a request, or when the
// person signs out everywhere.
const (
	WebLinkTTL   = 10 * time.Minute
	WebIdleLimit = 8 * time.Hour
	webTouchStep = time.Minute // last-seen is written at most this often
	webLinkPath  = "/app/signin"
)

var (
	// ErrWebLinkInvalid is returned for a sign-in link that is unknown,
	// expired or used before. The three are not told apart.
	ErrWebLinkInvalid = errors.New("bot: web sign-in link is invalid")
	// ErrWebSignedOut is returned for a session cookie that is unknown,
	// idle too long or ended.
	ErrWebSignedOut = errors.New("bot: web session has ended")
	// ErrWebNotStaff is returned when someone who is not an advisor or a
	// coordinator asks for the web desk.
	ErrWebNotStaff = errors.New("bot: web desk is for advisors and coordinators")
)

// WebLink is a sign-in link for one person.
type WebLink struct {
	URL       string
	ExpiresAt time.Time
	Lang      string
}

// WebLink makes a single-use sign-in link for the advisor or coordinator
// behind (channel, userID); an unknown Slack user becomes an advisor, as in
// the chat. Only the token's hash is stored.
func (b *Bot) WebLink(ctx context.Context, channel, userID string) (WebLink, error) {
	if channel == ChannelSlack && !b.cfg.Staff.Open() && !b.cfg.Staff.Member(userID) {
		return WebLink{}, ErrWebNotStaff // not staff: nothing is stored about them
	}
	p, err := b.EnsurePerson(ctx, channel, userID, "", store.RoleAdvisor)
	if err != nil {
		return WebLink{}, fmt.Errorf("bot: web link: %w", err)
	}
	if p.Role != store.RoleAdvisor && p.Role != store.RoleCoordinator {
		return WebLink{}, ErrWebNotStaff
	}
	return b.webLinkFor(ctx, p)
}

// WebLinkFor makes a sign-in link for a person already known by id (the
// command line's web-link).
func (b *Bot) WebLinkFor(ctx context.Context, personID int64) (WebLink, error) {
	var p store.Person
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		p, err = tx.Person(ctx, personID)
		return err
	})
	if err != nil {
		return WebLink{}, fmt.Errorf("bot: web link: %w", err)
	}
	if p.Role != store.RoleAdvisor && p.Role != store.RoleCoordinator {
		return WebLink{}, ErrWebNotStaff
	}
	return b.webLinkFor(ctx, p)
}

func (b *Bot) webLinkFor(ctx context.Context, p store.Person) (WebLink, error) {
	token, err := newWebToken()
	if err != nil {
		return WebLink{}, err
	}
	now := b.cfg.Now()
	l := store.WebLink{TokenHash: HashWebToken(token), PersonID: p.ID, CreatedAt: now, ExpiresAt: now.Add(WebLinkTTL)}
	err = b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		_, err := tx.CreateWebLink(ctx, l)
		return err
	})
	if err != nil {
		return WebLink{}, fmt.Errorf("bot: web link: %w", err)
	}
	lang := b.cfg.Lang
	if p.Locale != "" {
		lang = p.Locale
	}
	return WebLink{URL: strings.TrimRight(b.cfg.PublicURL, "/") + webLinkPath + "?t=" + token, ExpiresAt: l.ExpiresAt, Lang: lang}, nil
}

// SignIn uses a sign-in link's token once and opens a session. It returns
// the session token for the cookie. ErrWebLinkInvalid when the link is
// unknown, expired or was used before.
func (b *Bot) SignIn(ctx context.Context, linkToken string) (string, error) {
	session, err := newWebToken()
	if err != nil {
		return "", err
	}
	now := b.cfg.Now()
	err = b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		l, err := tx.UseWebLink(ctx, HashWebToken(linkToken), now)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
			return ErrWebLinkInvalid
		}
		if err != nil {
			return err
		}
		if !now.Before(l.ExpiresAt) {
			return ErrWebLinkInvalid // the transaction rolls back; the link stays unused but expired
		}
		_, err = tx.CreateWebSession(ctx, store.WebSession{TokenHash: HashWebToken(session), PersonID: l.PersonID, CreatedAt: now, LastSeenAt: now})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("bot: sign in: %w", err)
	}
	return session, nil
}

// WebViewer returns the person signed in with sessionToken, inside the
// caller's transaction, and keeps the session alive. ErrWebSignedOut when
// the session is unknown, ended or idle for WebIdleLimit; an idle session is
// deleted (commit the transaction to make that last).
func (b *Bot) WebViewer(ctx context.Context, tx store.Tx, sessionToken string) (store.Person, error) {
	if sessionToken == "" {
		return store.Person{}, ErrWebSignedOut
	}
	s, err := tx.WebSessionByHash(ctx, HashWebToken(sessionToken))
	if errors.Is(err, store.ErrNotFound) {
		return store.Person{}, ErrWebSignedOut
	}
	if err != nil {
		return store.Person{}, err
	}
	now := b.cfg.Now()
	if now.Sub(s.LastSeenAt) >= WebIdleLimit {
		if err := tx.EndWebSession(ctx, s.ID); err != nil {
			return store.Person{}, err
		}
		return store.Person{}, ErrWebSignedOut
	}
	p, err := tx.Person(ctx, s.PersonID)
	if err != nil {
		return store.Person{}, err
	}
	if p.Role != store.RoleAdvisor && p.Role != store.RoleCoordinator {
		return store.Person{}, ErrWebSignedOut
	}
	if ok, err := b.stillStaff(ctx, tx, p); err != nil || !ok {
		return store.Person{}, errors.Join(err, b.endWebSession(ctx, tx, s.ID, err))
	}
	if now.Sub(s.LastSeenAt) >= webTouchStep {
		if err := tx.TouchWebSession(ctx, s.ID, now); err != nil {
			return store.Person{}, err
		}
	}
	if p.Locale == "" {
		p.Locale = b.cfg.Lang
	}
	return p, nil
}

// WebLogout ends every web session of the person behind (channel, userID)
// and returns how many it ended.
func (b *Bot) WebLogout(ctx context.Context, channel, userID string) (int64, error) {
	var n int64
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, channel, userID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		n, err = tx.EndWebSessions(ctx, p.ID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("bot: web logout: %w", err)
	}
	return n, nil
}

// HashWebToken is how link and session tokens are stored.
func HashWebToken(token string) string {
	sum := sha256.Sum256([]byte("bansou-web:" + token))
	return hex.EncodeToString(sum[:])
}

func newWebToken() (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("bot: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(buf), nil
}

// stillStaff reports whether a signed-in advisor is still staff on Slack
// (Admitted): someone who left the advisor group loses the web desk too.
// With open enrolment nothing is read.
func (b *Bot) stillStaff(ctx context.Context, tx store.Tx, p store.Person) (bool, error) {
	if p.Role != store.RoleAdvisor || b.cfg.Staff.Open() {
		return true, nil
	}
	ids, err := tx.Identities(ctx, p.ID)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if id.Channel == ChannelSlack {
			return b.Admitted(id.Channel, id.ExternalID, p), nil
		}
	}
	return true, nil // known only on the console (a local trial)
}

// endWebSession ends a session whose person may no longer sign in; the
// caller then answers as signed out. After a store error it does nothing.
func (b *Bot) endWebSession(ctx context.Context, tx store.Tx, id int64, failed error) error {
	if failed != nil {
		return nil
	}
	if err := tx.EndWebSession(ctx, id); err != nil {
		return err
	}
	return ErrWebSignedOut
}
