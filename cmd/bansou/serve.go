package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/bot/inbox"
	linebot "github.com/bansou/bansou/bot/line"
	"github.com/bansou/bansou/bot/remind"
	slackbot "github.com/bansou/bansou/bot/slack"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Shutdown and housekeeping timings.
const (
	shutdownGrace = 25 * time.Second // within Kubernetes' default 30 s
	sweepEvery    = time.Hour
	eventsKeep    = 48 * time.Hour // inbound event ids kept for dedupe
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("serve takes no arguments; it is configured by the environment (see bansou help)")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cfg.now = now
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))
	return serve(ctx, cfg, log, nil)
}

// server is one running bansou: the store, the bot, the channels and the
// HTTP endpoints.
type server struct {
	cfg        config
	log        *slog.Logger
	store      store.Store
	reg        *prometheus.Registry
	slack      *slackbot.Adapter
	line       *linebot.Adapter
	bot        *bot.Bot
	rem        *remind.Service
	remMetrics *reminderMetrics
	inbox      *inbox.Inbox
	handlers   map[string]inbox.Handler // the inbox's, by channel
	mux        *http.ServeMux
	http       *http.Server
	admin      *admin                   // nil unless BANSOU_ADMIN_ADDR is set
	staff      *bot.Staff               // who may use the advisor side
	groups     *slackbot.StaffRefresher // reads BANSOU_ADVISOR_GROUP; nil when not set

	lineSender *linebot.Sender // the LINE Messaging API client (nil without LINE)

	// base is the server's base context: requests, turns and inbox work
	// run under it. It outlives the signal that starts the shutdown and is
	// cancelled after the drain (stopWork).
	base     context.Context
	stopWork context.CancelFunc
}

// serve runs until ctx ends, then shuts down gracefully: stop intake (HTTP,
// Socket Mode), finish the turns in flight, close the store. ready, when
// set, is told the listening address.
func serve(ctx context.Context, cfg config, log *slog.Logger, ready func(net.Addr)) error {
	s, err := newServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.close()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("serve: listen: %w", err)
	}
	s.announce(ctx, ln.Addr())
	if ready != nil {
		ready(ln.Addr())
	}
	return s.run(ctx, ln)
}

