package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/postgres"
	"github.com/bansou/bansou/store/postgres/pgtest"
	"github.com/bansou/bansou/store/sqlite"
)

// backends opens a fresh, migrated store: a SQLite file and a PostgreSQL
// database of the throwaway cluster.
var backends = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "bansou.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}},
	{"postgres", func(t *testing.T) store.Store {
		db, err := postgres.Open(t.Context(), pgtest.NewDB(t, migratePG))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}},
}

func migratePG(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return err
	}
	return db.Close()
}

// The people of the access matrix. 山田製作所 is 佐藤's (UA) company; 鈴木
// (UB) supports 佐藤商店; 田中 (UC) is the coordinator; 高橋 (UD) is the
// advisor companies are handed over to; UN is a workspace member who is not
// staff; LO owns 山田製作所 and LP owns 佐藤商店, both on LINE.
type role struct {
	name, channel, id string
}

var (
	assigned   = role{"assigned advisor", "slack", "UA"}
	other      = role{"other advisor", "slack", "UB"}
	coord      = role{"coordinator", "slack", "UC"}
	nonMember  = role{"non-member", "slack", "UN"}
	owner      = role{"owner of the company", "line", "LO"}
	otherOwner = role{"owner of another company", "line", "LP"}
	roles      = []role{assigned, other, coord, nonMember, owner, otherOwner}
)

// secrets are what 山田製作所's records hold; a refusal shows none of them.
var secrets = []string{"朝礼で月2回、目標を話す", "手が回らない", "売上が前年比1割減", "実行できない", "資金繰りが厳しくて"}

// world is one fresh fixture for one case of the matrix.
type world struct {
	h      *harness
	yamada store.Company
	seen   int // replies before the action
	alerts int // alerts before the action
}

func newWorld(t *testing.T, open func(t *testing.T) store.Store) *world {
	t.Helper()
	staff := bot.NewStaff([]string{"UA", "UB", "UD"}, []string{"UC"}, false)
	h := newHarnessOn(t, open(t), staff)
	ctx := context.Background()
	if err := h.bot.EnsureRole(ctx, "slack", "UC", store.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	h.advisor(t, "UA", "佐藤")
	suzuki := h.advisor(t, "UB", "鈴木")
	h.advisor(t, "UD", "高橋")
	quickDebrief(t, h, "UA", "山田製作所")
	w := &world{h: h}
	w.linkOwner(t, "LO", h.invite(t, "山田製作所", 0))
	w.linkOwner(t, "LP", h.invite(t, "佐藤商店", suzuki.ID)) // 鈴木's company
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		w.yamada, _ = tx.CompanyByName(ctx, "山田製作所")
	})
	w.mark()
	return w
}

func (w *world) linkOwner(t *testing.T, lineID string, inv bot.Invite) {
	t.Helper()
	w.h.event(t, lineID, bot.EventFollow)
	if r := w.h.sayOn(t, "line", lineID, inv.Code); !strings.Contains(r.Text, "登録ができました") {
		t.Fatalf("linking %s: %q", lineID, r.Text)
	}
}

// mark starts a new action: outputs are counted from here.
func (w *world) mark() { w.seen, w.alerts = w.h.out.Count(), len(w.h.alerts.All()) }

// outputsTo is everything sent to r since mark, as JSON.
func (w *world) outputsTo(r role) string {
	var b strings.Builder
	for _, x := range w.h.out.All()[w.seen:] {
		if x.UserID == r.id {
			b.WriteString(jsonOf(x))
		}
	}
	for _, a := range w.h.alerts.All()[w.alerts:] {
		if a.UserID == r.id {
			b.WriteString(jsonOf(a))
		}
	}
	return b.String()
}

