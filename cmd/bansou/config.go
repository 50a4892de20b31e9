package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/bot/remind"
	"github.com/bansou/bansou/store/postgres"
)

// config is bansou serve's configuration, read once from the environment.
type config struct {
	databaseURL string
	httpAddr    string
	location    *time.Location
	lang        string
	flowsDir    string
	institution string
	adminAddr   string     // pprof listener; "" is off
	logLevel    slog.Level // BANSOU_LOG_LEVEL

	inboxLease time.Duration // 0: the inbox's default (tests shorten it)
	inboxPoll  time.Duration
	// noInbox runs turns in a goroutine after the ack, as before the
	// inbox: only the before/after benchmark sets it.
	noInbox   bool
	publicURL string // where people reach serve (web sign-in links)

	slackBotToken      string
	slackAppToken      string
	slackSigningSecret string
	slackAPIURL        string

	lineChannelSecret string
	lineAccessToken   string
	lineAPIURL        string
	lineFriendURL     string

	digestCron   string   // when coordinators get the digest
	closures     string   // extra non-working days, e.g. 12/29-01/03
	coordinators []string // Slack user ids who receive the digest
	advisors     []string // Slack user ids of the advisors (staff)
	advisorGroup string   // a Slack user group whose members are advisors
	urgentWords  []string // nil: the bot's defaults

	quietHours   remind.QuietHours // no pushes to owners (BANSOU_QUIET_HOURS)
	lineDataURL  string            // LINE content API (rich menu images)
	lineRichMenu bool              // create the owner rich menu at start
	pgOptions    []postgres.Option // set by tests (a statement-counting tracer)
	// now is the one clock of the bot, its store and its reminders:
	// main's, set by cmdServe (loadConfig starts it at time.Now).
	now func() time.Time
}

// slack reports whether the Slack channel is configured.
func (c config) slack() bool { return c.slackBotToken != "" }

// line reports whether the LINE channel is configured.
func (c config) line() bool { return c.lineChannelSecret != "" && c.lineAccessToken != "" }

// loadConfig reads and validates the environment. Every problem is
// reported, together, before anything starts.
func loadConfig(getenv func(string) string) (config, error) {
	var problems []string
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	// Secrets may also be given as NAME_FILE: the path of a file holding
	// the value (Docker and Kubernetes secrets).
	secrets := map[string]string{}
	for _, name := range []string{"BANSOU_DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
		"LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"} {
		v, err := secret(getenv, name)
		if err != nil {
			problems = append(problems, err.Error())
		}
		secrets[name] = v
	}
	c := config{
		databaseURL: or(secrets["BANSOU_DATABASE_URL"], defaultDB),
		httpAddr:    or(get("BANSOU_HTTP_ADDR"), ":8080"),
		lang:        or(get("BANSOU_LANG"), "ja"),
		flowsDir:    get("BANSOU_FLOWS_DIR"),
		institution: or(get("BANSOU_INSTITUTION"), "相談窓口"),
		adminAddr:   get("BANSOU_ADMIN_ADDR"),
		publicURL:   get("BANSOU_PUBLIC_URL"),

		slackBotToken:      secrets["SLACK_BOT_TOKEN"],
		slackAppToken:      secrets["SLACK_APP_TOKEN"],
		slackSigningSecret: secrets["SLACK_SIGNING_SECRET"],
		slackAPIURL:        get("SLACK_API_URL"),

		lineChannelSecret: secrets["LINE_CHANNEL_SECRET"],
		lineAccessToken:   secrets["LINE_CHANNEL_ACCESS_TOKEN"],
		lineAPIURL:        get("LINE_API_URL"),
		lineFriendURL:     get("BANSOU_LINE_FRIEND_URL"),

		digestCron:   or(get("BANSOU_DIGEST_CRON"), "0 9 * * 1"),
		closures:     or(get("BANSOU_CLOSURES"), "12/29-01/03"),
		coordinators: list(get("BANSOU_COORDINATORS")),
		advisors:     list(get("BANSOU_ADVISORS")),
		advisorGroup: get("BANSOU_ADVISOR_GROUP"),
		urgentWords:  list(get("BANSOU_URGENT_WORDS")),

		lineDataURL:  get("LINE_DATA_API_URL"),
		lineRichMenu: !strings.EqualFold(get("BANSOU_LINE_RICH_MENU"), "off"),
		now:          time.Now,
	}
	quiet, err := remind.ParseQuietHours(get("BANSOU_QUIET_HOURS"))
	if err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_QUIET_HOURS: %v", err))
	}
	c.quietHours = quiet
	loc, err := time.LoadLocation(or(get("BANSOU_TZ"), "Asia/Tokyo"))
	if err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_TZ: unknown time zone %q", get("BANSOU_TZ")))
	}
	c.location = loc
	if err := c.logLevel.UnmarshalText([]byte(or(get("BANSOU_LOG_LEVEL"), "info"))); err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_LOG_LEVEL must be debug, info, warn or error, not %q", get("BANSOU_LOG_LEVEL")))
	}
	if c.publicURL == "" {
		c.publicURL = localURL(c.httpAddr)
	}
	problems = append(problems, c.validate()...)
	problems = append(problems, validPublicURL(c.publicURL)...)
	if len(problems) > 0 {
		return c, fmt.Errorf("invalid configuration:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return c, nil
}

// secret reads NAME or the file named by NAME_FILE (not both).
func secret(getenv func(string) string, name string) (string, error) {
	v, path := strings.TrimSpace(getenv(name)), strings.TrimSpace(getenv(name+"_FILE"))
	switch {
	case path == "":
		return v, nil
	case v != "":
		return v, fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named below; the value never is
		}
		return "", fmt.Errorf("%s_FILE: cannot read %s: %v", name, path, err)
	}
	return strings.TrimSpace(string(data)), nil
}

