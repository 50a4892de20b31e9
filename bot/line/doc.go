// Package line is bansou's LINE adapter (line-bot-sdk-go v8: webhook and
// messaging_api). Owners answer short check-ins in their 1:1 chat with the
// bot, one question per message, mostly by tapping quick replies.
//
// Intake is the webhook (Adapter, served on POST /line/webhook): the body
// is limited to 1 MiB and its X-Line-Signature checked with the channel
// secret before anything is parsed; a bad or missing signature gets 400
// and no effect. Each event from a user becomes a bot.Incoming with the
// webhookEventId as its EventID, so a redelivery has no second effect.
// Events are handled synchronously inside the request (a turn takes about
// a millisecond); when a turn fails the webhook answers 500 so that LINE
// may redeliver. Group and room chats, standby mode and unknown events get
// 200, a log line and no effect. A non-text message (sticker, image) is a
// turn with empty text: the owner gets a gentle answer, never an error,
// and it never counts as an invite-code guess.
//
// Sender renders a bot.Reply (Render, pure) as one text message — the
// notices, then the question — with quick replies: one postback per
// option (at most 13; labels cut to 20 characters), 1–5 for scales,
// はい/いいえ for yes/no, a date picker for dates and 「スキップ」 for
// optional steps. Postback data carries "s=<session>&p=<step>&v=<value>"
// (at most 300 bytes), so a tap becomes a bot.Action. When a choice step
// has more than 13 options, they are numbered in the text and the quick
// replies offer the first 12 and 「番号で入力」, which opens the keyboard.
//
// Delivery: a reply token is used when there is one (free); a rejected or
// expired token falls back to a push. Pushes carry an X-Line-Retry-Key
// derived from Reply.PushKey (a name-based UUID, version 5), so a retry from
// any replica cannot send twice: 409 counts as sent. 429 is either the
// monthly quota (bot.ErrQuota) or rate limiting (*bot.RetryAfterError);
// 5xx, timeouts and connection errors are retried three times with the
// same key, then reported as *bot.RetryAfterError.
//
// The owner's rich menu (EnsureRichMenu, at start) has three large
// buttons whose postbacks ("menu=call|step|advisor") become
// bot.Incoming.Menu; its 2500×843 PNG is drawn by MenuImage from the label
// glyphs in menuart/labels.png. It is found by name (RichMenuName) before
// anything is created, so replicas and restarts leave exactly one. While a
// turn runs the adapter shows the loading animation (Config.Loader). The
// Sender also reads the month's quota (Quota, PushesLeft: the dispatcher
// holds check-ins when it is spent) and a user's display name.
//
// Tokens and message text are never logged. LINE SDK types stay in this
// package, except that Render returns messaging_api messages.
package line
