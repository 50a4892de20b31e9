package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Routes registers the HTTP endpoints Slack posts to:
// POST /slack/events, /slack/interactivity and /slack/commands.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.Handle("POST /slack/events", a.verified(a.serveEvents))
	mux.Handle("POST /slack/interactivity", a.verified(a.serveInteractivity))
	mux.Handle("POST /slack/commands", a.verified(a.serveCommands))
}

// verified reads the body (size-limited) and checks Slack's signature on
// the raw bytes, with the 5-minute timestamp window, before anything is
// parsed. A missing, invalid or stale signature gets 401 and no effect.
func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.MaxBody))
		if err != nil {
			status := http.StatusBadRequest
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				status = http.StatusRequestEntityTooLarge
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		if err := a.verify(r.Header, body); err != nil {
			a.log.WarnContext(r.Context(), "slack request rejected", "path", r.URL.Path, "error", err.Error())
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		next(w, r, body)
	})
}

func (a *Adapter) verify(h http.Header, body []byte) error {
	sv, err := slack.NewSecretsVerifier(h, a.cfg.SigningSecret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// serveEvents answers the Events API: url_verification with the challenge,
// everything else with an immediate 200 and the work after it (stored in
// the inbox first, when there is one: 503 when that fails, so Slack
// retries). Events that do not parse (unknown types) get 200 too, or Slack
// would retry them.
func (a *Adapter) serveEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		a.log.InfoContext(r.Context(), "slack event ignored", "reason", "unparsed", "error", err.Error())
		w.WriteHeader(http.StatusOK)
		return
	}
	if ev.Type == slackevents.URLVerification {
		if v, ok := ev.Data.(*slackevents.EventsAPIURLVerificationEvent); ok {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, v.Challenge)
			return
		}
	}
	what, wk := a.onEvent(r.Context(), ev, r.Header.Get("X-Slack-Retry-Num"))
	key, user := eventKey(ev)
	if err := a.enqueue(r.Context(), wk, what, kindEvent, body, key, user); err != nil {
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.spawnUnlessQueued(what, wk)
}

// serveInteractivity answers button clicks, selects and date picks.
func (a *Adapter) serveInteractivity(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	var ic slack.InteractionCallback
	if err == nil {
		err = json.Unmarshal([]byte(form.Get("payload")), &ic)
	}
	if err != nil {
		a.log.InfoContext(r.Context(), "slack interaction ignored", "reason", "unparsed", "error", err.Error())
		w.WriteHeader(http.StatusOK)
		return
	}
	what, wk := a.onInteraction(r.Context(), ic)
	key, user := interactionKey(ic)
	if err := a.enqueue(r.Context(), wk, what, kindInteraction, []byte(form.Get("payload")), key, user); err != nil {
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.spawnUnlessQueued(what, wk)
}

// serveCommands answers /bansou: help at once, other work after the ack.
func (a *Adapter) serveCommands(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		a.log.InfoContext(r.Context(), "slack command ignored", "reason", "unparsed", "error", err.Error())
		w.WriteHeader(http.StatusOK)
		return
	}
	cmd := slack.SlashCommand{Command: form.Get("command"), Text: form.Get("text"), UserID: form.Get("user_id"),
		UserName: form.Get("user_name"), ChannelID: form.Get("channel_id"), TeamID: form.Get("team_id"), TriggerID: form.Get("trigger_id")}
	ack, wk := a.onCommand(r.Context(), cmd)
	key, user := commandKey(cmd)
	payload, _ := json.Marshal(cmd)
	if err := a.enqueue(r.Context(), wk, "command", kindCommand, payload, key, user); err != nil {
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	if ack != nil {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ack)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	a.spawnUnlessQueued("command", wk)
}