func newServer(ctx context.Context, cfg config, log *slog.Logger) (*server, error) {
	set, err := loadFlows(cfg.flowsDir)
	if err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg.databaseURL, cfg.now, cfg.pgOptions...)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: cfg, log: log, store: st, reg: prometheus.NewRegistry(), mux: http.NewServeMux()}
	s.base, s.stopWork = context.WithCancel(context.WithoutCancel(ctx))
	s.http = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return s.base }}
	if err := s.wire(set); err != nil {
		s.close()
		return nil, err
	}
	if err := s.promoteCoordinators(ctx); err != nil {
		s.close()
		return nil, err
	}
	if err := s.bot.IndexCompanyNames(ctx); err != nil {
		s.close()
		return nil, err
	}
	if cfg.adminAddr != "" {
		if s.admin, err = startAdmin(ctx, cfg.adminAddr, log); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

// wire builds the bot, its channels and reminders, and registers the HTTP
// routes.
func (s *server) wire(set *flows.Set) error {
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	tm, err := newTurnMetrics(s.reg)
	if err != nil {
		return fmt.Errorf("serve: metrics: %w", err)
	}
	ch, err := s.channels()
	if err != nil {
		return err
	}
	planner, err := s.planner()
	if err != nil {
		return err
	}
	s.staff = s.cfg.staff()
	b, err := bot.New(bot.Config{Now: s.cfg.now, Store: s.store, Flows: set, Senders: ch.senders, Notifiers: ch.notifiers,
		Scheduler: planner, Calendar: planner.Calendar, UrgentWords: s.cfg.urgentWords, Logger: s.log,
		Location: s.cfg.location, Lang: s.cfg.lang, Institution: s.cfg.institution, Staff: s.staff,
		PublicURL: s.cfg.publicURL, Profiles: ch.profiles})
	if err != nil {
		return err
	}
	s.bot = b
	handler := meteredBot{Bot: b, m: tm}
	if err := s.newInbox(); err != nil {
		return err
	}
	var intake inboxIntake = s.inbox
	if s.cfg.noInbox {
		intake = nil
	}
	if ch.slackAPI != nil {
		s.slack, err = slackbot.New(slackbot.Config{API: ch.slackAPI, Sender: ch.slackSender, Bot: handler,
			SigningSecret: s.cfg.slackSigningSecret, Logger: s.log, Lang: s.cfg.lang, Location: s.cfg.location,
			LineFriendURL: s.cfg.lineFriendURL, Inbox: intake, Base: s.base})
		if err != nil {
			return err
		}
		if s.cfg.slackSigningSecret != "" {
			s.slack.Routes(s.mux)
		}
		if s.cfg.advisorGroup != "" {
			s.groups = &slackbot.StaffRefresher{API: ch.slackAPI, Group: s.cfg.advisorGroup, Staff: s.staff, Logger: s.log}
		}
		s.handlers[bot.ChannelSlack] = s.slack.Process
	}
	if s.cfg.line() {
		s.line, err = linebot.New(linebot.Config{ChannelSecret: s.cfg.lineChannelSecret, Handler: handler, Logger: s.log,
			Inbox: intake, Loader: ch.lineSender, Base: s.base, Now: s.cfg.now})
		if err != nil {
			return err
		}
		s.line.Routes(s.mux)
		s.handlers[bot.ChannelLINE] = s.line.Process
	}
	rm, err := newReminderMetrics(s.reg)
	if err != nil {
		return fmt.Errorf("serve: reminder metrics: %w", err)
	}
	s.remMetrics = rm
	s.rem, err = s.reminders(b, planner, ch, set)
	if err != nil {
		return err
	}
	s.lineSender = ch.lineSender
	if err := s.webDesk(b, set); err != nil {
		return err
	}
	s.routes()
	return nil
}

// channels are the configured messengers.
type channels struct {
	senders     map[string]bot.Sender
	notifiers   map[string]bot.Notifier
	slackAPI    *slackbot.API
	slackSender *slackbot.Sender
	lineSender  *linebot.Sender
	profiles    map[string]bot.ProfileSource
}

func (s *server) channels() (channels, error) {
	ch := channels{senders: map[string]bot.Sender{}, notifiers: map[string]bot.Notifier{}, profiles: map[string]bot.ProfileSource{}}
	if s.cfg.slack() {
		api, err := slackbot.NewAPI(slackbot.APIConfig{BotToken: s.cfg.slackBotToken, AppToken: s.cfg.slackAppToken,
			URL: s.cfg.slackAPIURL, Logger: s.log, Registerer: s.reg})
		if err != nil {
			return ch, err
		}
		ch.slackAPI, ch.slackSender = api, slackbot.NewSender(api, s.log, s.promptOptions()...)
		ch.senders[bot.ChannelSlack], ch.notifiers[bot.ChannelSlack] = ch.slackSender, ch.slackSender
		ch.profiles[bot.ChannelSlack] = ch.slackSender
	}
	if s.cfg.line() {
		sender, err := linebot.NewSender(linebot.Config{AccessToken: s.cfg.lineAccessToken, APIURL: s.cfg.lineAPIURL,
			DataURL: s.cfg.lineDataURL, Logger: s.log, Registerer: s.reg})
		if err != nil {
			return ch, err
		}
		ch.senders[bot.ChannelLINE], ch.profiles[bot.ChannelLINE], ch.lineSender = sender, sender, sender
	}
	return ch, nil
}

func (s *server) calendar() *calendar.Calendar {
	closures, _ := calendar.ParseClosures(s.cfg.closures) // validated by loadConfig
	return calendar.New(s.cfg.location, closures)
}

func (s *server) planner() (*remind.Planner, error) {
	spec, err := remind.ParseDigestSpec(s.cfg.digestCron, s.cfg.location)
	if err != nil {
		return nil, err
	}
	return remind.NewPlanner(remind.PlannerConfig{Store: s.store, Calendar: s.calendar(), Digest: spec, Logger: s.log, Quiet: s.cfg.quietHours})
}

// reminders is the planner and dispatcher service run by every replica.
func (s *server) reminders(b *bot.Bot, p *remind.Planner, ch channels, set *flows.Set) (*remind.Service, error) {
	rc := remind.RouterConfig{Store: s.store, CheckIns: b, Notifiers: ch.notifiers, Logger: s.log, Lang: s.cfg.lang}
	if ch.slackSender != nil {
		rc.Digests = &slackDigests{store: s.store, flows: set, loc: s.cfg.location, lang: s.cfg.lang, now: s.cfg.now, sender: ch.slackSender}
	}
	router, err := remind.NewRouter(rc)
	if err != nil {
		return nil, err
	}
	d, err := remind.NewDispatcher(remind.DispatcherConfig{Store: s.store, Deliverer: quotaCounting{Deliverer: router, m: s.remMetrics},
		Calendar: p.Calendar, Logger: s.log, Observe: s.remMetrics.observe, Quiet: s.cfg.quietHours, Now: s.cfg.now})
	if err != nil {
		return nil, err
	}
	if err := s.meterLINE(d, ch.lineSender); err != nil {
		return nil, err
	}
	return remind.NewService(remind.ServiceConfig{Planner: p, Dispatcher: d, Location: s.cfg.location, Logger: s.log, Now: s.cfg.now})
}

// promoteCoordinators gives the Slack users named in BANSOU_COORDINATORS the
// coordinator role, so the planner sends them the digest and they see every
// company; a coordinator no longer named becomes an advisor again.
func (s *server) promoteCoordinators(ctx context.Context) error {
	if err := s.bot.SyncCoordinators(ctx, bot.ChannelSlack, s.cfg.coordinators); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func (s *server) routes() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil {
			s.log.WarnContext(ctx, "not ready", "error", err.Error())
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
}

// announce logs what runs. Nothing secret is logged.
func (s *server) announce(ctx context.Context, addr net.Addr) {
	channels := []string{}
	if s.line != nil {
		channels = append(channels, "line")
	}
	if s.slack != nil {
		if s.cfg.slackSigningSecret != "" {
			channels = append(channels, "slack-http")
		}
		if s.cfg.slackAppToken != "" {
			channels = append(channels, "slack-socket-mode")
		}
	}
	s.log.InfoContext(ctx, "bansou serving", "addr", addr.String(), "channels", channels, "lang", s.cfg.lang, "tz", s.cfg.location.String())
	if s.staff.Open() {
		s.log.InfoContext(ctx, "open enrolment: every Slack user who writes to bansou becomes an advisor (a single-advisor trial); set BANSOU_ADVISORS or BANSOU_ADVISOR_GROUP, and BANSOU_COORDINATORS, to register staff")
	} else {
		s.log.InfoContext(ctx, "staff membership configured", "advisors", len(s.cfg.advisors), "advisor_group", s.cfg.advisorGroup != "", "coordinators", len(s.cfg.coordinators))
	}
	if len(channels) == 0 {
		s.log.InfoContext(ctx, "no channels configured: set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) to connect Slack, and LINE_CHANNEL_SECRET with LINE_CHANNEL_ACCESS_TOKEN for LINE")
	}
}

// run serves until ctx ends, then shuts down in order.
func (s *server) run(ctx context.Context, ln net.Listener) error {
	srv := s.http
	intake, stopIntake := context.WithCancel(context.WithoutCancel(ctx))
	defer stopIntake()
	var bg sync.WaitGroup
	s.inbox.Open() // before any intake: events run at once from the first
	if s.slack != nil && s.cfg.slackAppToken != "" {
		bg.Go(func() { _ = s.slack.RunSocketMode(intake) })
	}
	if s.groups != nil {
		bg.Go(func() { s.groups.Run(intake) })
	}
	bg.Go(func() { s.sweep(intake) })
	bg.Go(func() { _ = s.inbox.Run(intake) })
	bg.Go(func() { s.remMetrics.watchBacklog(intake, s.store, s.cfg.now, s.log) })
	bg.Go(func() { s.ensureRichMenu(intake) }) // in the background: a slow LINE does not delay serving
	bg.Go(func() {
		if err := s.rem.Run(intake); err != nil {
			s.log.Error("reminders stopped", "error", err.Error())
		}
	})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
		serveErr = fmt.Errorf("serve: http: %w", serveErr)
	}
	s.log.Info("shutting down")
	return errors.Join(serveErr, s.shutdown(srv, stopIntake, &bg))
}

// shutdown stops intake, then waits for the turns in flight.
func (s *server) shutdown(srv *http.Server, stopIntake context.CancelFunc, bg *sync.WaitGroup) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopIntake()
	bg.Wait()
	if s.slack != nil {
		err = errors.Join(err, s.slack.Wait(ctx))
	}
	s.stopWork() // after the drain: what still runs is cut off
	if err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// sweep deletes old inbound event ids and closed prompt messages every
// hour.
func (s *server) sweep(ctx context.Context) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		n, err := s.store.SweepEvents(ctx, s.cfg.now().Add(-eventsKeep))
		if err == nil {
			err = s.store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				_, err := tx.SweepPrompts(ctx, s.cfg.now().Add(-eventsKeep))
				return err
			})
		}
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.WarnContext(ctx, "sweeping inbound events failed", "error", err.Error())
		case n > 0:
			s.log.InfoContext(ctx, "swept inbound events", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *server) close() {
	s.stopWork()
	s.admin.stop()
	if err := s.store.Close(); err != nil {
		s.log.Warn("closing the store", "error", err.Error())
	}
}

