package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// ErrUnreachable means the owner blocked the bot (or was never linked):
// nothing may be pushed to them.
var ErrUnreachable = errors.New("bot: owner is unreachable")

// CheckInRequest asks the bot to push a check-in to an owner.
type CheckInRequest struct {
	OwnerID   int64
	CompanyID int64
	PushKey   string // stable per scheduled delivery (the reminder's dedupe key)
	Nudge     bool   // a gentle reminder of an unanswered check-in
}

// CheckIn pushes a check-in to an owner: it starts the check-in flow about
// the company, or re-sends the current question when one is open. It is
// idempotent for a PushKey: a retry after a crash pushes the same question
// with the same key. ErrUnreachable when the owner blocked the bot or is not
// linked; nil without a push when the company has no open commitment.
func (b *Bot) CheckIn(ctx context.Context, req CheckInRequest) error {
	var replies []Reply
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		t, link, err := b.ownerTurn(ctx, tx, req)
		if err != nil {
			return err
		}
		replies, err = t.checkIn(ctx, req, link)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: check-in for owner %d: %w", req.OwnerID, err)
	}
	for i := range replies {
		replies[i].PushKey = req.PushKey
	}
	return b.send(ctx, replies)
}

// ownerTurn is a turn on behalf of the bot towards a linked, reachable
// owner, addressed by their LINE id.
func (b *Bot) ownerTurn(ctx context.Context, tx store.Tx, req CheckInRequest) (*turn, store.OwnerLink, error) {
	link, err := tx.OwnerLink(ctx, req.OwnerID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, link, ErrUnreachable
	}
	if err != nil {
		return nil, link, err
	}
	if !link.Reachable || (req.CompanyID != 0 && link.CompanyID != req.CompanyID) {
		return nil, link, ErrUnreachable
	}
	p, err := tx.Person(ctx, req.OwnerID)
	if err != nil {
		return nil, link, err
	}
	ids, err := tx.Identities(ctx, p.ID)
	if err != nil {
		return nil, link, err
	}
	in := Incoming{Channel: ChannelLINE, ReceivedAt: b.cfg.Now()}
	for _, id := range ids {
		if id.Channel == ChannelLINE {
			in.UserID = id.ExternalID
		}
	}
	if in.UserID == "" {
		return nil, link, ErrUnreachable
	}
	lang := p.Locale
	if lang == "" {
		lang = b.cfg.Lang
	}
	return &turn{b: b, tx: tx, in: in, person: p, lang: lang}, link, nil
}

func (t *turn) checkIn(ctx context.Context, req CheckInRequest, link store.OwnerLink) ([]Reply, error) {
	sess, err := t.tx.ActiveSession(ctx, t.person.ID)
	if err == nil {
		if req.Nudge {
			t.notes = append(t.notes, flows.Msg(t.lang, "bot_a_gentle_reminder_of_our"))
		}
		return t.resendSession(ctx, sess, false)
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if req.Nudge {
		return nil, nil // answered (or closed) since the nudge was planned
	}
	c, err := t.tx.LatestCommitment(ctx, link.CompanyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Status != "open") {
		return nil, nil // nothing to ask about
	}
	if err != nil {
		return nil, err
	}
	company, err := t.tx.Company(ctx, link.CompanyID)
	if err != nil {
		return nil, err
	}
	note, err := t.newAdvisorNote(ctx, link.CompanyID)
	if err != nil {
		return nil, err
	}
	replies, err := t.start(ctx, StartRequest{FlowID: FlowCheckin, Company: company.Name})
	if note != "" && len(replies) > 0 {
		replies[0].Text = strings.TrimSpace(note + "\n" + replies[0].Text)
	}
	return replies, err
}
