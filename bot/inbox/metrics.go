package inbox

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/store"
)

// channels are the inbox's channels, whose series are created up front.
var channels = []string{"slack", "line"}

// Metrics are the inbox's Prometheus series. A nil *Metrics records
// nothing.
type Metrics struct {
	stored   *prometheus.CounterVec
	done     *prometheus.CounterVec
	retries  *prometheus.CounterVec
	failures *prometheus.CounterVec
	wait     *prometheus.HistogramVec
	pending  prometheus.Gauge
	oldest   prometheus.Gauge
}

// NewMetrics registers the inbox series with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		stored: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bansou_inbox_received_total",
			Help: "Verified inbound events offered to the inbox, by channel and outcome (stored; ran: its turn ran at once and needed no row; duplicate; error)."},
			[]string{"channel", "outcome"}),
		done: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bansou_inbox_processed_total",
			Help: "Inbox rows whose work completed, by channel."}, []string{"channel"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bansou_inbox_retried_total",
			Help: "Inbox rows run again after a failure or an expired lease, by channel."}, []string{"channel"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bansou_inbox_failed_total",
			Help: "Inbox rows given up after too many attempts, by channel."}, []string{"channel"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "bansou_inbox_wait_seconds",
			Help:    "Time from receiving an event to starting its work.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"channel"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bansou_inbox_pending",
			Help: "Inbox rows waiting or running."}),
		oldest: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bansou_inbox_oldest_pending_seconds",
			Help: "Age of the oldest pending inbox row (0 when none)."}),
	}
	for _, c := range []prometheus.Collector{m.stored, m.done, m.retries, m.failures, m.wait, m.pending, m.oldest} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, ch := range channels { // the series exist before the first event
		m.done.WithLabelValues(ch)
		m.retries.WithLabelValues(ch)
		m.failures.WithLabelValues(ch)
	}
	return m, nil
}

func (m *Metrics) intake(channel, outcome string) {
	if m != nil {
		m.stored.WithLabelValues(channel, outcome).Inc()
	}
}

func (m *Metrics) processed(channel string) {
	if m != nil {
		m.done.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) retried(channel string) {
	if m != nil {
		m.retries.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) failed(channel string) {
	if m != nil {
		m.failures.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) waited(channel string, d time.Duration) {
	if m != nil {
		m.wait.WithLabelValues(channel).Observe(d.Seconds())
	}
}

func (m *Metrics) setPending(s store.InboxStats, now time.Time) {
	if m == nil {
		return
	}
	m.pending.Set(float64(s.Pending))
	age := 0.0
	if !s.OldestReceived.IsZero() {
		age = max(now.Sub(s.OldestReceived).Seconds(), 0)
	}
	m.oldest.Set(age)
}
