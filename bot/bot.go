package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Config is what a Bot needs.
type Config struct {
	Store       store.Store
	Flows       *flows.Set
	Senders     map[string]Sender   // by channel
	Notifiers   map[string]Notifier // alerts to advisors, by channel (slack)
	Scheduler   Scheduler           // reminders for what a turn created; nil: none
	UrgentWords []string            // owner text that alerts the advisor; nil: DefaultUrgentWords
	Calendar    Workdays            // working days for dates told to people; nil: every day
	Logger      *slog.Logger
	Now         func() time.Time // the clock; time.Now when nil
	Location    *time.Location   // local time of the people (Asia/Tokyo)
	Lang        string           // default language: ja
	Institution string           // name shown to owners, e.g. ○○商工会
	Staff       *Staff           // who may use the advisor side on Slack; nil: anyone (open enrolment)
	PublicURL   string           // where bansou serve is reached (BANSOU_PUBLIC_URL), for web sign-in links

	// Profiles read display names, by channel (slack, line); nil: none.
	Profiles map[string]ProfileSource
}

// Workdays moves a time to a working day (bot/calendar implements it).
type Workdays interface {
	Next(t time.Time) time.Time
}

// Bot runs conversations.
type Bot struct {
	cfg         Config
	log         *slog.Logger
	urgentWords []string // cfg.UrgentWords, folded once
	names       names    // display names read from the platforms
}

// New returns a Bot. It fails when a built-in role flow is missing.
func New(cfg Config) (*Bot, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Lang == "" {
		cfg.Lang = "ja"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.UrgentWords == nil {
		cfg.UrgentWords = DefaultUrgentWords
	}
	for _, id := range []string{FlowDebrief, FlowCheckin} {
		if _, ok := cfg.Flows.Get(id); !ok {
			return nil, fmt.Errorf("bot: flow %q is missing", id)
		}
	}
	b := &Bot{cfg: cfg, log: cfg.Logger.With("component", "bot")}
	for _, w := range cfg.UrgentWords {
		if w = flows.Fold(w); w != "" {
			b.urgentWords = append(b.urgentWords, w)
		}
	}
	return b, nil
}

// errDuplicate ends a transaction whose event was already handled.
var errDuplicate = errors.New("bot: duplicate event")

// maxAttempts bounds the retries of a turn that lost an optimistic-lock race.
const maxAttempts = 3

// Handle runs one turn: a duplicate delivery has no effect; a tap that lost
// a race gets the current prompt again; replies are sent only after commit.
func (b *Bot) Handle(ctx context.Context, in Incoming) error {
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = b.cfg.Now()
	}
	in.Text = CleanText(in.Text)
	if in.Channel != ChannelLINE { // an owner's name is read once, at linking
		if name := b.knownName(ctx, in.Channel, in.UserID); name != "" {
			in.UserName = name
		}
	}
	var out outbox
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		out, err = b.turnTx(ctx, in)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
		if in.Action != nil {
			// Two taps on the same step: the other one won. Say so and
			// show where the conversation stands now.
			out.alerts = nil
			out.replies, err = b.currentPrompt(ctx, in, true)
			break
		}
	}
	switch {
	case errors.Is(err, errDuplicate):
		b.log.InfoContext(ctx, "duplicate event ignored", "event_id", in.EventID, "channel", in.Channel)
		return nil
	case err != nil:
		return fmt.Errorf("bot: handle %s event: %w", in.Channel, err)
	}
	// The turn is committed: say so even if ctx ends now (shutdown), or the
	// person would never hear back.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
	defer cancel()
	// The reply first: the owner is not kept waiting for Slack (nor for
	// LINE's profile API), and the reply token is used while fresh.
	err = b.send(ctx, out.replies)
	b.notify(ctx, out.alerts)
	if out.linked {
		b.knownName(ctx, in.Channel, in.UserID)
	}
	return err
}

// outbox is what a committed turn sends: replies to the person, alerts to
// their advisors.
type outbox struct {
	replies []Reply
	alerts  []Alert
	linked  bool // an owner was linked: their display name is read
}

func (b *Bot) turnTx(ctx context.Context, in Incoming) (outbox, error) {
	var out outbox
	claim, claimed := inboxClaim(ctx)
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		t, err := b.openTurn(ctx, tx, in, claim)
		if err != nil {
			return err
		}
		out.replies, err = t.run(ctx)
		out.alerts, out.linked = t.alerts, t.linked
		return err
	})
	if err == nil && claimed {
		claim.finish()
	}
	return out, err
}

// currentPrompt re-reads the session and re-sends its prompt.
func (b *Bot) currentPrompt(ctx context.Context, in Incoming, stale bool) ([]Reply, error) {
	var replies []Reply
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		t, err := b.newTurn(ctx, tx, in)
		if err != nil {
			return err
		}
		t.resuming = !stale
		replies, err = t.resend(ctx, stale)
		return err
	})
	return replies, err
}

// Resume re-sends the current prompt of the person's active session, for
// example when the console starts again after a restart. It returns false
// when the person has no active session.
func (b *Bot) Resume(ctx context.Context, channel, userID string) (bool, error) {
	replies, err := b.currentPrompt(ctx, Incoming{Channel: channel, UserID: userID}, false)
	if err != nil {
		return false, fmt.Errorf("bot: resume: %w", err)
	}
	if len(replies) == 0 {
		return false, nil
	}
	return true, b.send(ctx, replies)
}

func (b *Bot) send(ctx context.Context, replies []Reply) error {
	for _, r := range replies {
		s, ok := b.cfg.Senders[r.Channel]
		if !ok {
			return fmt.Errorf("bot: no sender for channel %q", r.Channel)
		}
		if err := s.Send(ctx, r); err != nil {
			what := "reply"
			if r.ReplyToken == "" {
				what = "push"
			}
			return fmt.Errorf("bot: send %s %s: %w", r.Channel, what, err)
		}
	}
	return nil
}

func (b *Bot) env(lang string) flows.Env {
	return flows.Env{Today: flows.DateOf(b.cfg.Now().In(b.cfg.Location)), Lang: lang, Vars: map[string]string{
		"institution": b.cfg.Institution,
	}}
}
