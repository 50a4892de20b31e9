package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store"
)

// backlogEvery is how often the reminder backlog gauges are refreshed.
const backlogEvery = 15 * time.Second

// reminderMetrics are the reminder series: outcomes of the dispatcher,
// LINE quota refusals, and the backlog read from the store.
type reminderMetrics struct {
	outcomes *prometheus.CounterVec
	quota    prometheus.Counter
	pending  *prometheus.GaugeVec
	overdue  *prometheus.GaugeVec
	oldest   *prometheus.GaugeVec
}

// reminderKinds are the kinds whose series exist from the start.
var reminderKinds = []string{remind.KindFollowup, remind.KindCheckin, remind.KindNudge, remind.KindDigest, remind.KindAlert}

func newReminderMetrics(reg prometheus.Registerer) (*reminderMetrics, error) {
	m := &reminderMetrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bansou_reminders_total",
			Help: "Reminders handled by the dispatcher, by outcome (sent, expired, failed, cancelled, retried, held, quieted)."},
			[]string{"outcome"}),
		quota: prometheus.NewCounter(prometheus.CounterOpts{Name: "bansou_reminder_quota_refusals_total",
			Help: "Deliveries refused because the LINE monthly message quota is used up."}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bansou_reminders_pending",
			Help: "Reminders pending or being delivered, by kind."}, []string{"kind"}),
		overdue: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bansou_reminders_overdue",
			Help: "Pending reminders already due, by kind."}, []string{"kind"}),
		oldest: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bansou_reminder_oldest_overdue_seconds",
			Help: "How long the oldest overdue reminder has been due, by kind (0 when none)."}, []string{"kind"}),
	}
	for _, c := range []prometheus.Collector{m.outcomes, m.quota, m.pending, m.overdue, m.oldest} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, o := range []string{"sent", "expired", "failed", "cancelled", "retried", "held", "quieted"} {
		m.outcomes.WithLabelValues(o)
	}
	m.setBacklog(nil, time.Now())
	return m, nil
}

// observe counts the outcomes of one dispatcher batch.
func (m *reminderMetrics) observe(st remind.Stats) {
	for outcome, n := range map[string]int{"sent": st.Sent, "expired": st.Expired, "failed": st.Failed,
		"cancelled": st.Cancelled, "retried": st.Retried,
		"held": st.Held, "quieted": st.Quieted} {
		m.outcomes.WithLabelValues(outcome).Add(float64(n))
	}
}

// setBacklog sets the gauges of every kind (zero for kinds not in bs).
func (m *reminderMetrics) setBacklog(bs []store.ReminderBacklog, now time.Time) {
	for _, k := range reminderKinds {
		m.pending.WithLabelValues(k).Set(0)
		m.overdue.WithLabelValues(k).Set(0)
		m.oldest.WithLabelValues(k).Set(0)
	}
	for _, b := range bs {
		m.pending.WithLabelValues(b.Kind).Set(float64(b.Pending))
		m.overdue.WithLabelValues(b.Kind).Set(float64(b.Overdue))
		if !b.OldestAt.IsZero() {
			m.oldest.WithLabelValues(b.Kind).Set(max(now.Sub(b.OldestAt).Seconds(), 0))
		}
	}
}

// watchBacklog refreshes the backlog gauges, as of clock, until ctx ends.
func (m *reminderMetrics) watchBacklog(ctx context.Context, st store.Store, clock func() time.Time, log *slog.Logger) {
	t := time.NewTicker(backlogEvery)
	defer t.Stop()
	for {
		now := clock()
		var bs []store.ReminderBacklog
		err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			var err error
			bs, err = tx.ReminderBacklog(ctx, now)
			return err
		})
		if err == nil {
			m.setBacklog(bs, now)
		} else if ctx.Err() == nil {
			log.WarnContext(ctx, "reading the reminder backlog failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// quotaCounting is a Deliverer that counts LINE quota refusals.
type quotaCounting struct {
	remind.Deliverer
	m *reminderMetrics
}

func (q quotaCounting) Deliver(ctx context.Context, r store.Reminder) error {
	err := q.Deliverer.Deliver(ctx, r)
	if errors.Is(err, bot.ErrQuota) {
		q.m.quota.Inc()
	}
	return err
}

// turnCauses are the causes of failed turns, as counted.
var turnCauses = []string{"timeout", "canceled", "conflict", "lease_lost", "quota", "rate_limited", "unreachable", "other"}

// turnCause names why a turn failed.
func turnCause(err error) string {
	var retry *bot.RetryAfterError
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, store.ErrConflict):
		return "conflict"
	case errors.Is(err, store.ErrLeaseLost):
		return "lease_lost"
	case errors.Is(err, bot.ErrQuota):
		return "quota"
	case errors.As(err, &retry):
		return "rate_limited"
	case errors.As(err, &netErr):
		return "unreachable" // the database or the platform could not be reached
	}
	return "other"
}
