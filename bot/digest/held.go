package digest

import (
	"context"
	"fmt"
	"strings"

	"github.com/bansou/bansou/store"
)

// heldForQuota reports whether a pending reminder is held because the
// month's LINE message quota is spent (bot/remind marks them so).
func heldForQuota(r store.Reminder) bool {
	return r.Status == store.ReminderPending && strings.HasPrefix(r.LastError, "held:") && strings.Contains(r.LastError, "quota")
}

// loadHeld keeps the check-ins held until the LINE quota resets.
func (s *snapshot) loadHeld(ctx context.Context, tx store.Tx) error {
	rs, err := tx.Reminders(ctx, store.ReminderFilter{Status: store.ReminderPending})
	if err != nil {
		return fmt.Errorf("held reminders: %w", err)
	}
	for _, r := range rs {
		if heldForQuota(r) {
			s.held = append(s.held, r)
		}
	}
	return nil
}

// heldDeliveries lists, per company, the check-ins waiting for the LINE
// quota to reset, and when they go out.
func (b *builder) heldDeliveries(s *snapshot) []dated {
	var out []dated
	for _, r := range s.held {
		kind, ok := reminderKinds[r.Kind]
		if !ok {
			kind = verbatim(r.Kind)
		}
		it := Item{Text: join(wrapf("LINE の今月の送信上限に達したため、%sを保留中", "Held: this month's LINE message quota is spent (%s)", kind),
			wrapf("%sに送ります", "goes out %s", day(b.dateOf(r.DueAt))))}
		if c, ok := s.company(r.CompanyID); ok {
			it.Company = c.Name
		}
		out = append(out, dated{r.DueAt, it})
	}
	return out
}
