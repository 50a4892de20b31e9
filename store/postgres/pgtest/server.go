// Package pgtest runs throwaway PostgreSQL servers for tests and benchmarks.
//
// A server is a fresh cluster made with the installed initdb and pg_ctl and
// reached over a unix socket in a temporary directory; nothing listens on
// TCP. When the tests run as root the cluster is owned by, and runs as, the
// postgres user, because initdb refuses to run as root.
//
// NewDB gives each test its own database, cloned from a migrated template on
// one fast (fsync=off) server per test binary; call Main from TestMain so
// that server is stopped at the end. StartServer starts a further server,
// e.g. a Durable one for benchmarks.
//
// BANSOU_TEST_DATABASE_URL (postgres://user@host/db?…, a role allowed to
// create databases) replaces the local servers with an existing one. Without
// it and without the PostgreSQL binaries, tests are skipped — except when the
// CI environment variable is set, where that is a failure.
package pgtest

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EnvURL names the environment variable that points the tests at an
// existing server instead of starting one.
const EnvURL = "BANSOU_TEST_DATABASE_URL"

// role is the role the throwaway clusters are created with.
const role = "bansou"

// Mode chooses a server's durability settings.
type Mode int

const (
	// Fast turns fsync, synchronous_commit and full_page_writes off: a crash
	// may lose the data, which tests never keep anyway.
	Fast Mode = iota
	// Durable keeps production settings (fsync, synchronous_commit and
	// full_page_writes on), for benchmarks that must pay for durability.
	Durable
)

// errNoBinaries means no PostgreSQL installation was found.
var errNoBinaries = errors.New("pgtest: PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin")

// Server is a running PostgreSQL server.
type Server struct {
	admin *url.URL // URL of the maintenance database "postgres"
	bin   string   // directory of initdb, pg_ctl, pgbench; "" when unknown
	dir   string   // temporary directory holding data, socket and log; "" for an external server
	run   runner
	mode  Mode
}

// StartServer starts a new throwaway server with the given settings and
// stops it when tb's test ends. When BANSOU_TEST_DATABASE_URL is set it
// returns that server instead, whatever its settings.
func StartServer(tb testing.TB, mode Mode) *Server {
	tb.Helper()
	s, err := start(mode)
	if err != nil {
		unavailable(tb, err)
	}
	tb.Cleanup(func() {
		if err := s.stop(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return s
}

// URL returns the URL of database db on the server.
func (s *Server) URL(db string) string {
	u := *s.admin
	u.Path = "/" + db
	u.RawPath = ""
	return u.String()
}

// BinDir returns the directory holding the server's client programs
// (pgbench, psql), or "" when it is not known.
func (s *Server) BinDir() string { return s.bin }

// start returns the external server, or initialises and starts a new cluster.
func start(mode Mode) (*Server, error) {
	if raw := os.Getenv(EnvURL); raw != "" {
		return external(raw, mode)
	}
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	run, err := newRunner()
	if err != nil {
		return nil, err
	}
	dir, err := run.tempDir()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dir: dir, run: run, mode: mode, admin: socketURL(dir)}
	if err := s.initAndStart(); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

// external wraps the server BANSOU_TEST_DATABASE_URL points at.
func external(raw string, mode Mode) (*Server, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("pgtest: %s must be a postgres:// URL, got %q", EnvURL, raw)
	}
	bin, _ := findBinaries() // only needed for pgbench
	return &Server{admin: u, bin: bin, mode: mode}, nil
}

func socketURL(dir string) *url.URL {
	q := url.Values{"host": {dir}, "sslmode": {"disable"}}
	return &url.URL{Scheme: "postgres", User: url.User(role), Path: "/postgres", RawQuery: q.Encode()}
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }
func (s *Server) log() string  { return filepath.Join(s.dir, "server.log") }

func (s *Server) initAndStart() error {
	initdb := []string{filepath.Join(s.bin, "initdb"), "-D", s.data(), "-N", "--auth=trust",
		"-E", "UTF8", "--locale=C.UTF-8", "-U", role}
	if err := s.run.command(s.dir, initdb...); err != nil {
		return fmt.Errorf("pgtest: initdb: %w", err)
	}
	pgctl := []string{filepath.Join(s.bin, "pg_ctl"), "-D", s.data(), "-l", s.log(),
		"-w", "-t", "60", "-o", s.options(), "start"}
	if err := s.run.command(s.dir, pgctl...); err != nil {
		return fmt.Errorf("pgtest: pg_ctl start: %w%s", err, s.logTail())
	}
	return nil
}

// options are the server settings passed through pg_ctl -o.
func (s *Server) options() string {
	opts := []string{"-c listen_addresses=''", "-k " + s.dir, "-c max_connections=200"}
	durable := "on"
	if s.mode == Fast {
		durable = "off"
	}
	for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
		opts = append(opts, "-c "+name+"="+durable)
	}
	return strings.Join(opts, " ")
}

// stop stops a local cluster and removes its files; an external server is
// left alone.
func (s *Server) stop() error {
	if s.dir == "" {
		return nil
	}
	how := "fast"
	if s.mode == Fast {
		how = "immediate" // nothing to keep
	}
	err := s.run.command(s.dir, filepath.Join(s.bin, "pg_ctl"), "-D", s.data(), "-m", how, "-w", "stop")
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop (data left in %s): %w", s.dir, err)
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// logTail returns the end of the server log, to explain a failed start.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.log())
	if err != nil || len(b) == 0 {
		return ""
	}
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return "\nserver log:\n" + string(b)
}

// unavailable skips or fails tb because no server could be started.
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if !errors.Is(err, errNoBinaries) {
		tb.Fatalf("%v", err)
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%v; on CI PostgreSQL is required: install it (apt-get install postgresql) or set %s", err, EnvURL)
	}
	tb.Skipf("SKIPPING POSTGRESQL TESTS: %v. Install PostgreSQL (apt-get install postgresql) or set %s.", err, EnvURL)
}

// Restart restarts a local cluster as an operator would during a fault:
// pg_ctl restart -m fast, which ends every session at once. It waits until
// the server accepts connections again. An external server cannot be
// restarted.
func (s *Server) Restart() error {
	if s.dir == "" {
		return errors.New("pgtest: cannot restart an external server")
	}
	err := s.run.command(s.dir, filepath.Join(s.bin, "pg_ctl"), "-D", s.data(), "-l", s.log(),
		"-m", "fast", "-w", "-t", "60", "-o", s.options(), "restart")
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl restart: %w%s", err, s.logTail())
	}
	return nil
}
