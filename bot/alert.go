package bot

import (
	"context"

	"github.com/bansou/bansou/store"
)

// Alert is a notice for a person outside any conversation — for example an
// owner asking for a call. Adapters deliver it as a direct message.
type Alert struct {
	Channel string
	UserID  string // the platform's id of the recipient
	Lang    string
	Title   string // one line, e.g. 「山田製作所から電話の希望」
	Text    string // details; never sensitive answers
	Choices []Choice
	// Key names the request the alert is about (e.g. callback:s42): a
	// later alert with the same Key to the same advisor updates the first
	// one (AlertUpdater) instead of sending another. Empty: always sent.
	Key       string
	CompanyID int64 // the company of a keyed alert
}

// Notifier delivers alerts on one channel.
type Notifier interface {
	Notify(ctx context.Context, a Alert) error
}

// alertAdvisors addresses an alert to every advisor assigned to the company
// on each channel a Notifier serves; it is sent after the turn commits.
// Only people who may see the company (CanSee) and are still admitted on
// that channel (a Slack advisor still staff) are alerted.
func (t *turn) alertAdvisors(ctx context.Context, c store.Company, a Alert) error {
	advisors, err := t.tx.AdvisorsOf(ctx, c.ID)
	if err != nil {
		return err
	}
	addressed := false
	for _, adv := range advisors {
		if ok, err := CanSee(ctx, t.tx, adv, c.ID); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		ids, err := t.tx.Identities(ctx, adv.ID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := t.b.cfg.Notifiers[id.Channel]; !ok || !t.b.admitted(id.Channel, id.ExternalID, adv) {
				continue
			}
			x := a
			x.Channel, x.UserID, x.Lang = id.Channel, id.ExternalID, adv.Locale
			t.alerts = append(t.alerts, x)
			addressed = true
			break
		}
	}
	if !addressed {
		// No Slack: the log says so (without the owner's words) and the
		// coordinator digest shows the escalation from the audit log.
		t.b.log.WarnContext(ctx, "advisor alert has no channel", "company_id", c.ID, "title", a.Title)
	}
	return nil
}

// notify sends the alerts of a committed turn. A failed alert is logged, not
// returned: the turn is saved and the digest still shows it.
func (b *Bot) notify(ctx context.Context, alerts []Alert) {
	for _, a := range alerts {
		n, ok := b.cfg.Notifiers[a.Channel]
		if !ok {
			continue
		}
		if u, keyed := n.(AlertUpdater); keyed && a.Key != "" {
			if err := b.notifyKeyed(ctx, u, a); err != nil {
				b.log.ErrorContext(ctx, "advisor alert failed", "channel", a.Channel, "key", a.Key, "error", err.Error())
			}
			continue
		}
		if err := n.Notify(ctx, a); err != nil {
			b.log.ErrorContext(ctx, "advisor alert failed", "channel", a.Channel, "error", err.Error())
		}
	}
}
