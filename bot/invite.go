package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Invite codes: 8 symbols from a 32-symbol alphabet without 0/O/1/I (40
// bits), shown as XXXX-XXXX, valid for 7 days, used once, stored hashed.
const (
	codeAlphabet  = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	codeLength    = 8
	inviteTTL     = 7 * 24 * time.Hour
	maxWrongCodes = 5 // per LINE user per hour
	wrongCodeSpan = time.Hour
	actionBadCode = "invite.wrong_code"
)

// CreateInvite makes a single-use invite code for the named company (found
// by its normalised name or created when new, and assigned to advisorID
// when not 0). Only its hash is stored. It checks no access: it is the
// command line's (whoever runs bansou); Slack goes through InviteAs.
func (b *Bot) CreateInvite(ctx context.Context, companyName string, advisorID int64) (Invite, error) {
	return b.createInvite(ctx, companyName, func(context.Context, store.Tx) (int64, error) { return advisorID, nil })
}

// createInvite makes the code; who decides, in the transaction, whose name
// it is made in (and may refuse).
func (b *Bot) createInvite(ctx context.Context, companyName string, who func(context.Context, store.Tx) (int64, error)) (Invite, error) {
	name := strings.TrimSpace(companyName)
	if name == "" {
		return Invite{}, errors.New("bot: invite: company name is empty")
	}
	now := b.cfg.Now()
	var inv Invite
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		advisorID, err := who(ctx, tx)
		if err != nil {
			return err
		}
		c, err := findCompany(ctx, tx, name)
		switch {
		case errors.Is(err, store.ErrNotFound):
			c, err = createCompany(ctx, tx, name, now)
		case err == nil && advisorID != 0:
			err = b.mayInvite(ctx, tx, advisorID, c, name)
		}
		if err != nil {
			return err
		}
		if advisorID != 0 {
			if err := tx.Assign(ctx, c.ID, advisorID, now); err != nil {
				return err
			}
		}
		code, err := newCode()
		if err != nil {
			return err
		}
		stored, err := tx.CreateInvite(ctx, store.Invite{CodeHash: hashCode(code), CompanyID: c.ID,
			CreatedBy: advisorID, CreatedAt: now, ExpiresAt: now.Add(inviteTTL)})
		if err != nil {
			return err
		}
		inv = Invite{Code: code[:4] + "-" + code[4:], Company: c, ExpiresAt: stored.ExpiresAt}
		return nil
	})
	if err != nil {
		return Invite{}, fmt.Errorf("bot: invite: %w", err)
	}
	return inv, nil
}

// mayInvite is the access rule for an invite to an existing company.
func (b *Bot) mayInvite(ctx context.Context, tx store.Tx, personID int64, c store.Company, asTyped string) error {
	p, err := tx.Person(ctx, personID)
	if err != nil {
		return err
	}
	ok, err := CanSee(ctx, tx, p, c.ID)
	if err == nil && !ok {
		err = &AccessError{Company: asTyped}
	}
	return err
}

func newCode() (string, error) {
	buf := make([]byte, codeLength)
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("random code: %w", err)
	}
	for i, x := range buf {
		buf[i] = codeAlphabet[int(x)%len(codeAlphabet)] // 256 is a multiple of 32: uniform
	}
	return string(buf), nil
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte("bansou-invite:" + code))
	return hex.EncodeToString(sum[:])
}

