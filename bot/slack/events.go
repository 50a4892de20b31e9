package slack

import (
	"context"

	"github.com/slack-go/slack/slackevents"

	"github.com/bansou/bansou/bot"
)

// onEvent decides what an Events API event means. It does no I/O: the
// returned work runs after the ack.
func (a *Adapter) onEvent(ctx context.Context, ev slackevents.EventsAPIEvent, retry string) (string, work) {
	if ev.Type != slackevents.CallbackEvent {
		a.log.InfoContext(ctx, "slack event ignored", "event_type", ev.Type)
		return "", nil
	}
	cb, _ := ev.Data.(*slackevents.EventsAPICallbackEvent)
	eventID := ""
	if cb != nil {
		eventID = cb.EventID
	}
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		return "message", a.onMessage(ctx, e, eventID, retry)
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab != "home" {
			return "", nil
		}
		user := e.User
		return "app_home", func(ctx context.Context) error { return a.publishHome(ctx, user) }
	}
	a.log.InfoContext(ctx, "slack event ignored", "event_type", ev.InnerEvent.Type, "event_id", eventID)
	return "", nil
}

// onMessage turns a DM from a person into a turn. The bot's own messages,
// edits, joins and other subtypes have no effect.
//
// Dedupe: the turn's EventID is "msg:<channel>:<ts>", not the event_id.
// A retried delivery repeats both, so the channel+ts key also catches
// event_id duplicates, and it catches the same message arriving under a
// different event_id too (Socket Mode redelivery to another replica).
func (a *Adapter) onMessage(ctx context.Context, e *slackevents.MessageEvent, eventID, retry string) work {
	if e.BotID != "" || e.SubType != "" || e.User == "" || e.ChannelType != "im" {
		a.log.DebugContext(ctx, "slack message ignored", "event_id", eventID, "subtype", e.SubType, "channel_type", e.ChannelType)
		return nil
	}
	in := bot.Incoming{
		EventID: "msg:" + e.Channel + ":" + e.TimeStamp,
		Channel: bot.ChannelSlack,
		UserID:  e.User,
		Text:    unescape(e.Text),
	}
	if retry != "" {
		a.log.InfoContext(ctx, "slack retry received", "event_id", eventID, "retry_num", retry)
	}
	return func(ctx context.Context) error { return a.cfg.Bot.Handle(ctx, in) }
}
