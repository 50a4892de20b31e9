package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// admin is the operators' listener (BANSOU_ADMIN_ADDR): net/http/pprof,
// never on the public address. Bind it to localhost or a private network.
type admin struct {
	srv  *http.Server
	ln   net.Listener
	addr net.Addr
}

// startAdmin listens on addr and serves the profiles until stop.
func startAdmin(ctx context.Context, addr string, log *slog.Logger) (*admin, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serve: admin listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	a := &admin{ln: ln, addr: ln.Addr(), srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}}
	go func() {
		if err := a.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "error", err.Error())
		}
	}()
	log.InfoContext(ctx, "admin listener (pprof) serving", "addr", a.addr.String())
	return a, nil
}

// stop closes the listener; profiles in progress are cut off.
func (a *admin) stop() {
	if a != nil {
		_ = a.srv.Close()
	}
}
