package remind

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// CheckInPusher pushes a check-in to an owner (*bot.Bot).
type CheckInPusher interface {
	CheckIn(ctx context.Context, req bot.CheckInRequest) error
}

// DigestSender builds and sends a coordinator's digest for a digest
// reminder (its Payload names the slot).
type DigestSender interface {
	SendDigest(ctx context.Context, coordinator store.Person, r store.Reminder) error
}

var _ Deliverer = (*Router)(nil)

// RouterConfig is what a Router needs; NewRouter fills in the defaults.
type RouterConfig struct {
	Store     store.Store // required
	CheckIns  CheckInPusher
	Notifiers map[string]bot.Notifier // by channel, e.g. "slack"
	Digests   DigestSender            // nil: digests are logged and counted as sent
	Logger    *slog.Logger
	Lang      string // when the recipient has no locale; ja when empty
}

type routerConfig = RouterConfig

// Router is the production Deliverer: it reads what a reminder needs in a
// short transaction, then hands it to the bot (check-ins and nudges), to a
// Notifier (follow-ups) or to the digest sender. It returns ErrObsolete when
// the reason for a reminder is gone, so nobody is asked about a step that
// was already reported done. Its configuration, defaults filled in, is read
// through the RouterConfig fields.
type Router struct {
	routerConfig
}

// NewRouter returns a Router with cfg's defaults filled in.
func NewRouter(cfg RouterConfig) (*Router, error) {
	if cfg.Store == nil {
		return nil, errors.New("remind: router needs a store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Lang = cmp.Or(cfg.Lang, "ja")
	return &Router{routerConfig: cfg}, nil
}

// Deliver implements Deliverer.
func (rt *Router) Deliver(ctx context.Context, r store.Reminder) error {
	switch r.Kind {
	case KindCheckin, KindNudge:
		return rt.checkIn(ctx, r)
	case KindFollowup:
		return rt.followup(ctx, r)
	case KindDigest:
		return rt.digest(ctx, r)
	}
	return fmt.Errorf("%w: kind %q", ErrNoRoute, r.Kind)
}

// payload is what the planner puts in a reminder's Payload.
type payload struct {
	Commitment int64  `json:"commitment"`
	Followup   int64  `json:"followup"`
	Session    int64  `json:"session"`
	Slot       string `json:"slot"`
}

func parsePayload(r store.Reminder) payload {
	var p payload
	if r.Payload != "" {
		_ = json.Unmarshal([]byte(r.Payload), &p) // unknown shapes just carry no ids
	}
	return p
}

func (rt *Router) checkIn(ctx context.Context, r store.Reminder) error {
	if rt.CheckIns == nil {
		return fmt.Errorf("%w: no check-in pusher", ErrNoRoute)
	}
	if err := rt.stillWanted(ctx, r); err != nil {
		return err
	}
	return rt.CheckIns.CheckIn(ctx, bot.CheckInRequest{
		OwnerID: r.RecipientID, CompanyID: r.CompanyID, PushKey: r.DedupeKey, Nudge: r.Kind == KindNudge,
	})
}

// stillWanted returns ErrObsolete when a nudge's session no longer waits
// for an answer, or a check-in's commitment is no longer the company's
// latest open one (check-ins ask about the latest commitment: a newer one
// has its own check-ins).
func (rt *Router) stillWanted(ctx context.Context, r store.Reminder) error {
	p := parsePayload(r)
	nudge := r.Kind == KindNudge && r.SessionID != 0
	if !nudge && p.Commitment == 0 {
		return nil
	}
	return rt.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if nudge {
			s, err := tx.Session(ctx, r.SessionID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && s.Status != store.SessionActive) {
				return fmt.Errorf("%w: session %d is no longer active", ErrObsolete, r.SessionID)
			}
			return err
		}
		c, err := tx.LatestCommitment(ctx, r.CompanyID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (c.ID != p.Commitment || c.Status != "open")) {
			return fmt.Errorf("%w: commitment %d is no longer the open one", ErrObsolete, p.Commitment)
		}
		return err
	})
}

