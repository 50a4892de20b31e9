package main

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot"
)

// turnMetrics counts turns and their latency, by channel.
type turnMetrics struct {
	turns   *prometheus.CounterVec
	latency *prometheus.HistogramVec
	errors  *prometheus.CounterVec
}

func newTurnMetrics(reg prometheus.Registerer) (*turnMetrics, error) {
	m := &turnMetrics{
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bansou_turns_total",
			Help: "Turns handled, by channel and outcome (ok, error, timeout).",
		}, []string{"channel", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bansou_turn_duration_seconds",
			Help:    "Time to run one turn, including sending the reply.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"channel"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bansou_turn_errors_total",
			Help: "Failed turns, by channel and cause (timeout, canceled, conflict, lease_lost, quota, rate_limited, unreachable, other).",
		}, []string{"channel", "cause"}),
	}
	for _, ch := range []string{bot.ChannelSlack, bot.ChannelLINE} {
		for _, cause := range turnCauses {
			m.errors.WithLabelValues(ch, cause)
		}
	}
	for _, c := range []prometheus.Collector{m.turns, m.latency, m.errors} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// meteredBot is the bot with each turn counted and timed.
type meteredBot struct {
	*bot.Bot
	m *turnMetrics
}

// Handle runs the turn and records its outcome and latency.
func (mb meteredBot) Handle(ctx context.Context, in bot.Incoming) error {
	start := time.Now()
	err := mb.Bot.Handle(ctx, in)
	outcome := "ok"
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		outcome = "timeout"
	case err != nil:
		outcome = "error"
	}
	if err != nil {
		mb.m.errors.WithLabelValues(in.Channel, turnCause(err)).Inc()
	}
	mb.m.turns.WithLabelValues(in.Channel, outcome).Inc()
	mb.m.latency.WithLabelValues(in.Channel).Observe(time.Since(start).Seconds())
	return err
}
