package digest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

// secret is planted in sensitive answers; it must never reach a digest.
const secret = "機密4217"

var jst = mustLoad("Asia/Tokyo")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// monday is the fixture's "now": Monday 2026-11-16 09:00 JST, when the
// weekly digest goes out.
var monday = time.Date(2026, 11, 16, 9, 0, 0, 0, jst)

// openStore opens a fresh SQLite file.
func openStore(t testing.TB) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// ans is one answer of a fixture session.
type ans struct {
	step, tag, value string
	sensitive        bool
}

// writer records sessions and their derived records the way the bot does,
// with explicit times.
type writer struct {
	t   testing.TB
	ctx context.Context
	tx  store.Tx
	now time.Time
}

func (w *writer) ago(days int) time.Time { return w.now.AddDate(0, 0, -days) }

// date is the local day days from now, as stored (YYYY-MM-DD).
func (w *writer) date(days int) string { return flows.DateOf(w.now.AddDate(0, 0, days)).String() }

func (w *writer) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *writer) person(role store.Role, name, channel, ext string) store.Person {
	w.t.Helper()
	p, err := w.tx.CreatePerson(w.ctx, store.Person{Role: role, Name: name, Locale: "ja", CreatedAt: w.ago(200)}, channel, ext)
	w.must(err)
	return p
}

func (w *writer) company(name string, advisor store.Person) store.Company {
	w.t.Helper()
	c, err := w.tx.CreateCompany(w.ctx, store.Company{Name: name, CreatedAt: w.ago(200)})
	w.must(err)
	if advisor.ID != 0 {
		w.must(w.tx.Assign(w.ctx, c.ID, advisor.ID, w.ago(200)))
	}
	return c
}

// session stores a completed session of flowID that ended at at.
func (w *writer) session(flowID string, c store.Company, by store.Person, at time.Time, answers ...ans) store.Session {
	w.t.Helper()
	s, err := w.tx.CreateSession(w.ctx, store.Session{FlowID: flowID, FlowVersion: 1, CompanyID: c.ID,
		RespondentID: by.ID, Channel: "slack", Status: store.SessionCompleted,
		CreatedAt: at.Add(-20 * time.Minute), UpdatedAt: at, CompletedAt: at})
	w.must(err)
	for _, a := range answers {
		_, err := w.tx.AddAnswer(w.ctx, store.Answer{SessionID: s.ID, StepID: a.step, Value: a.value, Raw: a.value,
			Tag: a.tag, Sensitive: a.sensitive, ByPersonID: by.ID, At: at.Add(-time.Minute)})
		w.must(err)
	}
	return s
}

// followup replaces the company's open follow-up, as a completed debrief does.
func (w *writer) followup(s store.Session, by store.Person, due string) {
	w.t.Helper()
	_, err := w.tx.CloseFollowups(w.ctx, s.CompanyID)
	w.must(err)
	_, err = w.tx.AddFollowup(w.ctx, store.Followup{CompanyID: s.CompanyID, AdvisorID: by.ID, SessionID: s.ID,
		Due: due, Status: "open", CreatedAt: s.CompletedAt})
	w.must(err)
}

func (w *writer) referral(s store.Session, status string, targets ...string) {
	w.t.Helper()
	_, err := w.tx.AddReferral(w.ctx, store.Referral{CompanyID: s.CompanyID, SessionID: s.ID, Targets: targets,
		Reason: "資金面の相談", Status: status, CreatedAt: s.CompletedAt})
	w.must(err)
}

func (w *writer) commitment(s store.Session, text, due string) {
	w.t.Helper()
	_, err := w.tx.AddCommitment(w.ctx, store.Commitment{CompanyID: s.CompanyID, SessionID: s.ID, Text: text,
		Due: due, Status: "open", CreatedAt: s.CompletedAt})
	w.must(err)
}

func (w *writer) smallWin(s store.Session, text, source string) {
	w.t.Helper()
	_, err := w.tx.AddSmallWin(w.ctx, store.SmallWin{CompanyID: s.CompanyID, SessionID: s.ID, Text: text,
		Source: source, CreatedAt: s.CompletedAt})
	w.must(err)
}

func (w *writer) audit(action string, c store.Company, detail string, at time.Time) {
	w.t.Helper()
	w.must(w.tx.AddAudit(w.ctx, store.AuditEntry{Action: action, Subject: fmt.Sprintf("company:%d", c.ID), Detail: detail, At: at}))
}

