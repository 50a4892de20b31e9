// Package flows is the flow language of bansou: the types of a guided
// interview defined as data (YAML), the loader and validator that turn a file
// into a Flow or a "file:line: reason" error, the pure step engine that moves
// a conversation forward one input at a time, and the parsing of what Japanese
// users actually type (全角 digits, option numbers or labels, はい/いいえ, dates
// such as 12/3, 12月3日, R8.12.3 or 来週火曜).
//
// The package does no I/O and never reads the clock: the caller passes Env
// with the current time, so every transcript is reproducible.
package flows
