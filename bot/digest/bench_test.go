package digest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// BenchmarkBuild40 builds the digest of a coordinator with 40 companies,
// 4 advisors, each company with an intake, two debriefs, two check-ins,
// a follow-up, a referral and a small win (200 sessions, ~1,600 answers),
// on a SQLite file.
func BenchmarkBuild40(b *testing.B) {
	st := openStore(b)
	err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		w := &writer{t: b, ctx: ctx, tx: tx, now: monday}
		var advisors []store.Person
		for i := range 4 {
			advisors = append(advisors, w.person(store.RoleAdvisor, fmt.Sprintf("支援者%d", i), "slack", fmt.Sprintf("U%d", i)))
		}
		for i := range 40 {
			seedBench(w, i, advisors[i%4])
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	set, err := flows.Builtin() // loaded once at start, as cmd/bansou does
	if err != nil {
		b.Fatal(err)
	}
	opt := digest.Options{Now: monday, Location: jst, Flows: set}
	b.ReportAllocs()
	for b.Loop() {
		d, err := digest.Build(context.Background(), st, opt)
		if err != nil {
			b.Fatal(err)
		}
		_ = d.Text("ja")
	}
}

func seedBench(w *writer, i int, adv store.Person) {
	c := w.company(fmt.Sprintf("企業%02d", i), adv)
	walls := []string{"mienai", "mukiawanai", "jikkou_dekinai", "tsuite_konai", "tarinai"}
	owner := w.person(store.RoleOwner, fmt.Sprintf("経営者%02d", i), "line", fmt.Sprintf("L%d", i))
	w.must(w.tx.LinkOwner(w.ctx, owner.ID, c.ID, w.ago(100)))
	w.session("intake", c, adv, w.ago(90+i), ans{step: "I9", tag: "stage", value: "growth_stagnation"},
		ans{step: "I10", tag: "urgency", value: "not_urgent"}, ans{step: "I30b", value: secret, sensitive: true})
	for k, ago := range []int{40 + i%10, 3 + i%20} {
		s := w.session("debrief", c, adv, w.ago(ago),
			ans{step: "D4", value: "issue_setting"},
			ans{step: "D5", tag: "facts", value: "売上は前年比で1割減。主要取引先が1社減った。"},
			ans{step: "D7", tag: "owner.words", value: "「わかってはいるんだけど、手が回らない」"},
			ans{step: "D15", tag: "wall.main", value: walls[(i+k*(i%2))%5]},
			ans{step: "D16", tag: "wall.evidence", value: "話題を変える"},
			ans{step: "D22", tag: "commitment.text", value: "朝礼で月2回、目標を話す"},
			ans{step: "D28b", tag: "small_win", value: "朝礼を始めた"},
			ans{step: "D30", tag: "referral.targets", value: "yorozu"},
			ans{step: "D34", tag: "followup.date", value: w.date(14 - ago)})
		w.commitment(s, "朝礼で月2回、目標を話す", w.date(7-ago))
		w.followup(s, adv, w.date(14-ago))
		if k == 1 {
			w.referral(s, "pending", "yorozu")
			w.smallWin(s, "朝礼を始めた", "advisor")
		}
	}
	for _, ago := range []int{20, 2 + i%6} {
		w.session("checkin", c, owner, w.ago(ago), ans{step: "L0", tag: "checkin.consent", value: "yes"},
			ans{step: "L1", tag: "checkin.status", value: "doing"},
			ans{step: "L3", tag: "checkin.confidence", value: fmt.Sprint(1 + (i+ago)%5)},
			ans{step: "L4", tag: "callback.wanted", value: "fine"})
	}
}
