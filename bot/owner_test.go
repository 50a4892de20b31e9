package bot_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// schedRecorder is a Scheduler that records what it was asked to plan and
// enqueues one reminder per request, so the transaction is exercised.
type schedRecorder struct {
	mu     sync.Mutex
	events []string
}

func (s *schedRecorder) record(ctx context.Context, tx store.Tx, key string, recipient, company int64, due time.Time) error {
	s.mu.Lock()
	s.events = append(s.events, key)
	s.mu.Unlock()
	_, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: strings.Split(key, ":")[0], RecipientID: recipient,
		CompanyID: company, DueAt: due, DedupeKey: key, CreatedAt: due})
	return err
}

func (s *schedRecorder) FollowupAdded(ctx context.Context, tx store.Tx, f store.Followup) error {
	return s.record(ctx, tx, fmt.Sprintf("followup:f%d", f.ID), f.AdvisorID, f.CompanyID, f.CreatedAt)
}

func (s *schedRecorder) CommitmentAdded(ctx context.Context, tx store.Tx, c store.Commitment) error {
	owners, err := tx.CompanyOwners(ctx, c.CompanyID)
	if err != nil {
		return err
	}
	for _, o := range owners {
		if err := s.record(ctx, tx, fmt.Sprintf("checkin:c%d:o%d", c.ID, o.PersonID), o.PersonID, c.CompanyID, c.CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

func (s *schedRecorder) CheckinSnoozed(ctx context.Context, tx store.Tx, sess store.Session, owner int64, at time.Time) (time.Time, error) {
	due := at.Add(24 * time.Hour)
	return due, s.record(ctx, tx, fmt.Sprintf("checkin:snooze:s%d", sess.ID), owner, sess.CompanyID, due)
}

func (s *schedRecorder) OwnerReturned(ctx context.Context, tx store.Tx, link store.OwnerLink, at time.Time) error {
	return s.record(ctx, tx, fmt.Sprintf("checkin:resume:p%d", link.PersonID), link.PersonID, link.CompanyID, at.Add(24*time.Hour))
}

func (s *schedRecorder) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.events...)
}

// event delivers a follow or unfollow from a LINE user.
func (h *harness) event(t *testing.T, user string, kind bot.EventKind) {
	t.Helper()
	h.seq++
	in := bot.Incoming{EventID: fmt.Sprintf("ev%d", h.seq), Kind: kind, Channel: "line", UserID: user, ReceivedAt: h.clock.Now()}
	if err := h.bot.Handle(context.Background(), in); err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
}

func (h *harness) advisor(t *testing.T, slackID, name string) store.Person {
	t.Helper()
	p, err := h.bot.EnsurePerson(context.Background(), "slack", slackID, name, store.RoleAdvisor)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (h *harness) invite(t *testing.T, company string, advisorID int64) bot.Invite {
	t.Helper()
	inv, err := h.bot.CreateInvite(context.Background(), company, advisorID)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// linkedOwner is a LINE owner of company whose advisor (U1, 佐藤) held a
// quick debrief there, so a commitment is open.
func linkedOwner(t *testing.T, h *harness, lineID, company string) store.Person {
	t.Helper()
	adv := h.advisor(t, "U1", "佐藤")
	quickDebrief(t, h, "U1", company)
	h.event(t, lineID, bot.EventFollow)
	if r := h.sayOn(t, "line", lineID, h.invite(t, company, adv.ID).Code); !strings.Contains(r.Text, "登録ができました") {
		t.Fatalf("linking reply %q", r.Text)
	}
	var p store.Person
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, _ = tx.PersonByIdentity(ctx, "line", lineID)
	})
	return p
}

func (h *harness) checkIn(t *testing.T, owner store.Person, key string) error {
	t.Helper()
	var companyID int64
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		l, _ := tx.OwnerLink(ctx, owner.ID)
		companyID = l.CompanyID
	})
	return h.bot.CheckIn(context.Background(), bot.CheckInRequest{OwnerID: owner.ID, CompanyID: companyID, PushKey: key})
}

func TestInviteCodeIsEasyToTypeAndExpiresInAWeek(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		inv := h.invite(t, "山田製作所", 0)
		if !regexp.MustCompile(`^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$`).MatchString(inv.Code) {
			t.Fatalf("code %q is not 8 easy-to-type symbols", inv.Code)
		}
		if seen[inv.Code] {
			t.Fatalf("code %q issued twice", inv.Code)
		}
		seen[inv.Code] = true
		if want := h.clock.Now().Add(7 * 24 * time.Hour); !inv.ExpiresAt.Equal(want) {
			t.Fatalf("expires %v, want %v", inv.ExpiresAt, want)
		}
	}
}

