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
		text := flows.Msg(t.lang, "bot_your_advisor_is_at", inst, name)
		if name == "" {
			text = flows.Msg(t.lang, "bot_an_advisor_at_is_looking", inst)
		}
		t.notes = append(t.notes, text+flows.Msg(t.lang, "bot_menu_call_hint_ja"))
	}
	return nil
}

// nextStepInfo recalls the step the owner committed to, in their words,
// and its date.
func (t *turn) nextStepInfo(ctx context.Context, companyID int64) error {
	c, err := t.tx.LatestCommitment(ctx, companyID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Text == "") {
		t.notes = append(t.notes, flows.Msg(t.lang, "bot_there_is_no_next_step"))
		return nil
	}
	if err != nil {
		return err
	}
	var when, whenEn string
	if d, err := flows.ParseISODate(c.Due); c.Due != "" && err == nil {
		when, whenEn = "（目安："+d.Japanese()+"）", " (by "+d.Display("en")+")"
	}
	text := flows.Msg(t.lang, "bot_your_next_step", c.Text, when, whenEn)
	switch c.Status {
	case "done":
		text = flows.Msg(t.lang, "bot_your_last_step_is_reported", c.Text)
	case "dropped":
		text = flows.Msg(t.lang, "bot_your_last_step_was_stopped", c.Text)
	}
	t.notes = append(t.notes, text)
	return nil
}