// followupNotice is what a follow-up reminder says and where.
type followupNotice struct {
	alert bot.Alert
	found bool // a channel with a notifier
}

func (rt *Router) followup(ctx context.Context, r store.Reminder) error {
	var n followupNotice
	err := rt.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		n, err = rt.followupNotice(ctx, tx, r)
		return err
	})
	if err != nil {
		return err
	}
	if !n.found {
		rt.Logger.InfoContext(ctx, "follow-up reminder has no channel to go to", "reminder_id", r.ID,
			"advisor_id", r.RecipientID, "company_id", r.CompanyID)
		return nil
	}
	return rt.Notifiers[n.alert.Channel].Notify(ctx, n.alert)
}

func (rt *Router) followupNotice(ctx context.Context, tx store.Tx, r store.Reminder) (followupNotice, error) {
	var n followupNotice
	if id := parsePayload(r).Followup; id != 0 {
		if err := followupOpen(ctx, tx, r.CompanyID, id); err != nil {
			return n, err
		}
	}
	advisor, err := tx.Person(ctx, r.RecipientID)
	if err != nil {
		return n, err
	}
	ids, err := tx.Identities(ctx, advisor.ID)
	if err != nil {
		return n, err
	}
	for _, id := range ids {
		if _, ok := rt.Notifiers[id.Channel]; ok {
			n.alert.Channel, n.alert.UserID, n.found = id.Channel, id.ExternalID, true
			break
		}
	}
	if !n.found {
		return n, nil
	}
	company, err := tx.Company(ctx, r.CompanyID)
	if err != nil {
		return n, err
	}
	commitment, err := tx.LatestCommitment(ctx, r.CompanyID)
	if errors.Is(err, store.ErrNotFound) {
		commitment, err = store.Commitment{}, nil
	}
	if err != nil {
		return n, err
	}
	lang := rt.lang(advisor)
	n.alert.Lang = lang
	n.alert.Title = flows.Msg(lang, "remind_followup_today", company.Name)
	n.alert.Text = followupText(lang, company, commitment)
	return n, nil
}

// followupOpen returns ErrObsolete unless the follow-up is still open.
func followupOpen(ctx context.Context, tx store.Tx, companyID, id int64) error {
	recs, err := tx.CompanyRecords(ctx, companyID)
	if err != nil {
		return err
	}
	for _, f := range recs.Followups {
		if f.ID == id && f.Status == "open" {
			return nil
		}
	}
	return fmt.Errorf("%w: follow-up %d is no longer open", ErrObsolete, id)
}

// followupText recalls the company's latest next step (the owner's own
// words, never a sensitive answer) and how to record the visit.
func followupText(lang string, company store.Company, c store.Commitment) string {
	var text string
	if c.Text != "" {
		text = flows.Msg(lang, "remind_last_step", c.Text)
		if d, err := flows.ParseISODate(c.Due); c.Due != "" && err == nil {
			text += flows.Msg(lang, "remind_due", d.Display(lang))
		}
		if c.Status != "" && c.Status != "open" {
			text += flows.Msg(lang, "remind_reported_"+c.Status)
		}
		text += "\n"
	}
	return text + flows.Msg(lang, "remind_record_visit", company.Name)
}

func (rt *Router) digest(ctx context.Context, r store.Reminder) error {
	if rt.Digests == nil {
		rt.Logger.InfoContext(ctx, "digest due but no digest sender is configured", "reminder_id", r.ID,
			"coordinator_id", r.RecipientID)
		return nil
	}
	var coordinator store.Person
	err := rt.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		coordinator, err = tx.Person(ctx, r.RecipientID)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: coordinator %d is gone", ErrObsolete, r.RecipientID)
	}
	if err != nil {
		return err
	}
	if coordinator.Role != store.RoleCoordinator {
		// The digest spans every company: only coordinators may see it.
		return fmt.Errorf("%w: person %d is no longer a coordinator", ErrObsolete, r.RecipientID)
	}
	return rt.Digests.SendDigest(ctx, coordinator, r)
}

func (rt *Router) lang(p store.Person) string {
	return cmp.Or(p.Locale, rt.Lang)
}