func TestOwnerFollowsAndLinksWithTheCode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	adv := h.advisor(t, "U1", "佐藤")
	inv := h.invite(t, "山田製作所", adv.ID)
	h.event(t, "Uowner", bot.EventFollow)
	if r := h.out.Last(t); !strings.Contains(r.Text, "招待コード") || r.Prompt != nil {
		t.Fatalf("greeting %q does not ask for the invite code", r.Text)
	}
	r := h.sayOn(t, "line", "Uowner", "こんにちは")
	if !strings.Contains(r.Text, "招待コード") {
		t.Fatalf("a greeting instead of a code gets %q", r.Text)
	}
	typed := strings.ToLower(strings.ReplaceAll(inv.Code, "-", " ")) // "k7qm x3pa"
	r = h.sayOn(t, "line", "Uowner", typed)
	for _, want := range []string{"山田製作所", "佐藤", "みどり商工会"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("linked reply %q lacks %q", r.Text, want)
		}
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, _ := tx.PersonByIdentity(ctx, "line", "Uowner")
		l, err := tx.OwnerLink(ctx, p.ID)
		if err != nil || l.CompanyID != inv.Company.ID || !l.Reachable {
			t.Errorf("owner link = %+v, %v", l, err)
		}
	})
}

func TestFullWidthCodeIsAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	inv := h.invite(t, "山田製作所", 0)
	wide := strings.Map(func(r rune) rune {
		if r == '-' {
			return 'ー'
		}
		return r + 0xFEE0 // ASCII → full width
	}, inv.Code)
	if r := h.sayOn(t, "line", "Uowner", wide); !strings.Contains(r.Text, "登録ができました") {
		t.Fatalf("full-width code %q gets %q", wide, r.Text)
	}
}

func TestWrongCodesAreLimitedToFivePerHour(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	inv := h.invite(t, "山田製作所", 0)
	for i := 0; i < 5; i++ {
		r := h.sayOn(t, "line", "Uguess", fmt.Sprintf("ABCD-EF%02d", 22+i))
		if !strings.Contains(r.Text, "確認できませんでした") {
			t.Fatalf("wrong code %d gets %q", i+1, r.Text)
		}
	}
	r := h.sayOn(t, "line", "Uguess", inv.Code) // right, but the sixth try
	if !strings.Contains(r.Text, "しばらく") || strings.Contains(r.Text, "登録ができました") {
		t.Fatalf("sixth try within the hour gets %q", r.Text)
	}
	h.clock.Add(61 * time.Minute)
	if r := h.sayOn(t, "line", "Uguess", inv.Code); !strings.Contains(r.Text, "登録ができました") {
		t.Fatalf("after an hour the right code gets %q", r.Text)
	}
}

func TestExpiredAndUsedCodesAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	inv := h.invite(t, "山田製作所", 0)
	h.sayOn(t, "line", "Ufirst", inv.Code)
	if r := h.sayOn(t, "line", "Usecond", inv.Code); !strings.Contains(r.Text, "すでに使われています") {
		t.Errorf("reused code gets %q", r.Text)
	}
	old := h.invite(t, "田中商店", 0)
	h.clock.Add(8 * 24 * time.Hour)
	if r := h.sayOn(t, "line", "Uthird", old.Code); !strings.Contains(r.Text, "有効期限") {
		t.Errorf("expired code gets %q", r.Text)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		for _, id := range []string{"Usecond", "Uthird"} {
			p, _ := tx.PersonByIdentity(ctx, "line", id)
			if _, err := tx.OwnerLink(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s is linked after a refused code (err %v)", id, err)
			}
		}
	})
}

func TestWholeCheckinStoresAnswersAndClosesTheCommitment(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	if err := h.checkIn(t, owner, "checkin:test:1"); err != nil {
		t.Fatal(err)
	}
	r := h.out.Last(t)
	wantPrompt(t, r, "L0")
	if r.PushKey != "checkin:test:1" || r.ReplyToken != "" || r.UserID != "Uowner" {
		t.Fatalf("check-in push = key %q token %q user %q", r.PushKey, r.ReplyToken, r.UserID)
	}
	sid := r.SessionID
	for _, a := range []struct{ step, value, next string }{
		{"L0", "yes", "L1"}, {"L1", "done", "L2a"},
	} {
		r = h.tapOn(t, "line", "Uowner", sid, a.step, a.value)
		wantPrompt(t, r, a.next)
	}
	r = h.sayOn(t, "line", "Uowner", "朝礼で社員が自分から話してくれた")
	wantPrompt(t, r, "L3")
	r = h.tapOn(t, "line", "Uowner", sid, "L3", "4")
	wantPrompt(t, r, "L4")
	r = h.tapOn(t, "line", "Uowner", sid, "L4", "fine")
	if r.Prompt != nil || !strings.Contains(r.Text, "ありがとうございました") {
		t.Fatalf("closing reply %q", r.Text)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		s, _ := tx.Session(ctx, sid)
		if s.Status != store.SessionCompleted {
			t.Errorf("check-in status %s", s.Status)
		}
		as, _ := tx.Answers(ctx, sid)
		if len(as) != 5 {
			t.Errorf("%d answers stored, want 5", len(as))
		}
		c, _ := tx.LatestCommitment(ctx, s.CompanyID)
		if c.Status != "done" {
			t.Errorf("commitment status %q after 「できた」", c.Status)
		}
		recs, _ := tx.CompanyRecords(ctx, s.CompanyID)
		if n := len(recs.SmallWins); n != 1 || recs.SmallWins[0].Source != "owner" {
			t.Errorf("small wins = %+v", recs.SmallWins)
		}
	})
	if len(h.alerts.All()) != 0 {
		t.Errorf("a calm check-in alerted the advisor: %+v", h.alerts.All())
	}
}

func TestCheckinIsIdempotentPerPushKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	for i := 0; i < 2; i++ {
		if err := h.checkIn(t, owner, "checkin:c1:2026-11-30"); err != nil {
			t.Fatal(err)
		}
	}
	all := h.out.All()
	a, b := all[len(all)-2], all[len(all)-1]
	if a.SessionID != b.SessionID || a.Prompt.StepID != b.Prompt.StepID || a.PushKey != b.PushKey {
		t.Fatalf("retried check-in differs: %+v vs %+v", a, b)
	}
}

func TestLaterSnoozesAndSkipEndsTheRound(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	h.checkIn(t, owner, "k1")
	r := h.tapOn(t, "line", "Uowner", h.out.Last(t).SessionID, "L0", "later")
	if !strings.Contains(r.Text, "明日") {
		t.Errorf("「あとで」 gets %q", r.Text)
	}
	if ev := h.sched.all(); !strings.HasPrefix(ev[len(ev)-1], "checkin:snooze:s") {
		t.Errorf("scheduled %v, want a snoozed check-in", ev)
	}
	h.checkIn(t, owner, "k2")
	r = h.tapOn(t, "line", "Uowner", h.out.Last(t).SessionID, "L0", "skip")
	if !strings.Contains(r.Text, "お休み") {
		t.Errorf("「今回はお休み」 gets %q", r.Text)
	}
	if ev := h.sched.all(); strings.HasPrefix(ev[len(ev)-1], "checkin:snooze:s") && len(ev) > 3 {
		t.Errorf("skip snoozed too: %v", ev)
	}
}

func TestUrgentWordsAlertTheAdvisorAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	h.checkIn(t, owner, "k1")
	r := h.sayOn(t, "line", "Uowner", "実は来月の資金繰りが厳しくて")
	// The owner is told who will call, and the check-in waits at its question.
	if !strings.Contains(r.Text, "担当の佐藤から") || !strings.Contains(r.Text, "お電話") || r.Prompt == nil || r.Prompt.StepID != "L0" {
		t.Fatalf("owner gets %q (prompt %v)", r.Text, r.Prompt)
	}
	alerts := h.alerts.All()
	if len(alerts) != 1 || alerts[0].UserID != "U1" || alerts[0].Channel != "slack" ||
		!strings.Contains(alerts[0].Title, "山田製作所") || !strings.Contains(alerts[0].Text, "資金繰り") {
		t.Fatalf("alerts = %+v", alerts)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		c, _ := tx.CompanyByName(ctx, "山田製作所")
		es, _ := tx.Audit(ctx, fmt.Sprintf("company:%d", c.ID))
		if len(es) != 1 || es[0].Action != "escalation" || strings.Contains(es[0].Detail, "資金") {
			t.Errorf("audit = %+v", es)
		}
	})
}

func TestCallRequestAlertsTheAdvisorWithTheSlot(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	h.checkIn(t, owner, "k1")
	sid := h.out.Last(t).SessionID
	h.tapOn(t, "line", "Uowner", sid, "L0", "yes")
	h.tapOn(t, "line", "Uowner", sid, "L1", "changed")
	r := h.tapOn(t, "line", "Uowner", sid, "L2c_how", "talk")
	wantPrompt(t, r, "L4b")
	h.tapOn(t, "line", "Uowner", sid, "L4b", "afternoon")
	alerts := h.alerts.All()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Title, "午後") || alerts[0].UserID != "U1" {
		t.Fatalf("alerts = %+v", alerts)
	}
}

