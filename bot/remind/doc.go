// Package remind turns bansou's commitments, follow-ups and schedules into
// reminder rows and delivers them.
//
//   - Planner implements bot.Scheduler: what a turn created (a follow-up
//     date, an owner's commitment, a 「あとで」) becomes reminders in the
//     turn's own transaction. Its periodic Plan pass, which any replica may
//     run, adds what time alone creates: check-ins for owners who linked
//     late, nudges of unanswered check-ins (and expiry after a second
//     silence), and coordinator digests from the digest cron spec.
//   - Dispatcher claims due rows with a lease, delivers them outside any
//     transaction through a Deliverer (Router in production), and records
//     each outcome in a short transaction of its own.
//   - Service wakes both with robfig/cron and a ticker. Due times live in
//     the database only: cron never holds a reminder in memory.
//
// Every reminder has a unique dedupe key derived from its reason and slot,
// never from the time it was planned, so planning twice, on any number of
// replicas, enqueues nothing new (INSERT … ON CONFLICT DO NOTHING). Delivery
// is at least once; the key doubles as the push key, so LINE sees the same
// X-Line-Retry-Key on every retry from any replica.
//
// All dates are working days of a calendar.Calendar (Asia/Tokyo, 祝日,
// 年末年始): a reminder planned for a holiday moves to the next working day
// at the same local time, while its key keeps the planned slot.
//
// Owners are spared: nothing is pushed in the quiet hours (QuietHours,
// 20:00–08:00 by default; a check-in found due then waits for the end), a
// 「あとで」 comes back at the check-in's time or 10:00 on the next working
// day, check-ins of one owner are kept 3 days apart, a re-follow plans one
// for the next working day (OwnerReturned), and when the month's LINE
// quota is spent check-ins are held — still pending — until 10:00 on the
// first working day of next month.
package remind

// Reminder kinds.
const (
	KindFollowup = "followup" // the advisor's follow-up day
	KindCheckin  = "checkin"  // a check-in pushed to an owner on LINE
	KindNudge    = "nudge"    // a gentle reminder of an unanswered check-in
	KindDigest   = "digest"   // the coordinator digest
	KindAlert    = "alert"    // an urgent notice to an advisor
)