// normalizeCode reads what an owner typed as a code: full-width letters,
// lower case, spaces and hyphens are all fine. ok is false when the text
// does not look like a code at all (a greeting, a question).
func normalizeCode(text string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(flows.Fold(text)) {
		switch {
		case r == ' ' || r == '-' || r == 'ー' || r == '‐' || r == '−':
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	code := b.String()
	return code, len(code) >= codeLength-2 && len(code) <= codeLength+2
}

// redeem links an owner who sent an invite code to the code's company.
func (t *turn) redeem(ctx context.Context) ([]Reply, error) {
	code, looksLikeCode := normalizeCode(t.in.Text)
	if !looksLikeCode {
		return t.say(flows.Msg(t.lang, "bot_to_get_started_please_send")), nil
	}
	wrong, err := t.recentWrongCodes(ctx)
	if err != nil {
		return nil, err
	}
	if wrong >= maxWrongCodes {
		return t.say(flows.Msg(t.lang, "bot_we_couldn_t_confirm_the")), nil
	}
	inv, err := t.tx.InviteByHash(ctx, hashCode(code))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return t.wrongCode(ctx)
	case err != nil:
		return nil, err
	case !inv.UsedAt.IsZero():
		return t.say(flows.Msg(t.lang, "bot_this_code_has_already_been")), nil
	case !t.in.ReceivedAt.Before(inv.ExpiresAt):
		return t.say(flows.Msg(t.lang, "bot_this_code_has_expired_codes")), nil
	}
	return t.link(ctx, inv)
}

func (t *turn) link(ctx context.Context, inv store.Invite) ([]Reply, error) {
	if err := t.tx.UseInvite(ctx, inv.ID, t.person.ID, t.in.ReceivedAt); err != nil {
		return nil, err // ErrConflict: used a moment ago by someone else; the retry explains
	}
	if err := t.tx.LinkOwner(ctx, t.person.ID, inv.CompanyID, t.in.ReceivedAt); err != nil {
		return nil, err
	}
	t.linked = true
	c, err := t.tx.Company(ctx, inv.CompanyID)
	if err != nil {
		return nil, err
	}
	advisor, err := t.inviter(ctx, inv)
	if err != nil {
		return nil, err
	}
	if s := t.b.cfg.Scheduler; s != nil {
		if c, err := t.tx.LatestCommitment(ctx, inv.CompanyID); err == nil && c.Status == "open" {
			if err := s.CommitmentAdded(ctx, t.tx, c); err != nil {
				return nil, err
			}
		}
	}
	inst := t.b.cfg.Institution
	who := flows.Msg(t.lang, "bot_owner_advisor_named", inst, advisor)
	if advisor == "" {
		who = flows.Msg(t.lang, "bot_owner_advisor_unnamed", inst)
	}
	return t.say(flows.Msg(t.lang, "bot_owner_registered", c.Name, who)), nil
}

// inviter names the advisor who made the invite while they still support
// the company (not after a handover), or else the company's advisor ("" when
// no name is known).
func (t *turn) inviter(ctx context.Context, inv store.Invite) (string, error) {
	still := false
	if inv.CreatedBy != 0 {
		var err error
		if still, err = t.tx.IsAssigned(ctx, inv.CompanyID, inv.CreatedBy); err != nil {
			return "", err
		}
	}
	if still {
		p, err := t.tx.Person(ctx, inv.CreatedBy)
		if err == nil && strings.TrimSpace(p.Name) != "" {
			return strings.TrimSpace(p.Name), nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	advisors, err := t.tx.AdvisorsOf(ctx, inv.CompanyID)
	if err != nil || len(advisors) == 0 {
		return "", err
	}
	return strings.TrimSpace(advisors[0].Name), nil
}

func (t *turn) wrongCode(ctx context.Context) ([]Reply, error) {
	err := t.tx.AddAudit(ctx, store.AuditEntry{ActorID: t.person.ID, Action: actionBadCode,
		Subject: fmt.Sprintf("person:%d", t.person.ID), At: t.in.ReceivedAt})
	if err != nil {
		return nil, err
	}
	return t.say(flows.Msg(t.lang, "bot_we_couldn_t_confirm_that")), nil
}

func (t *turn) recentWrongCodes(ctx context.Context) (int, error) {
	entries, err := t.tx.Audit(ctx, fmt.Sprintf("person:%d", t.person.ID))
	if err != nil {
		return 0, err
	}
	n := 0
	since := t.in.ReceivedAt.Add(-wrongCodeSpan)
	for _, e := range entries {
		if e.Action == actionBadCode && e.At.After(since) {
			n++
		}
	}
	return n, nil
}

// say replies with one notice and no question.
func (t *turn) say(text string) []Reply {
	t.notes = append(t.notes, text)
	return []Reply{t.reply(0, nil, nil)}
}

// ErrNotStaffMember is returned when someone who is not registered staff
// asks for something only staff may do (NotRegisteredText says whom to ask).
var ErrNotStaffMember = errors.New("bot: not registered staff")

// InviteAs makes an invite code on behalf of the staff member behind
// (channel, userID) — for example `/bansou invite 山田製作所` in Slack. A new
// company is assigned to them; an existing one only if they may see it
// (otherwise an *AccessError, and nothing of it is told).
// ErrNotStaffMember for anyone else.
func (b *Bot) InviteAs(ctx context.Context, channel, userID, company string) (Invite, error) {
	name := b.knownName(ctx, channel, userID)
	return b.createInvite(ctx, company, func(ctx context.Context, tx store.Tx) (int64, error) {
		p, ok, err := b.staffPerson(ctx, tx, channel, userID, true)
		if err == nil && !ok {
			err = ErrNotStaffMember
		}
		if err == nil && p.Name == "" && name != "" {
			err = tx.SetPersonName(ctx, p.ID, name)
		}
		return p.ID, err
	})
}

// NotRegisteredText is what a person who is not staff is told.
func (b *Bot) NotRegisteredText() string { return b.notRegistered(b.cfg.Lang) }

// Invite is a fresh invite code for an owner.
type Invite struct {
	Code      string // as the owner types it, e.g. "K7QM-X3PA"
	Company   store.Company
	ExpiresAt time.Time
}
