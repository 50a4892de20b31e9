// Package slack is bansou's Slack adapter (slack-go v0.34). Advisors
// debrief in a DM with the bot, one question per message.
//
// Intake comes over the HTTP Events API (POST /slack/events,
// /slack/interactivity, /slack/commands — each request verified with the
// signing secret on the raw body, 5-minute window) or over Socket Mode
// when an app-level token is configured. Either way the request is
// acknowledged at once and the bot's turn runs after the ack, in a
// goroutine that Adapter.Wait waits for at shutdown.
//
// Sender renders a bot.Reply as Block Kit: buttons for up to five options,
// a static select beyond, checkboxes (a multi-select above ten) with a
// 決定 button for multiple choice, a date picker for dates, 1–5 buttons for
// scales, はい/いいえ for yes/no, and a plain DM reply for free text. The
// listening hint goes in a context block. Each action's block_id carries
// "a:<session>:<step>", so a click becomes a bot.Action. When the next
// reply arrives, the previous prompt's buttons are replaced by the answer.
//
// Slack SDK types stay in this package: the rest of bansou sees bot types,
// *API, *Sender and *Adapter.
package slack
