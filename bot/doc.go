// Package bot is the conversation core of bansou. An adapter (console,
// Slack, LINE) turns a platform event into an Incoming; Bot.Handle runs one
// turn in one store transaction — dedupe the event, resolve the person, load
// the active session, step the flows engine, save — and only after commit
// sends the Replies through the adapter's Sender. Nothing here knows about
// a platform.
package bot
