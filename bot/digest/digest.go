// Package digest computes the coordinator's weekly digest (domain.md §B.5)
// from what the store holds: overdue follow-ups, companies stuck on a wall,
// owners who asked for a call, referrals waiting, small wins, and the rest
// of the ten (eleven in the first week of a month) sections. Build reads
// everything in one transaction and writes nothing; the Digest it returns
// renders itself as text (Text) and is rendered as Block Kit by bot/slack.
//
// Answers marked sensitive (要配慮) are dropped as they are read, so no
// section can show them. Every date and "this week" is judged in
// Options.Location (Asia/Tokyo in bansou), not in the server's zone.
package digest

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Options configure Build.
type Options struct {
	Now      time.Time      // the moment the digest is computed for
	Location *time.Location // local time of the people; UTC when nil
	// Flows supplies the labels of stored option ids (walls, stages,
	// referral destinations); the built-in flows when nil.
	Flows      *flows.Set
	Thresholds Thresholds
	// MaxLines caps the lines shown per section (the rest are summed up as
	// 「ほか N 社」); 10 when zero.
	MaxLines int
}

// Thresholds are the configurable rules of §B.5. A zero field takes its
// default (DefaultThresholds).
type Thresholds struct {
	WeekDays             int // "this week" = the WeekDays (7) calendar days up to today, today included
	StuckDebriefs        int // same main wall in this many consecutive debriefs (2)
	StuckDays            int // …or held this long while a verification says unchanged/bigger (45)
	ReferralPendingDays  int // a referral still pending after this many days (14)
	ReferralAcceptedDays int // accepted with no outcome after this many days (30)
	LowConfidence        int // check-in confidence at or below this (2)
	ConfidenceDrop       int // …or a drop of at least this since the previous check-in (2)
	CallbackDays         int // a call request with no advisor contact after this many days (2)
	// UnansweredInARow is how many checkin.unanswered entries in a row
	// (since the owner's last answer) flag a company (1): bot/remind writes
	// one only after the check-in and its nudge both went unanswered, which
	// is §B.5's "unanswered twice in a row".
	UnansweredInARow      int
	StaleSessionDays      int // a debrief still unfinished after this many days (3)
	SelfRunningSigns      int // signs of self-running in each of two consecutive verifications (3)
	SelfRunningConfidence int // …with the last confidence at least this (4)
}

// DefaultThresholds are the values proposed in §B.5.
func DefaultThresholds() Thresholds {
	return Thresholds{WeekDays: 7, StuckDebriefs: 2, StuckDays: 45, ReferralPendingDays: 14,
		ReferralAcceptedDays: 30, LowConfidence: 2, ConfidenceDrop: 2, CallbackDays: 2,
		UnansweredInARow: 1, StaleSessionDays: 3, SelfRunningSigns: 3, SelfRunningConfidence: 4}
}

// withDefaults fills zero fields from DefaultThresholds.
func (t Thresholds) withDefaults() Thresholds {
	d := DefaultThresholds()
	for _, p := range []struct{ v, def *int }{
		{&t.WeekDays, &d.WeekDays}, {&t.StuckDebriefs, &d.StuckDebriefs}, {&t.StuckDays, &d.StuckDays},
		{&t.ReferralPendingDays, &d.ReferralPendingDays}, {&t.ReferralAcceptedDays, &d.ReferralAcceptedDays},
		{&t.LowConfidence, &d.LowConfidence}, {&t.ConfidenceDrop, &d.ConfidenceDrop},
		{&t.CallbackDays, &d.CallbackDays}, {&t.UnansweredInARow, &d.UnansweredInARow},
		{&t.StaleSessionDays, &d.StaleSessionDays}, {&t.SelfRunningSigns, &d.SelfRunningSigns},
		{&t.SelfRunningConfidence, &d.SelfRunningConfidence},
	} {
		if *p.v <= 0 {
			*p.v = *p.def
		}
	}
	return t
}

// Digest is the coordinator's digest at one moment.
type Digest struct {
	Now       time.Time  // in the configured location
	Today     flows.Date // Now's local day
	WeekFrom  time.Time  // start of "this week": local midnight WeekDays-1 days ago
	Companies int        // companies covered (the coordinator sees all)
	Monthly   bool       // the first week of a month: section 11 is included
	Sections  []Section  // in §B.5 order
	MaxLines  int        // lines shown per section
}

// Section is one heading of the digest.
type Section struct {
	No     int // 1–11, as numbered in §B.5
	Title  flows.Text
	Groups []Group // non-empty groups, in display order
	// Notes say honestly what bansou does not collect yet for this
	// section, so an empty list is not mistaken for "nothing to report".
	Notes []flows.Text
}

// Empty reports whether the section has no line to show.
func (s Section) Empty() bool {
	for _, g := range s.Groups {
		if len(g.Items) > 0 {
			return false
		}
	}
	return true
}

// Group is a run of lines under an optional sub-heading (a wall, a referral
// destination, a kind of alert).
type Group struct {
	Title flows.Text // zero: no sub-heading
	Items []Item
}

// Item is one line: about one company (or none, for a summary line).
type Item struct {
	Company string     // "" for a line not about one company
	Advisor string     // who looks after the company, when known
	Text    flows.Text // the rest of the line
}

// Build computes the digest for opt.Now from st, in one read-only
// transaction.
func Build(ctx context.Context, st store.Store, opt Options) (*Digest, error) {
	b, err := newBuilder(opt)
	if err != nil {
		return nil, err
	}
	var snap *snapshot
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		snap, err = load(ctx, tx, b.from, b.labels)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("digest: build: %w", err)
	}
	return b.build(snap), nil
}

// builder holds what every section rule needs.
type builder struct {
	now    time.Time
	loc    *time.Location
	today  flows.Date
	from   time.Time
	th     Thresholds
	labels labels
	lines  int
}

func newBuilder(opt Options) (*builder, error) {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	set := opt.Flows
	if set == nil {
		var err error
		if set, err = flows.Builtin(); err != nil {
			return nil, fmt.Errorf("digest: flows: %w", err)
		}
	}
	now := opt.Now.In(loc)
	th := opt.Thresholds.withDefaults()
	today := flows.DateOf(now)
	return &builder{now: now, loc: loc, today: today, from: today.AddDays(1 - th.WeekDays).In(loc),
		th: th, labels: labels{set: set}, lines: cmp.Or(opt.MaxLines, 10)}, nil
}

func (b *builder) build(s *snapshot) *Digest {
	d := &Digest{Now: b.now, Today: b.today, WeekFrom: b.from, Companies: len(s.companies),
		Monthly: b.today.Day <= 7, MaxLines: b.lines}
	d.Sections = []Section{
		b.needsAction(s), b.overdue(s), b.stuck(s), b.referrals(s), b.thisWeek(s),
		b.smallWins(s), b.selfRunning(s), b.advisorLoad(s), b.recordQuality(s), b.questions(s),
	}
	if d.Monthly {
		d.Sections = append(d.Sections, b.monthly(s))
	}
	return d
}

// dateOf is t's local calendar day.
func (b *builder) dateOf(t time.Time) flows.Date { return flows.DateOf(t.In(b.loc)) }

// daysSince counts local calendar days from t to today.
func (b *builder) daysSince(t time.Time) int { return daysBetween(b.dateOf(t), b.today) }

// inWeek reports whether t falls in the digest's week.
func (b *builder) inWeek(t time.Time) bool { return !t.Before(b.from) && !t.After(b.now) }

// daysBetween is the number of days from a to z (negative when z is earlier).
func daysBetween(a, z flows.Date) int {
	return int(z.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}
