package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

// harness is a bot on a real SQLite file with a fixed clock (Friday
// 2026-11-20 10:00 JST).
type harness struct {
	bot    *bot.Bot
	store  store.Store
	out    *bottest.Replies
	alerts *bottest.Alerts
	sched  *schedRecorder
	clock  *bottest.Clock
	seq    int
}

func newHarness(t testing.TB) *harness {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newHarnessOn(t, db, nil)
}

// newHarnessOn is a harness on db with staff membership (nil: open).
func newHarnessOn(t testing.TB, db store.Store, staff *bot.Staff) *harness {
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jst, _ := time.LoadLocation("Asia/Tokyo")
	clk := bottest.NewClock(time.Date(2026, 11, 20, 10, 0, 0, 0, jst))
	out, alerts, sched := &bottest.Replies{}, &bottest.Alerts{}, &schedRecorder{}
	b, err := bot.New(bot.Config{Store: db, Flows: set, Senders: map[string]bot.Sender{"slack": out, "line": out, "console": out},
		Notifiers: map[string]bot.Notifier{"slack": alerts}, Scheduler: sched,
		Now: clk.Now, Location: jst, Institution: "みどり商工会", Staff: staff})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{bot: b, store: db, out: out, alerts: alerts, sched: sched, clock: clk}
}

// say sends text as a Slack user with a fresh event id.
func (h *harness) say(t *testing.T, user, text string) bot.Reply {
	t.Helper()
	return h.sayOn(t, "slack", user, text)
}

func (h *harness) sayOn(t *testing.T, channel, user, text string) bot.Reply {
	t.Helper()
	h.seq++
	in := bot.Incoming{EventID: fmt.Sprintf("ev%d", h.seq), Channel: channel, UserID: user, Text: text, ReceivedAt: h.clock.Now()}
	if err := h.bot.Handle(context.Background(), in); err != nil {
		t.Fatalf("say %q: %v", text, err)
	}
	return h.out.Last(t)
}

func (h *harness) tap(t *testing.T, user string, sessionID int64, step, value string) bot.Reply {
	t.Helper()
	return h.tapOn(t, "slack", user, sessionID, step, value)
}

func (h *harness) tapOn(t *testing.T, channel, user string, sessionID int64, step, value string) bot.Reply {
	t.Helper()
	h.seq++
	in := bot.Incoming{EventID: fmt.Sprintf("ev%d", h.seq), Channel: channel, UserID: user, ReceivedAt: h.clock.Now(),
		Action: &bot.Action{SessionID: sessionID, StepID: step, Value: value}}
	if err := h.bot.Handle(context.Background(), in); err != nil {
		t.Fatalf("tap %s=%s: %v", step, value, err)
	}
	return h.out.Last(t)
}

func wantPrompt(t *testing.T, r bot.Reply, step string) {
	t.Helper()
	if r.Prompt == nil || r.Prompt.StepID != step {
		got := "<none>"
		if r.Prompt != nil {
			got = r.Prompt.StepID
		}
		t.Fatalf("bot asks %s, want %s (text: %q)", got, step, r.Text)
	}
}

// quickDebrief holds a quick debrief about company and returns the last reply.
func quickDebrief(t *testing.T, h *harness, user, company string) bot.Reply {
	t.Helper()
	r := h.say(t, user, "振り返り "+company)
	wantPrompt(t, r, flows.ModeStep)
	r = h.tap(t, user, r.SessionID, flows.ModeStep, "quick")
	if r.Prompt != nil && r.Prompt.StepID == "I9" { // a new company: its stage first
		r = h.say(t, user, "2")
	}
	wantPrompt(t, r, "D5")
	for _, a := range []struct{ step, text string }{
		{"D5", "売上が前年比1割減。社長が営業も製造も見ている。"},
		{"D7", "「わかってはいるけど、手が回らない」"},
		{"D14", "3、4"},
		{"D15", "実行できない"},
		{"D21", "ある"},
		{"D22", "朝礼で月2回、目標を話す"},
		{"D23", "１２／４"},
		{"D29", "不要"},
		{"D34", "12月18日"},
	} {
		wantPrompt(t, r, a.step)
		r = h.say(t, user, a.text)
	}
	wantPrompt(t, r, flows.ReviewStep)
	return h.tap(t, user, r.SessionID, flows.ReviewStep, flows.ActionSave)
}

