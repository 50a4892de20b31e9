package line

import (
	"context"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/bansou/bansou/bot"
)

// envelope is what every event carries.
type envelope struct {
	kind       string
	source     webhook.SourceInterface
	eventID    string
	replyToken string
	timestamp  int64
	mode       webhook.EventMode
}

// incoming maps a webhook event to a turn's input. It returns false (after
// a log line without any message text) for what bansou does not handle:
// group and room chats, standby mode, unknown events. A non-text message
// (sticker, image) is a turn with empty text.
func (a *Adapter) incoming(ctx context.Context, ev webhook.EventInterface) (bot.Incoming, bool) {
	switch e := ev.(type) {
	case webhook.MessageEvent:
		in, ok := a.base(ctx, envelope{"message", e.Source, e.WebhookEventId, e.ReplyToken, e.Timestamp, e.Mode})
		if !ok {
			return in, false
		}
		if text, isText := e.Message.(webhook.TextMessageContent); isText {
			in.Text = text.Text
		} else {
			// A sticker, photo, … : a turn with no text, so the owner gets
			// a gentle answer (thanks, the current question again, or the
			// invite-code request) and never an error.
			a.log.InfoContext(ctx, "line non-text message", "message_type", messageType(e.Message))
		}
		return in, true
	case webhook.PostbackEvent:
		in, ok := a.base(ctx, envelope{"postback", e.Source, e.WebhookEventId, e.ReplyToken, e.Timestamp, e.Mode})
		if !ok || e.Postback == nil {
			return in, false
		}
		if e.Postback.Data == keyboardData {
			return in, false // 「番号で入力」 only opened the keyboard
		}
		if menu, ok := parseMenu(e.Postback.Data); ok {
			in.Menu = menu
			return in, true
		}
		act, ok := parsePostback(e.Postback.Data, e.Postback.Params)
		if !ok {
			a.ignore(ctx, "postback", "unknown data")
			return in, false
		}
		in.Action = &act
		return in, true
	case webhook.FollowEvent:
		in, ok := a.base(ctx, envelope{"follow", e.Source, e.WebhookEventId, e.ReplyToken, e.Timestamp, e.Mode})
		in.Kind = bot.EventFollow
		return in, ok
	case webhook.UnfollowEvent:
		// Also in standby mode: a blocked owner must not get pushes.
		in, ok := a.base(ctx, envelope{"unfollow", e.Source, e.WebhookEventId, "", e.Timestamp, webhook.EventMode_ACTIVE})
		in.Kind = bot.EventUnfollow
		return in, ok
	}
	a.ignore(ctx, ev.GetType(), "unhandled event type")
	return bot.Incoming{}, false
}

// base fills what every event has; false for events from groups and rooms
// and for standby mode (another channel module is answering).
func (a *Adapter) base(ctx context.Context, e envelope) (bot.Incoming, bool) {
	if e.mode == webhook.EventMode_STANDBY {
		a.ignore(ctx, e.kind, "standby mode")
		return bot.Incoming{}, false
	}
	user, ok := e.source.(webhook.UserSource)
	if !ok || user.UserId == "" {
		a.ignore(ctx, e.kind, "not a 1:1 chat", "source_type", sourceType(e.source))
		return bot.Incoming{}, false
	}
	at := a.cfg.Now()
	if e.timestamp > 0 {
		at = time.UnixMilli(e.timestamp)
	}
	return bot.Incoming{EventID: e.eventID, Channel: bot.ChannelLINE, UserID: user.UserId,
		ReplyToken: e.replyToken, ReceivedAt: at}, true
}

func (a *Adapter) ignore(ctx context.Context, eventType, reason string, attrs ...any) {
	a.log.InfoContext(ctx, "line event ignored", append([]any{"event_type", eventType, "reason", reason}, attrs...)...)
}

func messageType(m webhook.MessageContentInterface) string {
	if m == nil {
		return "none"
	}
	return m.GetType()
}

func sourceType(s webhook.SourceInterface) string {
	if s == nil {
		return "none"
	}
	return s.GetType()
}
