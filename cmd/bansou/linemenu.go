package main

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	linebot "github.com/bansou/bansou/bot/line"
	"github.com/bansou/bansou/bot/remind"
)

// richMenuTimeout bounds the rich menu set-up at start.
const richMenuTimeout = 30 * time.Second

// ensureRichMenu makes the owner menu LINE's default at start. Every
// replica does it; the menu is found by name, never created twice. A
// failure is logged and serving goes on: owners can still type.
func (s *server) ensureRichMenu(ctx context.Context) {
	if s.lineSender == nil || !s.cfg.lineRichMenu {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, richMenuTimeout)
	defer cancel()
	id, err := s.lineSender.EnsureRichMenu(ctx)
	if err != nil {
		s.log.ErrorContext(ctx, "line rich menu not set up", "error", err.Error())
		return
	}
	s.log.InfoContext(ctx, "line rich menu ready", "rich_menu_id", id)
}

// meterLINE reads the LINE quota before each batch of pushes and exports
// what the dispatcher held: bansou_line_quota_spent (1 while the month's
// pushes are spent) and bansou_reminders_held_total{reason}.
func (s *server) meterLINE(d *remind.Dispatcher, sender *linebot.Sender) error {
	held := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bansou_reminders_held_total",
		Help: "Pushes to owners put back: quota (held until the monthly quota resets) or quiet (until the quiet hours end).",
	}, []string{"reason"})
	spent := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "bansou_line_quota_spent",
		Help: "1 while this month's LINE message quota is spent (check-ins are held), else 0.",
	})
	for _, c := range []prometheus.Collector{held, spent} {
		if err := s.reg.Register(c); err != nil {
			return fmt.Errorf("serve: metrics: %w", err)
		}
	}
	prev := d.Observe
	d.Observe = func(st remind.Stats) {
		if prev != nil {
			prev(st)
		}
		held.WithLabelValues("quota").Add(float64(st.Held))
		held.WithLabelValues("quiet").Add(float64(st.Quieted))
	}
	if sender != nil {
		d.Quota = quotaGauge{sender: sender, spent: spent}
	}
	return nil
}

// quotaGauge is the LINE quota check, recorded in a gauge.
type quotaGauge struct {
	sender *linebot.Sender
	spent  prometheus.Gauge
}

func (q quotaGauge) PushesLeft(ctx context.Context) (bool, error) {
	left, err := q.sender.PushesLeft(ctx)
	switch {
	case err != nil:
	case left:
		q.spent.Set(0)
	default:
		q.spent.Set(1)
	}
	return left, err
}
