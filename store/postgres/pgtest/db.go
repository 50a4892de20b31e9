package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Setup prepares the template database at url, e.g. runs the migrations.
type Setup func(ctx context.Context, url string) error

// shared is the test binary's fast server and its template database, made
// on first use and stopped by Main.
var shared struct {
	srvOnce  sync.Once
	srv      *Server
	srvErr   error
	tmplOnce sync.Once
	tmpl     string
	tmplErr  error
}

// NewDB returns the URL of a new database for tb, cloned from a template
// that setup prepared once per test binary (every caller in a binary must
// pass the same setup). The database is dropped when tb's test ends.
func NewDB(tb testing.TB, setup Setup) string {
	tb.Helper()
	s := sharedServer(tb)
	shared.tmplOnce.Do(func() { shared.tmpl, shared.tmplErr = s.template(setup) })
	if shared.tmplErr != nil {
		tb.Fatalf("%v", shared.tmplErr)
	}
	return s.CreateDB(tb, shared.tmpl)
}

// EmptyDB returns the URL of a new database without any tables, dropped
// when tb's test ends.
func EmptyDB(tb testing.TB) string {
	tb.Helper()
	return sharedServer(tb).CreateDB(tb, "")
}

// Main runs the tests, then stops the server NewDB and EmptyDB started. Call
// it from TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if err := stopShared(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// sharedServer starts the binary's fast server on first use.
func sharedServer(tb testing.TB) *Server {
	tb.Helper()
	shared.srvOnce.Do(func() { shared.srv, shared.srvErr = start(Fast) })
	if shared.srvErr != nil {
		unavailable(tb, shared.srvErr)
	}
	return shared.srv
}

// template creates a database and prepares it with setup.
func (s *Server) template(setup Setup) (string, error) {
	name := "bansou_tmpl"
	if s.dir == "" { // a server other test binaries may share
		name += "_" + randomName()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := s.exec(ctx, "CREATE DATABASE "+ident(name))
	if err == nil {
		err = setup(ctx, s.URL(name))
	}
	if err != nil {
		return "", errors.Join(fmt.Errorf("pgtest: template: %w", err), s.exec(ctx, dropSQL(name)))
	}
	return name, nil
}

func stopShared() error {
	if shared.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if shared.srv.dir == "" && shared.tmpl != "" {
		err = shared.srv.exec(ctx, dropSQL(shared.tmpl))
	}
	return errors.Join(err, shared.srv.stop())
}

// CreateDB creates a database on s, as a copy of template unless template
// is "", drops it when tb's test ends, and returns its URL.
func (s *Server) CreateDB(tb testing.TB, template string) string {
	tb.Helper()
	name := "t_" + randomName()
	stmt := "CREATE DATABASE " + ident(name)
	if template != "" {
		stmt += " TEMPLATE " + ident(template)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.exec(ctx, stmt); err != nil {
		tb.Fatalf("%v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.exec(ctx, dropSQL(name)); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return s.URL(name)
}

// exec runs one statement in the maintenance database.
func (s *Server) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, s.admin.String())
	if err != nil {
		return fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return nil
}

func dropSQL(db string) string { return "DROP DATABASE IF EXISTS " + ident(db) + " WITH (FORCE)" }

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// randomName is 12 random lowercase hex digits.
func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
