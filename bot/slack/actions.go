package slack

import (
	"context"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// onInteraction decides what a click means. It does no I/O: the returned
// work runs after the ack.
func (a *Adapter) onInteraction(ctx context.Context, ic slack.InteractionCallback) (string, work) {
	if ic.Type != slack.InteractionTypeBlockActions || len(ic.ActionCallback.BlockActions) == 0 {
		a.log.InfoContext(ctx, "slack interaction ignored", "interaction_type", string(ic.Type))
		return "", nil
	}
	act := ic.ActionCallback.BlockActions[0]
	user := ic.User.ID
	switch id := act.ActionID; {
	case id == actPick:
		return "", nil // a checkbox ticked: state only, read on submit
	case id == actResume:
		return "resume", func(ctx context.Context) error { return a.resume(ctx, user) }
	case strings.HasPrefix(id, actStartPrefx):
		flowID, _, _ := strings.Cut(strings.TrimPrefix(id, actStartPrefx), ":")
		if flowID != bot.FlowDebrief && flowID != bot.FlowVerify {
			break
		}
		company := act.Value
		return "start", func(ctx context.Context) error { return a.start(ctx, user, flowID, company) }
	case strings.HasPrefix(id, actAnswer):
		return a.onAnswer(ctx, ic, act)
	case strings.HasPrefix(id, actOpPrefix):
		return a.onOp(ic, act)
	}
	a.log.InfoContext(ctx, "slack action ignored", "action_id", act.ActionID)
	return "", nil
}

// onAnswer turns a click on a prompt into a turn with an Action: the
// session and step from the block_id, the canonical value from the element.
func (a *Adapter) onAnswer(ctx context.Context, ic slack.InteractionCallback, act *slack.BlockAction) (string, work) {
	sid, step, ok := parseBlockID(act.BlockID)
	if !ok {
		a.log.InfoContext(ctx, "slack action ignored", "action_id", act.ActionID, "reason", "bad block_id")
		return "", nil
	}
	ts := act.ActionTs
	if ts == "" {
		ts = ic.ActionTs
	}
	in := bot.Incoming{
		Channel:  bot.ChannelSlack,
		UserID:   ic.User.ID,
		UserName: ic.User.Name,
		Action:   &bot.Action{SessionID: sid, StepID: step, Value: actionValue(ic, act)},
	}
	if ts != "" {
		in.EventID = "act:" + ic.User.ID + ":" + ts
	}
	label := actionLabel(act)
	return "answer", func(ctx context.Context) error {
		a.cfg.Sender.noteClick(sid, step, label)
		return a.cfg.Bot.Handle(ctx, in)
	}
}

// actionLabel is the text of the clicked button or chosen option.
func actionLabel(act *slack.BlockAction) string {
	switch {
	case act.ActionID == actSelect && act.SelectedOption.Text != nil:
		return act.SelectedOption.Text.Text
	case strings.HasPrefix(act.ActionID, actAnswer+":") && act.ActionID != actMulti:
		return act.Text.Text
	}
	return ""
}

// actionValue is the canonical answer an element carries.
func actionValue(ic slack.InteractionCallback, act *slack.BlockAction) string {
	switch act.ActionID {
	case actSelect:
		return act.SelectedOption.Value
	case actDate:
		return act.SelectedDate
	case actMulti:
		return checked(ic, act.BlockID)
	}
	return act.Value
}

// checked reads the options ticked in the block's checkboxes or
// multi-select from the message state, comma-joined.
func checked(ic slack.InteractionCallback, blockID string) string {
	if ic.BlockActionState == nil {
		return ""
	}
	picked := ic.BlockActionState.Values[blockID][actPick]
	ids := make([]string, 0, len(picked.SelectedOptions))
	for _, o := range picked.SelectedOptions {
		ids = append(ids, o.Value)
	}
	return strings.Join(ids, ",")
}

// resume re-sends the current question of the person's session to the DM.
func (a *Adapter) resume(ctx context.Context, user string) error {
	ok, err := a.cfg.Bot.Resume(ctx, bot.ChannelSlack, user)
	if err != nil || ok {
		return err
	}
	ov, err := a.cfg.Bot.Overview(ctx, bot.ChannelSlack, user)
	if err != nil {
		return err
	}
	return a.cfg.Sender.postDM(ctx, user, textMessage(flows.Msg(ov.Lang, "ui_no_conversation_is_in_progress")))
}

// start opens a flow about company (possibly a new one).
func (a *Adapter) start(ctx context.Context, user, flowID, company string) error {
	return a.cfg.Bot.Start(ctx, bot.ChannelSlack, user, bot.StartRequest{FlowID: flowID, Company: company})
}

// textMessage is a message of plain notices.
func textMessage(text string) message {
	return message{fallback: text, blocks: sections(text)}
}

// startButton is a button that starts flowID about company.
func startButton(flowID, company, label string, i int) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(actStartPrefx+flowID+":"+strconv.Itoa(i), company, plain(clip(label, maxLabel)))
}

// onOp turns a tap on one of the bot's Choices into a turn with an Op. The
// bot decides whether the person may do it.
func (a *Adapter) onOp(ic slack.InteractionCallback, act *slack.BlockAction) (string, work) {
	name, _, _ := strings.Cut(strings.TrimPrefix(act.ActionID, actOpPrefix), ":")
	in := bot.Incoming{Channel: bot.ChannelSlack, UserID: ic.User.ID, UserName: ic.User.Name,
		Op: &bot.Op{Name: name, Value: act.Value}}
	ts := act.ActionTs
	if ts == "" {
		ts = ic.ActionTs
	}
	if ts != "" {
		in.EventID = "act:" + ic.User.ID + ":" + ts
	}
	return "op", func(ctx context.Context) error { return a.cfg.Bot.Handle(ctx, in) }
}