// knownCompany records company through the basic intake, so a debrief
// about it does not start with the intake.
func knownCompany(t *testing.T, h *harness, user, company string) {
	t.Helper()
	r := h.say(t, user, "新規企業 "+company)
	wantPrompt(t, r, flows.ModeStep)
	r = h.tap(t, user, r.SessionID, flows.ModeStep, "basic")
	for _, a := range intakeAnswers {
		wantPrompt(t, r, a.step)
		r = h.say(t, user, a.text)
	}
	wantPrompt(t, r, flows.ReviewStep)
	h.tap(t, user, r.SessionID, flows.ReviewStep, flows.ActionSave)
}

// intakeAnswers answer the basic intake; a debrief about a new company
// asks some of them first (I2, I3, I9 in full mode, I9 in quick mode).
var intakeAnswers = []struct{ step, text string }{
	{"I2", "製造"}, {"I3", "富山市"}, {"I4", "スキップ"}, {"I5", "2"}, {"I6", "4"}, {"I7", "2"},
	{"I8", "「人が足りない」"}, {"I9", "2"}, {"I10", "3"}, {"I33", "スキップ"}, {"I36", "12月18日"},
}

func TestQuickDebriefSavesCommitmentAndFollowup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := quickDebrief(t, h, "U1", "山田製作所")
	if r.Prompt != nil || !strings.Contains(r.Text, "保存しました") {
		t.Fatalf("final reply: %q prompt %v", r.Text, r.Prompt)
	}
	for _, want := range []string{"朝礼で月2回、目標を話す", "2026年12月4日(金)", "2026年12月18日(金)"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("summary %q lacks %q", r.Text, want)
		}
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		c, err := tx.CompanyByName(ctx, "山田製作所")
		if err != nil {
			t.Fatal(err)
		}
		cm, err := tx.LatestCommitment(ctx, c.ID)
		if err != nil || cm.Text != "朝礼で月2回、目標を話す" || cm.Due != "2026-12-04" {
			t.Errorf("commitment = %+v, %v", cm, err)
		}
		p, _ := tx.PersonByIdentity(ctx, "slack", "U1")
		fus, err := tx.OpenFollowups(ctx, p.ID)
		if err != nil || len(fus) != 1 || fus[0].Due != "2026-12-18" {
			t.Errorf("follow-ups = %+v, %v", fus, err)
		}
	})
}

func TestSecondDebriefOpensWithTheCompanyMemory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	quickDebrief(t, h, "U1", "山田製作所")
	r := h.say(t, "U1", "振り返り 山田製作所")
	for _, want := range []string{"前回の記録", "「朝礼で月2回、目標を話す」", "実行できない"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("opening %q lacks %q", r.Text, want)
		}
	}
}

func TestDuplicateDeliveryHasNoSecondEffect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	knownCompany(t, h, "U1", "山田製作所")
	r := h.say(t, "U1", "振り返り 山田製作所")
	r = h.tap(t, "U1", r.SessionID, flows.ModeStep, "quick")
	in := bot.Incoming{EventID: "same", Channel: "slack", UserID: "U1", Text: "事実その1"}
	for i := 0; i < 3; i++ {
		if err := h.bot.Handle(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	r = h.out.Last(t)
	wantPrompt(t, r, "D7") // one step forward, not three
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		as, _ := tx.Answers(ctx, r.SessionID)
		if len(as) != 1 {
			t.Errorf("%d answer rows after 3 deliveries of one event, want 1", len(as))
		}
	})
}

// Twenty quick taps on the same button: the session moves exactly one step.
func TestConcurrentTapsAdvanceOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	knownCompany(t, h, "U1", "山田製作所")
	r := h.say(t, "U1", "振り返り 山田製作所")
	sid := r.SessionID
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			in := bot.Incoming{EventID: fmt.Sprintf("tap%d", i), Channel: "slack", UserID: "U1",
				Action: &bot.Action{SessionID: sid, StepID: flows.ModeStep, Value: "quick"}}
			errs <- h.bot.Handle(context.Background(), in)
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r = h.say(t, "U1", "事実")
	wantPrompt(t, r, "D7")
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		s, _ := tx.Session(ctx, sid)
		if s.Version != 3 { // created (1), mode chosen (2), D5 answered (3)
			t.Errorf("session version %d after 20 taps and one answer, want 3", s.Version)
		}
	})
}

func TestCancelLeavesNoActiveSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.say(t, "U1", "振り返り")
	r := h.say(t, "U1", "やめる")
	if !strings.Contains(r.Text, "中断しました") {
		t.Errorf("cancel reply %q", r.Text)
	}
	r = h.say(t, "U1", "こんにちは")
	if !strings.Contains(r.Text, "使い方") {
		t.Errorf("after cancel, text gets %q; want the help", r.Text)
	}
}

func (h *harness) inTx(t *testing.T, fn func(ctx context.Context, tx store.Tx)) {
	t.Helper()
	err := h.store.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		fn(ctx, tx)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
