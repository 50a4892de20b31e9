package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// cookieName holds the session token.
const cookieName = "bansou_session"

// Auth is what the desk needs from the bot to sign people in and out.
type Auth interface {
	SignIn(ctx context.Context, linkToken string) (string, error)
	WebViewer(ctx context.Context, tx store.Tx, sessionToken string) (store.Person, error)
}

// Config is what the desk needs.
type Config struct {
	Auth     Auth
	Store    store.Store
	Flows    *flows.Set
	Location *time.Location   // the people's time zone (Asia/Tokyo)
	Now      func() time.Time // time.Now when nil
	Secure   bool             // mark the cookie Secure (false only for http on localhost)
	Logger   *slog.Logger
}

// Handler serves the desk.
type Handler struct {
	cfg   Config
	log   *slog.Logger
	pages map[string]*template.Template
}

// New returns the desk's handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Auth == nil || cfg.Store == nil || cfg.Flows == nil {
		return nil, errors.New("web: Auth, Store and Flows are required")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, log: cfg.Logger.With("component", "web"), pages: map[string]*template.Template{}}
	for _, name := range []string{"signin", "message", "portfolio", "company", "trends"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		h.pages[name] = t
	}
	return h, nil
}

// Routes registers the desk under /app/ on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /app/static/", http.StripPrefix("/app/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /app/signin", h.signinPage)
	mux.HandleFunc("POST /app/signin", h.signin)
	mux.HandleFunc("POST /app/signout", h.signedIn(h.signout))
	mux.HandleFunc("GET /app/{$}", h.signedIn(h.portfolio))
	mux.HandleFunc("GET /app/companies/{id}", h.signedIn(h.company))
	mux.HandleFunc("GET /app/trends", h.signedIn(h.trends))
	mux.HandleFunc("POST /app/export", h.signedIn(h.export))
	mux.HandleFunc("GET /app", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/app/", http.StatusMovedPermanently)
	})
}

// request is one signed-in request: the viewer and their transaction.
type request struct {
	w      http.ResponseWriter
	r      *http.Request
	tx     store.Tx
	viewer store.Person
	lang   string
	csrf   string
}

// signedIn runs page inside one read transaction after checking the
// session (and, for a POST, its CSRF token). A missing or ended session
// gets the sign-in notice with 401; a bad CSRF token 403 and no effect.
func (h *Handler) signedIn(page func(ctx context.Context, q *request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.secureHeaders(w)
		token := ""
		if c, err := r.Cookie(cookieName); err == nil {
			token = c.Value
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		signedOut := false
		err := h.cfg.Store.InTx(r.Context(), func(ctx context.Context, tx store.Tx) error {
			p, err := h.cfg.Auth.WebViewer(ctx, tx, token)
			if errors.Is(err, bot.ErrWebSignedOut) {
				signedOut = true // commit: an idle session is deleted for good
				return nil
			}
			if err != nil {
				return err
			}
			q := &request{w: w, r: r, tx: tx, viewer: p, lang: langOf(p), csrf: csrfToken(token)}
			if r.Method == http.MethodPost {
				if err := r.ParseForm(); err != nil || !sameOrigin(r) || !validCSRF(r.PostFormValue("csrf"), q.csrf) {
					return errBadCSRF
				}
			}
			return page(ctx, q)
		})
		if err == nil && signedOut {
			err = bot.ErrWebSignedOut
		}
		switch {
		case err == nil:
		case errors.Is(err, bot.ErrWebSignedOut):
			h.clearCookie(w)
			h.message(w, http.StatusUnauthorized, langOf(store.Person{}), msgSignedOut)
		case errors.Is(err, errBadCSRF):
			h.message(w, http.StatusForbidden, langOf(store.Person{}), msgBadCSRF)
		case errors.Is(err, errNotFound):
			h.message(w, http.StatusNotFound, langOf(store.Person{}), msgNotFound)
		default:
			h.log.ErrorContext(r.Context(), "web page failed", "path", r.URL.Path, "error", err.Error())
			h.message(w, http.StatusInternalServerError, langOf(store.Person{}), msgError)
		}
	}
}

// maxForm bounds a posted form (the CSV form is a few hundred bytes).
const maxForm = 16 << 10

// sameOrigin refuses a POST that a browser says came from another site
// (the Origin header, sent with every cross-site POST). Without the header
// (old browsers, command-line clients) the CSRF token alone decides.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

var (
	errBadCSRF  = errors.New("web: bad csrf token")
	errNotFound = errors.New("web: not found")
)

// csrfToken is derived from the session token, which only the cookie holds:
// a page from another site can neither read the cookie nor compute it.
func csrfToken(sessionToken string) string {
	sum := sha256.Sum256([]byte("bansou-csrf:" + sessionToken))
	return hex.EncodeToString(sum[:16])
}

func validCSRF(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (h *Handler) secureHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin") // "no-referrer" would make browsers send Origin: null
	w.Header().Set("Cache-Control", "no-store")
}

func (h *Handler) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/app/", HttpOnly: true,
		Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: int(bot.WebIdleLimit / time.Second)})
}

func (h *Handler) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/app/", HttpOnly: true,
		Secure: h.cfg.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// signinPage shows a button that uses the link. Opening the link does not
// use it, so a link preview (Slack unfurling it) cannot spend it.
func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) {
	h.secureHeaders(w)
	token := r.URL.Query().Get("t")
	lang := langOf(store.Person{})
	if token == "" {
		h.message(w, http.StatusBadRequest, lang, msgLinkInvalid)
		return
	}
	h.render(w, http.StatusOK, "signin", page{Lang: lang, Title: flows.Msg(lang, "web_sign_in"), Data: token})
}

func (h *Handler) signin(w http.ResponseWriter, r *http.Request) {
	h.secureHeaders(w)
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	lang := langOf(store.Person{})
	if err := r.ParseForm(); err != nil || !sameOrigin(r) {
		h.message(w, http.StatusBadRequest, lang, msgLinkInvalid)
		return
	}
	session, err := h.cfg.Auth.SignIn(r.Context(), r.PostFormValue("t"))
	if errors.Is(err, bot.ErrWebLinkInvalid) {
		h.message(w, http.StatusUnauthorized, lang, msgLinkInvalid)
		return
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "web sign-in failed", "error", err.Error())
		h.message(w, http.StatusInternalServerError, lang, msgError)
		return
	}
	h.setCookie(w, session)
	http.Redirect(w, r, "/app/", http.StatusSeeOther)
}

// signout ends this browser's session (in the request's transaction).
func (h *Handler) signout(ctx context.Context, q *request) error {
	c, err := q.r.Cookie(cookieName)
	if err != nil {
		return bot.ErrWebSignedOut
	}
	s, err := q.tx.WebSessionByHash(ctx, bot.HashWebToken(c.Value))
	if err != nil {
		return err
	}
	if err := q.tx.EndWebSession(ctx, s.ID); err != nil {
		return err
	}
	h.clearCookie(q.w)
	h.message(q.w, http.StatusOK, q.lang, msgSignedOutDone)
	return nil
}
