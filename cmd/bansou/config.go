package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// config is bansou serve's configuration, read once from the environment.
type config struct {
	databaseURL string
	httpAddr    string
	location    *time.Location
	lang        string
	flowsDir    string
	institution string

	slackBotToken      string
	slackAppToken      string
	slackSigningSecret string
	slackAPIURL        string
}

// slack reports whether the Slack channel is configured.
func (c config) slack() bool { return c.slackBotToken != "" }

// loadConfig reads and validates the environment. Every problem is
// reported, together, before anything starts.
func loadConfig(getenv func(string) string) (config, error) {
	var problems []string
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	// Secrets may also be given as NAME_FILE: the path of a file holding
	// the value (Docker and Kubernetes secrets).
	secrets := map[string]string{}
	for _, name := range []string{"BANSOU_DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"} {
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

		slackBotToken:      secrets["SLACK_BOT_TOKEN"],
		slackAppToken:      secrets["SLACK_APP_TOKEN"],
		slackSigningSecret: secrets["SLACK_SIGNING_SECRET"],
		slackAPIURL:        get("SLACK_API_URL"),
	}
	loc, err := time.LoadLocation(or(get("BANSOU_TZ"), "Asia/Tokyo"))
	if err != nil {
		problems = append(problems, fmt.Sprintf("BANSOU_TZ: unknown time zone %q", get("BANSOU_TZ")))
	}
	c.location = loc
	problems = append(problems, c.validate()...)
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
	if c.flowsDir != "" {
		if fi, err := os.Stat(c.flowsDir); err != nil || !fi.IsDir() {
			problems = append(problems, fmt.Sprintf("BANSOU_FLOWS_DIR %q is not a directory", c.flowsDir))
		}
	}
	if c.slackAPIURL != "" {
		if u, err := url.Parse(c.slackAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, fmt.Sprintf("SLACK_API_URL %q is not an http(s) URL", c.slackAPIURL))
		}
	}
	return append(problems, c.validateSlack()...)
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