func TestUnfollowStopsPushesUntilTheOwnerReturns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	h.event(t, "Uowner", bot.EventUnfollow)
	sent := h.out.Count()
	if err := h.checkIn(t, owner, "k1"); !errors.Is(err, bot.ErrUnreachable) {
		t.Fatalf("check-in after unfollow: %v, want ErrUnreachable", err)
	}
	if h.out.Count() != sent {
		t.Fatal("something was pushed to an owner who blocked the bot")
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		rs, _ := tx.Reminders(ctx, store.ReminderFilter{RecipientID: owner.ID, Status: store.ReminderPending})
		if len(rs) != 0 {
			t.Errorf("%d reminders still pending for an unreachable owner", len(rs))
		}
	})
	h.event(t, "Uowner", bot.EventFollow)
	if r := h.out.Last(t); !strings.Contains(r.Text, "おかえりなさい") {
		t.Errorf("re-follow gets %q", r.Text)
	}
	if err := h.checkIn(t, owner, "k2"); err != nil {
		t.Fatalf("check-in after re-follow: %v", err)
	}
}

func TestOwnerCannotTouchAnotherCompanysSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ownerA := linkedOwner(t, h, "UownerA", "山田製作所")
	h.checkIn(t, ownerA, "ka")
	sessA := h.out.Last(t).SessionID
	adv := h.advisor(t, "U1", "佐藤")
	quickDebrief(t, h, "U1", "田中商店")
	h.sayOn(t, "line", "UownerB", h.invite(t, "田中商店", adv.ID).Code)
	h.inTx(t, func(ctx context.Context, tx store.Tx) {})
	// Owner B forges a tap on owner A's session.
	r := h.tapOn(t, "line", "UownerB", sessA, "L0", "yes")
	if r.SessionID == sessA || strings.Contains(r.Text+promptText(r), "山田製作所") {
		t.Fatalf("owner B reached A's session: %+v", r)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		s, _ := tx.Session(ctx, sessA)
		if s.Version != 1 || s.Step != "L0" {
			t.Errorf("A's session moved: version %d step %s", s.Version, s.Step)
		}
	})
}

func TestOwnerMessageOutsideACheckinReachesTheAdvisor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	linkedOwner(t, h, "Uowner", "山田製作所")
	r := h.sayOn(t, "line", "Uowner", "来週の面談、木曜に変えられますか")
	if !strings.Contains(r.Text, "担当者にお伝えしました") {
		t.Errorf("owner gets %q", r.Text)
	}
	if a := h.alerts.All(); len(a) != 1 || !strings.Contains(a[0].Text, "木曜") {
		t.Errorf("alerts = %+v", a)
	}
}

func promptText(r bot.Reply) string {
	if r.Prompt == nil {
		return ""
	}
	return r.Prompt.Text
}

func TestClosingNamesTheNextPlannedCheckin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	jst, _ := time.LoadLocation("Asia/Tokyo")
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		_, err := tx.EnqueueReminder(ctx, store.Reminder{Kind: "checkin", RecipientID: owner.ID,
			DueAt: time.Date(2026, 12, 8, 10, 0, 0, 0, jst), DedupeKey: "checkin:next", CreatedAt: h.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
	})
	h.checkIn(t, owner, "k1")
	sid := h.out.Last(t).SessionID
	h.tapOn(t, "line", "Uowner", sid, "L0", "yes")
	h.tapOn(t, "line", "Uowner", sid, "L1", "doing")
	h.tapOn(t, "line", "Uowner", sid, "L2b", "no_time")
	h.tapOn(t, "line", "Uowner", sid, "L3", "3")
	r := h.tapOn(t, "line", "Uowner", sid, "L4", "fine")
	if !strings.Contains(r.Text, "12月8日") {
		t.Errorf("closing %q does not name the planned check-in (12月8日)", r.Text)
	}
}

func TestAdvisorSeesTheOwnersCheckinInTheHistory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	owner := linkedOwner(t, h, "Uowner", "山田製作所")
	h.checkIn(t, owner, "k1")
	sid := h.out.Last(t).SessionID
	for _, a := range [][2]string{{"L0", "yes"}, {"L1", "doing"}, {"L2b", "no_time"}, {"L3", "2"}, {"L4", "next_visit"}} {
		h.tapOn(t, "line", "Uowner", sid, a[0], a[1])
	}
	hist, err := h.bot.History(context.Background(), "slack", "U1", "山田製作所")
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, e := range hist.Entries {
		all = append(all, e.Label+"\n"+e.Text)
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{"近況のおうかがい", "進めている", "時間がない", "続けられそうか（5段階）: 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("history lacks %q:\n%s", want, text)
		}
	}
	if a := h.alerts.All(); len(a) != 1 || !strings.Contains(a[0].Title, "続けられそうか") {
		t.Errorf("a confidence of 2 alerts the advisor: %+v", a)
	}
}
