// Package web is the coordinator's desk in a browser, served under /app/ on
// bansou serve's listener: the portfolio of visible companies (/app/), one
// company's record (/app/companies/{id}), trends with inline SVG charts
// (/app/trends) and CSV downloads. Pages are rendered on the server with
// html/template; the style sheet is embedded; there is no JavaScript.
//
// People sign in with a single-use link the bot DMs in Slack (/bansou web);
// the session lives in the database and its cookie is HttpOnly and
// SameSite=Lax. Every POST carries a CSRF token derived from the session.
// What a person may see is decided by bot.CanSee and bot.VisibleCompanies
// only; nothing here writes records.
package web