// seed writes four companies as a coordinator would find them on Monday
// morning (now):
//
//   - 山田製作所 (佐藤): follow-up 10 days overdue; the same main wall
//     (実行できない) in its last two debriefs; a sensitive life note; a
//     referral pending 30 days.
//   - 鈴木商店 (田中): the same main wall (向き合わない) in two debriefs in a
//     row; a referral pending 20 days, consent still to be asked; this
//     week a debrief with a small win, a question for the coordinator, a
//     phase change and no next step.
//   - 佐々木工務店 (佐藤): follow-up 3 days overdue; the owner asked for a
//     call 3 days ago (check-in + escalation) with confidence 2 after 4;
//     the owner's small win is marked sensitive.
//   - 高橋食堂 (田中): intake this week with cash running out within 3
//     months; an urgent LINE message; two check-ins unanswered; a failed
//     check-in delivery; an unfinished debrief started 4 days ago.
func seed(t testing.TB, st store.Store, now time.Time) {
	t.Helper()
	err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		w := &writer{t: t, ctx: ctx, tx: tx, now: now}
		sato := w.person(store.RoleAdvisor, "佐藤", "slack", "U1")
		tanaka := w.person(store.RoleAdvisor, "田中", "slack", "U2")
		seedYamada(w, w.company("山田製作所", sato), sato)
		seedSuzuki(w, w.company("鈴木商店", tanaka), tanaka)
		seedSasaki(w, w.company("佐々木工務店", sato), sato)
		seedTakahashi(w, w.company("高橋食堂", tanaka), tanaka)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func seedYamada(w *writer, c store.Company, sato store.Person) {
	w.session("intake", c, sato, w.ago(90),
		ans{step: "I9", tag: "stage", value: "succession"},
		ans{step: "I33", value: "後継者への引継ぎ計画"},
		ans{step: "I33b", value: "owner_chose"},
		ans{step: "I30b", value: secret + "：社長の持病", sensitive: true})
	first := w.session("debrief", c, sato, w.ago(60),
		ans{step: "D4", value: "issue_setting"},
		ans{step: "D7", tag: "owner.words", value: "「まずは数字を見てみます」"},
		ans{step: "D15", tag: "wall.main", value: "jikkou_dekinai"},
		ans{step: "D16", tag: "wall.evidence", value: "分かっているが先代に遠慮している"},
		ans{step: "D22", tag: "commitment.text", value: "月次の試算表を作る"},
		ans{step: "D34", tag: "followup.date", value: w.date(-40)})
	w.commitment(first, "月次の試算表を作る", w.date(-45))
	w.followup(first, sato, w.date(-40))
	last := w.session("debrief", c, sato, w.ago(30),
		ans{step: "D4", value: "issue_setting"},
		ans{step: "D6", value: "noticed"},
		ans{step: "D6a", value: secret + "：奥様が入院中", sensitive: true},
		ans{step: "D7", tag: "owner.words", value: "「わかってはいるんだけど、手が回らないんだよね。社員にも申し訳なくて、夜も考えてしまう」"},
		ans{step: "D15", tag: "wall.main", value: "jikkou_dekinai"},
		ans{step: "D16", tag: "wall.evidence", value: "試算表は作ったが、先代の前では見せられない"},
		ans{step: "D21", tag: "commitment.has", value: "yes"},
		ans{step: "D22", tag: "commitment.text", value: "試算表を先代に見せる"},
		ans{step: "D29", tag: "referral.needed", value: "needed"},
		ans{step: "D30", tag: "referral.targets", value: "yorozu"},
		ans{step: "D32", value: "agreed"},
		ans{step: "D34", tag: "followup.date", value: w.date(-10)})
	w.commitment(last, "試算表を先代に見せる", w.date(-14))
	w.followup(last, sato, w.date(-10))
	w.referral(last, "pending", "yorozu")
}

func seedSuzuki(w *writer, c store.Company, tanaka store.Person) {
	first := w.session("debrief", c, tanaka, w.ago(20),
		ans{step: "D4", value: "issue_setting"},
		ans{step: "D7", tag: "owner.words", value: "「景気が悪いから仕方ない」"},
		ans{step: "D15", tag: "wall.main", value: "mukiawanai"},
		ans{step: "D16", tag: "wall.evidence", value: "売上減を取引先のせいにし続けている"},
		ans{step: "D29", tag: "referral.needed", value: "needed"},
		ans{step: "D30", tag: "referral.targets", value: "yorozu,bank"},
		ans{step: "D32", value: "will_confirm"},
		ans{step: "D34", tag: "followup.date", value: w.date(-6)})
	w.followup(first, tanaka, w.date(-6))
	w.referral(first, "pending", "yorozu", "bank")
	last := w.session("debrief", c, tanaka, w.ago(5),
		ans{step: "D4", value: "execution"},
		ans{step: "D7", tag: "owner.words", value: "「数字を見るのは怖いけど、やってみる」"},
		ans{step: "D13", value: "今いちばん眠れなくなるのは、どんなときですか？"},
		ans{step: "D15", tag: "wall.main", value: "mukiawanai"},
		ans{step: "D16", tag: "wall.evidence", value: "「若い人は続かない」と話題を変える"},
		ans{step: "D21", tag: "commitment.has", value: "considering"},
		ans{step: "D28", value: "true"},
		ans{step: "D28b", tag: "small_win", value: "初めて月次の数字を一緒に見た"},
		ans{step: "D29", tag: "referral.needed", value: "needed"},
		ans{step: "D30", tag: "referral.targets", value: "expert_dispatch"},
		ans{step: "D32", value: "agreed"},
		ans{step: "D34", tag: "followup.date", value: w.date(9)},
		ans{step: "D37", tag: "coordinator.question", value: "後継者の話をどう切り出すか、相談させてください"})
	w.followup(last, tanaka, w.date(9))
	w.referral(last, "pending", "expert_dispatch")
	w.smallWin(last, "初めて月次の数字を一緒に見た", "advisor")
}

func seedSasaki(w *writer, c store.Company, sato store.Person) {
	owner := w.person(store.RoleOwner, "佐々木 一郎", "line", "Lsasaki")
	w.must(w.tx.LinkOwner(w.ctx, owner.ID, c.ID, w.ago(50)))
	d := w.session("debrief", c, sato, w.ago(40),
		ans{step: "D7", tag: "owner.words", value: "職人が足りない"},
		ans{step: "D15", tag: "wall.main", value: "tarinai"},
		ans{step: "D22", tag: "commitment.text", value: "見積もりを自分で作る"},
		ans{step: "D34", tag: "followup.date", value: w.date(-3)})
	w.commitment(d, "見積もりを自分で作る", w.date(-20))
	w.followup(d, sato, w.date(-3))
	w.audit("checkin.unanswered", c, "", w.ago(25))
	w.session("checkin", c, owner, w.ago(20),
		ans{step: "L0", tag: "checkin.consent", value: "yes"},
		ans{step: "L1", tag: "checkin.status", value: "doing"},
		ans{step: "L3", tag: "checkin.confidence", value: "4"},
		ans{step: "L4", tag: "callback.wanted", value: "fine"})
	call := w.ago(3)
	w.audit("escalation", c, "callback", call.Add(-2*time.Minute))
	w.audit("escalation", c, "callback:afternoon", call.Add(-time.Minute))
	win := w.session("checkin", c, owner, call,
		ans{step: "L0", tag: "checkin.consent", value: "yes"},
		ans{step: "L1", tag: "checkin.status", value: "done"},
		ans{step: "L2a", tag: "small_win", value: secret + "：見積もりが通った", sensitive: true},
		ans{step: "L3", tag: "checkin.confidence", value: "2"},
		ans{step: "L4", tag: "callback.wanted", value: "call"},
		ans{step: "L4b", tag: "callback.slot", value: "afternoon"})
	w.smallWin(win, secret+"：見積もりが通った", "owner")
}

func seedTakahashi(w *writer, c store.Company, tanaka store.Person) {
	owner := w.person(store.RoleOwner, "高橋 花子", "line", "Ltakahashi")
	w.must(w.tx.LinkOwner(w.ctx, owner.ID, c.ID, w.ago(60)))
	w.session("checkin", c, owner, w.ago(30),
		ans{step: "L0", tag: "checkin.consent", value: "yes"},
		ans{step: "L1", tag: "checkin.status", value: "not_yet"},
		ans{step: "L3", tag: "checkin.confidence", value: "3"})
	w.audit("checkin.unanswered", c, "", w.ago(16))
	w.audit("checkin.unanswered", c, "", w.ago(2))
	intake := w.session("intake", c, tanaka, w.ago(2),
		ans{step: "I9", tag: "stage", value: "turnaround"},
		ans{step: "I10", tag: "urgency", value: "cash_3m"},
		ans{step: "I30b", value: secret + "：個人の借入", sensitive: true},
		ans{step: "I33", value: "資金繰りの立て直し"},
		ans{step: "I33b", value: "agreed_to_proposal"},
		ans{step: "I36", tag: "followup.date", value: w.date(5)})
	w.followup(intake, tanaka, w.date(5))
	w.audit("escalation", c, "keyword", w.ago(1))
	_, err := w.tx.EnqueueReminder(w.ctx, store.Reminder{Kind: "checkin", RecipientID: owner.ID, CompanyID: c.ID,
		DueAt: w.ago(2), DedupeKey: "checkin:c" + fmt.Sprint(c.ID) + ":" + w.date(-2), Status: store.ReminderFailed,
		Attempts: 5, LastError: "line: 500", CreatedAt: w.ago(9)})
	w.must(err)
	// A debrief started 4 days ago and never finished.
	_, err = w.tx.CreateSession(w.ctx, store.Session{FlowID: "debrief", FlowVersion: 1, CompanyID: c.ID,
		RespondentID: tanaka.ID, Channel: "slack", Status: store.SessionActive, Step: "D5",
		CreatedAt: w.ago(4), UpdatedAt: w.ago(4)})
	w.must(err)
}