// alertedTo reports whether r got an alert since mark.
func (w *world) alertedTo(r role) bool {
	return slices.ContainsFunc(w.h.alerts.All()[w.alerts:], func(a bot.Alert) bool { return a.UserID == r.id })
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (w *world) handle(t *testing.T, r role, in bot.Incoming) {
	t.Helper()
	w.h.seq++
	in.EventID, in.Channel, in.UserID, in.ReceivedAt = "m"+strconv.Itoa(w.h.seq), r.channel, r.id, w.h.clock.Now()
	if err := w.h.bot.Handle(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func (w *world) assignedTo(t *testing.T, slackID string) bool {
	t.Helper()
	var ok bool
	w.h.inTx(t, func(ctx context.Context, tx store.Tx) {
		p, err := tx.PersonByIdentity(ctx, "slack", slackID)
		if err == nil {
			ok, _ = tx.IsAssigned(ctx, w.yamada.ID, p.ID)
		}
	})
	return ok
}

// action runs one action as r and reports whether it was allowed, and what
// it returned (checked for secrets when refused).
type action struct {
	name    string
	allowed []role // everyone else is refused
	run     func(t *testing.T, w *world, r role) (allowed bool, returned string)
}

var actions = []action{
	{"visit memory", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		w.handle(t, r, bot.Incoming{Text: "振り返り 山田製作所"})
		out := w.outputsTo(r)
		allowed := strings.Contains(out, "前回の記録") && strings.Contains(out, "朝礼で月2回、目標を話す")
		if r.channel == "slack" && r != nonMember && !allowed {
			if r.id != "UA" && w.assignedTo(t, r.id) {
				t.Errorf("%s was assigned by a refused visit", r.name)
			}
			if !strings.Contains(out, bot.OpRequestAccess) {
				t.Errorf("refused staff member is not offered to ask for access: %s", out)
			}
		}
		return allowed, ""
	}},
	{"history", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		h, err := w.h.bot.History(context.Background(), r.channel, r.id, "山田製作所")
		if err != nil && !errors.Is(err, bot.ErrUnknownCompany) {
			t.Fatal(err)
		}
		return err == nil && strings.Contains(jsonOf(h), "朝礼で月2回、目標を話す"), jsonOf(h)
	}},
	{"home", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		ov, err := w.h.bot.Overview(context.Background(), r.channel, r.id)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(ov.Companies, "山田製作所"), jsonOf(ov)
	}},
	{"invite", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		inv, err := w.h.bot.InviteAs(context.Background(), r.channel, r.id, "株式会社山田製作所")
		if err != nil && !errors.Is(err, bot.ErrNoAccess) && !errors.Is(err, bot.ErrNotStaffMember) {
			t.Fatal(err)
		}
		if err != nil && r == other && w.assignedTo(t, r.id) {
			t.Error("a refused invite assigned the other advisor")
		}
		return err == nil && inv.Company.ID == w.yamada.ID, jsonOf(inv) + errString(err)
	}},
	{"handover", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		_, err := w.h.bot.Handover(context.Background(), bot.HandoverRequest{Channel: r.channel, UserID: r.id,
			Company: "山田製作所", ToChannel: "slack", ToUserID: "UD"})
		if err != nil {
			t.Fatal(err)
		}
		moved := w.assignedTo(t, "UD")
		if !moved && !w.assignedTo(t, "UA") {
			t.Error("a refused handover unassigned the advisor")
		}
		return moved && !w.assignedTo(t, "UA"), ""
	}},
	{"request access", []role{other}, func(t *testing.T, w *world, r role) (bool, string) {
		w.handle(t, r, bot.Incoming{Op: &bot.Op{Name: bot.OpRequestAccess, Value: "山田製作所"}})
		asked := w.alertedTo(assigned) && w.alertedTo(coord)
		if asked && (!strings.Contains(w.outputsTo(assigned), "承認") || !strings.Contains(w.outputsTo(assigned), bot.OpApprove)) {
			t.Errorf("approvers get no 承認 button: %s", w.outputsTo(assigned))
		}
		return asked, ""
	}},
	{"approve access", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		w.handle(t, other, bot.Incoming{Op: &bot.Op{Name: bot.OpRequestAccess, Value: "山田製作所"}})
		var reqID string
		for _, a := range w.h.alerts.All()[w.alerts:] {
			for _, c := range a.Choices {
				if c.Op.Name == bot.OpApprove {
					reqID = c.Op.Value
				}
			}
		}
		if reqID == "" {
			t.Fatal("no approve button was sent")
		}
		w.mark()
		w.handle(t, r, bot.Incoming{Op: &bot.Op{Name: bot.OpApprove, Value: reqID}})
		ok := w.assignedTo(t, "UB")
		if ok {
			w.auditHas(t, "access.approved")
			if !w.alertedTo(other) {
				t.Error("the requester was not told of the approval")
			}
		}
		return ok, ""
	}},
	{"check-in alert routing", []role{assigned}, func(t *testing.T, w *world, r role) (bool, string) {
		w.handle(t, owner, bot.Incoming{Text: "実は来月の資金繰りが厳しくて"})
		return w.alertedTo(r), ""
	}},
	{"digest", []role{coord}, func(t *testing.T, w *world, r role) (bool, string) {
		d, _, err := w.h.bot.Digest(context.Background(), r.channel, r.id)
		if err != nil && !errors.Is(err, bot.ErrNotCoordinator) {
			t.Fatal(err)
		}
		if err != nil {
			return false, jsonOf(d)
		}
		return true, ""
	}},
	{"export", []role{assigned, coord}, func(t *testing.T, w *world, r role) (bool, string) {
		rows, err := w.h.bot.ExportCompany(context.Background(), r.channel, r.id, "山田製作所")
		if err != nil && !errors.Is(err, bot.ErrUnknownCompany) {
			t.Fatal(err)
		}
		return err == nil && strings.Contains(jsonOf(rows), "朝礼で月2回、目標を話す"), jsonOf(rows)
	}},
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (w *world) auditHas(t *testing.T, action string) {
	t.Helper()
	w.h.inTx(t, func(ctx context.Context, tx store.Tx) {
		es, _ := tx.Audit(ctx, "company:"+strconv.FormatInt(w.yamada.ID, 10))
		if !slices.ContainsFunc(es, func(e store.AuditEntry) bool { return e.Action == action && e.ActorID != 0 && !e.At.IsZero() }) {
			t.Errorf("audit log lacks %s with who and when: %+v", action, es)
		}
	})
}