// validate checks the values against each other.
func (c config) validate() []string {
	var problems []string
	if c.lang != "ja" && c.lang != "en" {
		problems = append(problems, fmt.Sprintf("BANSOU_LANG must be ja or en, not %q", c.lang))
	}
	if _, _, err := net.SplitHostPort(c.httpAddr); err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_HTTP_ADDR %q is not host:port (e.g. :8080)", c.httpAddr))
	}
	if c.adminAddr != "" {
		if _, _, err := net.SplitHostPort(c.adminAddr); err != nil {
			problems = append(problems, fmt.Sprintf("BANSOU_ADMIN_ADDR %q is not host:port (e.g. 127.0.0.1:6060)", c.adminAddr))
		}
	}
	if c.flowsDir != "" {
		if fi, err := os.Stat(c.flowsDir); err != nil || !fi.IsDir() {
			problems = append(problems, fmt.Sprintf("BANSOU_FLOWS_DIR %q is not a directory", c.flowsDir))
		}
	}
	for name, v := range map[string]string{"SLACK_API_URL": c.slackAPIURL, "LINE_API_URL": c.lineAPIURL, "LINE_DATA_API_URL": c.lineDataURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("%s %q is not an http(s) URL", name, v))
		}
	}
	if (c.lineChannelSecret == "") != (c.lineAccessToken == "") {
		problems = append(problems, "LINE needs both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
	}
	if _, err := cron.ParseStandard(c.digestCron); err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_DIGEST_CRON %q is not a cron schedule (e.g. \"0 9 * * 1\" = Mondays 9:00): %v", c.digestCron, err))
	}
	if _, err := calendar.ParseClosures(c.closures); err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_CLOSURES: %v (e.g. 12/29-01/03,08/13-08/15)", err))
	}
	if c.advisorGroup != "" && c.slackBotToken == "" {
		problems = append(problems, "BANSOU_ADVISOR_GROUP is read from Slack: it needs SLACK_BOT_TOKEN")
	}
	return append(problems, c.validateSlack()...)
}

// staff is who may use the advisor side; nothing configured is open
// enrolment.
func (c config) staff() *bot.Staff {
	return bot.NewStaff(c.advisors, c.coordinators, c.advisorGroup != "")
}

// list splits a comma-separated setting; empty gives nil.
func list(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (c config) validateSlack() []string {
	var problems []string
	anySlack := c.slackBotToken != "" || c.slackAppToken != "" || c.slackSigningSecret != ""
	switch {
	case !anySlack:
		return nil
	case c.slackBotToken == "":
		problems = append(problems, "SLACK_BOT_TOKEN is required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set")
	case !strings.HasPrefix(c.slackBotToken, "xoxb-"):
		problems = append(problems, "SLACK_BOT_TOKEN must be a bot token (xoxb-…)")
	}
	if c.slackAppToken == "" && c.slackSigningSecret == "" {
		problems = append(problems, "Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP Events API)")
	}
	if c.slackAppToken != "" && !strings.HasPrefix(c.slackAppToken, "xapp-") {
		problems = append(problems, "SLACK_APP_TOKEN must be an app-level token (xapp-…)")
	}
	return problems
}