// inboxIntake is what the adapters write to (both adapters' Enqueuer).
type inboxIntake interface {
	Add(ctx context.Context, it store.InboxItem) error
	AddTurn(ctx context.Context, it store.InboxItem, turn func(context.Context) error) error
}

// newInbox makes the inbox every adapter writes to before it answers the
// platform; its handlers are filled in as the channels are wired.
func (s *server) newInbox() error {
	m, err := inbox.NewMetrics(s.reg)
	if err != nil {
		return fmt.Errorf("serve: inbox metrics: %w", err)
	}
	s.handlers = map[string]inbox.Handler{}
	s.inbox, err = inbox.New(inbox.Config{Store: s.store, Base: s.base, Handlers: s.handlers, Logger: s.log, Metrics: m,
		Lease: s.cfg.inboxLease, Poll: s.cfg.inboxPoll, Now: s.cfg.now})
	return err
}

// promptOptions keep the Slack prompt messages in the store when replicas
// share it (PostgreSQL), so any replica can close them; one SQLite process
// keeps them in memory and spares every reply a write transaction.
func (s *server) promptOptions() []slackbot.SenderOption {
	if _, shared := s.store.(remind.Locker); shared {
		return []slackbot.SenderOption{slackbot.WithPrompts(slackbot.StorePrompts(s.store))}
	}
	return nil
}
