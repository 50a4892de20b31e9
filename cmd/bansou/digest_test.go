package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/bot/digest/digesttest"
	botslack "github.com/bansou/bansou/bot/slack"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

const digestSecret = "要配慮-5150"

// prepareDigestDB writes a SQLite file where, today in Tokyo, 山田製作所's
// follow-up is 10 days overdue and a sensitive life note is on record, and
// a coordinator with a Slack account exists.
func prepareDigestDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bansou.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jst, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now().In(jst)
	err = db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.CreatePerson(ctx, store.Person{Role: store.RoleCoordinator, Name: "鈴木", Locale: "en"}, "slack", "UCOORD"); err != nil {
			return err
		}
		return digesttest.SeedOverdue(ctx, tx, digesttest.Overdue{Company: "山田製作所", Wall: "tsuite_konai",
			Quote: "「手が回らない」", Secret: digestSecret, Now: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDigestPreview(t *testing.T) {
	path := prepareDigestDB(t)
	out, errOut, code := bansou(t, "", "digest", "--preview", "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"コーディネーター向け 週次まとめ", "\n2. フォロー期限切れ\n",
		"・山田製作所（佐藤） 10日超過", "壁: 付いてこない", "「手が回らない」", "\n10. 要相談\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, digestSecret) {
		t.Errorf("preview shows a sensitive answer:\n%s", out)
	}
	out, _, code = bansou(t, "", "digest", "--preview", "--db", path, "--lang", "en")
	if code != 0 || !strings.Contains(out, "\n2. Overdue follow-ups\n  • 山田製作所 (佐藤): 10 days overdue") {
		t.Errorf("English preview: exit %d\n%s", code, out)
	}
}

func TestDigestNeedsPreviewAndADatabase(t *testing.T) {
	if _, errOut, code := bansou(t, "", "digest"); code != 1 || !strings.Contains(errOut, "--preview") {
		t.Errorf("digest without --preview: exit %d, %q", code, errOut)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if _, errOut, code := bansou(t, "", "digest", "--preview", "--db", missing); code != 1 || !strings.Contains(errOut, "no database") {
		t.Errorf("digest on a missing file: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("preview created a database file")
	}
}

// A coordinator trying bansou sees the digest first, then what else they
// can do; the session continues as a console conversation.
func TestTryAsCoordinatorShowsTheDigest(t *testing.T) {
	path := prepareDigestDB(t)
	out, errOut, code := bansou(t, "", "try", "--as", "coordinator", "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	digestAt := strings.Index(out, "・山田製作所（佐藤） 10日超過")
	guideAt := strings.Index(out, "コーディネーターとしてできること")
	if digestAt < 0 || guideAt < digestAt || !strings.Contains(out, "bansou digest --preview") {
		t.Errorf("try --as coordinator: digest at %d, guide at %d:\n%s", digestAt, guideAt, out)
	}
}

// slackRecorder is a Slack Web API answering conversations.open and
// chat.postMessage, keeping the posted forms.
type slackRecorder struct {
	mu    sync.Mutex
	posts []url.Values
	opens []string
}

func (s *slackRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "conversations.open":
		s.opens = append(s.opens, form.Get("users"))
		fmt.Fprintf(w, `{"ok":true,"channel":{"id":"D%s"}}`, form.Get("users"))
	case "chat.postMessage":
		s.posts = append(s.posts, form)
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1.1"}`, form.Get("channel"))
	default:
		fmt.Fprint(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// The digest reminder's delivery builds the digest and posts it to the
// coordinator's Slack DM in their language.
func TestSlackDigestsDeliver(t *testing.T) {
	path := prepareDigestDB(t)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec := &slackRecorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	api, err := botslack.NewAPI(botslack.APIConfig{BotToken: "xoxb-test", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	set, _ := flows.Builtin()
	jst, _ := time.LoadLocation("Asia/Tokyo")
	d := &slackDigests{store: st, flows: set, loc: jst, lang: "ja", now: time.Now, sender: botslack.NewSender(api, nil)}
	var coord store.Person
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		coord, err = tx.PersonByIdentity(ctx, "slack", "UCOORD")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SendDigest(ctx, coord, store.Reminder{Kind: "digest"}); err != nil {
		t.Fatal(err)
	}
	if len(rec.opens) != 1 || rec.opens[0] != "UCOORD" || len(rec.posts) != 1 {
		t.Fatalf("opens %v, %d posts", rec.opens, len(rec.posts))
	}
	blocks := rec.posts[0].Get("blocks")
	if !strings.Contains(blocks, "Overdue follow-ups") || !strings.Contains(blocks, "10 days overdue") || strings.Contains(blocks, digestSecret) {
		t.Errorf("posted blocks:\n%s", blocks)
	}
	if err := d.SendDigest(ctx, store.Person{ID: 999}, store.Reminder{}); err == nil {
		t.Error("a person without Slack got a digest")
	}
}
