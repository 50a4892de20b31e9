package bot

import (
	"context"
	"errors"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// The owner's rich menu buttons (Incoming.Menu).
const (
	MenuCall    = "call"    // 「相談したい」: a call request
	MenuStep    = "step"    // 「次の一歩を見る」: their committed step and its date
	MenuAdvisor = "advisor" // 「担当者」: who their advisor is
)

// menuInfo answers 「次の一歩を見る」 and 「担当者」 (「相談したい」 is a call
// request).
func (t *turn) menuInfo(ctx context.Context, companyID int64) error {
	switch t.in.Menu {
	case MenuStep:
		return t.nextStepInfo(ctx, companyID)
	case MenuAdvisor:
		name, err := t.ownerAdvisor(ctx, companyID)
		if err != nil {
			return err
		}
		inst := t.b.cfg.Institution
		text := pick(t.lang, "担当は、"+inst+"の"+name+"です。", "Your advisor is "+name+" at "+inst+".")
		if name == "" {
			text = pick(t.lang, inst+"の担当者がご一緒しています。", "An advisor at "+inst+" is looking after you.")
		}
		t.notes = append(t.notes, text+pick(t.lang, "お電話のご希望は、メニューの「相談したい」を押してください。",
			" To ask for a call, tap 「相談したい」 in the menu."))
	}
	return nil
}

// nextStepInfo recalls the step the owner committed to, in their words,
// and its date.
func (t *turn) nextStepInfo(ctx context.Context, companyID int64) error {
	c, err := t.tx.LatestCommitment(ctx, companyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Text == "") {
		t.notes = append(t.notes, pick(t.lang, "いまは、決まった次の一歩はありません。次にお会いするときに、一緒に決めましょう。",
			"There is no next step agreed right now. We'll decide one together next time we meet."))
		return nil
	}
	if err != nil {
		return err
	}
	var when, whenEn string
	if d, err := flows.ParseISODate(c.Due); c.Due != "" && err == nil {
		when, whenEn = "（目安："+d.Japanese()+"）", " (by "+d.Display("en")+")"
	}
	text := pick(t.lang, "いまの次の一歩は「"+c.Text+"」です"+when+"。",
		"Your next step: \""+c.Text+"\""+whenEn+".")
	switch c.Status {
	case "done":
		text = pick(t.lang, "前回の次の一歩「"+c.Text+"」は、できたとうかがっています。次にお会いするときに、また一緒に決めましょう。",
			"Your last step, \""+c.Text+"\", is reported done. We'll decide the next one together next time.")
	case "dropped":
		text = pick(t.lang, "前回の次の一歩「"+c.Text+"」は、やめた・変えたとうかがっています。次にお会いするときに、また一緒に決めましょう。",
			"Your last step, \""+c.Text+"\", was stopped or changed. We'll decide the next one together next time.")
	}
	t.notes = append(t.notes, text)
	return nil
}