// TestAccessMatrix: every role × every action on both backends, each the
// exact allow or refuse, and a refusal shows none of the company's answers.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			for _, a := range actions {
				for _, r := range roles {
					t.Run(a.name+"/"+r.name, func(t *testing.T) {
						t.Parallel()
						w := newWorld(t, be.open)
						got, returned := a.run(t, w, r)
						want := slices.Contains(a.allowed, r)
						if got != want {
							t.Fatalf("%s by %s: allowed = %v, want %v\nsent: %s\nreturned: %s", a.name, r.name, got, want, w.outputsTo(r), returned)
						}
						if want {
							return
						}
						leak := w.outputsTo(r) + returned
						for _, s := range secrets {
							if strings.Contains(leak, s) {
								t.Errorf("refused %s by %s leaks %q: %s", a.name, r.name, s, leak)
							}
						}
					})
				}
			}
		})
	}
}

// Typing another advisor's company at the debrief's company question is
// refused the same way: the question stays, nothing is assigned, no
// memory is shown.
func TestCompanyQuestionRefusesAnotherAdvisorsCompany(t *testing.T) {
	t.Parallel()
	w := newWorld(t, backends[0].open)
	h := w.h
	r := h.say(t, "UB", "振り返り")
	r = h.tap(t, "UB", r.SessionID, "_mode", "full")
	wantPrompt(t, r, "D1")
	r = h.say(t, "UB", "（株）山田製作所")
	wantPrompt(t, r, "D1")
	for _, s := range secrets {
		if strings.Contains(jsonOf(r), s) {
			t.Errorf("refusal leaks %q: %s", s, jsonOf(r))
		}
	}
	if len(r.Choices) != 1 || r.Choices[0].Op.Name != bot.OpRequestAccess || w.assignedTo(t, "UB") {
		t.Errorf("refusal offers %+v; assigned: %v", r.Choices, w.assignedTo(t, "UB"))
	}
	r = h.say(t, "UB", "新しいお客さま工房")
	if r.Prompt == nil || r.Prompt.StepID == "D1" {
		t.Errorf("a new company is not accepted after a refusal: %+v", r.Prompt)
	}
}

// The configuration is the only source of the coordinator role: someone
// dropped from BANSOU_COORDINATORS sees only their own companies again.
func TestCoordinatorsFollowTheConfiguration(t *testing.T) {
	t.Parallel()
	w := newWorld(t, backends[0].open)
	ctx := context.Background()
	if _, err := w.h.bot.History(ctx, "slack", "UC", "山田製作所"); err != nil {
		t.Fatalf("coordinator before: %v", err)
	}
	if err := w.h.bot.SyncCoordinators(ctx, "slack", []string{"UE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.h.bot.History(ctx, "slack", "UC", "山田製作所"); !errors.Is(err, bot.ErrUnknownCompany) {
		t.Errorf("a coordinator no longer configured still sees the company: %v", err)
	}
	if _, _, err := w.h.bot.Digest(ctx, "slack", "UE"); err != nil {
		t.Errorf("the newly configured coordinator gets no digest: %v", err)
	}
}

// Two approvers tap 承認 at the same moment: one decision, one audit entry;
// the other is told it was already decided.
func TestConcurrentApprovalsDecideOnce(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			w := newWorld(t, be.open)
			w.handle(t, other, bot.Incoming{Op: &bot.Op{Name: bot.OpRequestAccess, Value: "山田製作所"}})
			var reqID string
			for _, a := range w.h.alerts.All()[w.alerts:] {
				for _, c := range a.Choices {
					if c.Op.Name == bot.OpApprove {
						reqID = c.Op.Value
					}
				}
			}
			w.mark()
			errs := make(chan error, 2)
			for i, r := range []role{assigned, coord} {
				go func() {
					errs <- w.h.bot.Handle(context.Background(), bot.Incoming{EventID: "race" + strconv.Itoa(i), Channel: r.channel,
						UserID: r.id, ReceivedAt: w.h.clock.Now(), Op: &bot.Op{Name: bot.OpApprove, Value: reqID}})
				}()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			out := w.outputsTo(assigned) + w.outputsTo(coord)
			if strings.Count(out, "承認しました") != 1 || strings.Count(out, "すでに処理されています") != 1 {
				t.Errorf("two approvals: %s", out)
			}
			w.h.inTx(t, func(ctx context.Context, tx store.Tx) {
				es, _ := tx.Audit(ctx, "company:"+strconv.FormatInt(w.yamada.ID, 10))
				n := 0
				for _, e := range es {
					if e.Action == "access.approved" {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d approvals in the audit log, want 1", n)
				}
			})
		})
	}
}
