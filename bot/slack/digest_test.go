package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/bot/digest/digesttest"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

// digestSecret is planted in a sensitive answer.
const digestSecret = "要配慮テスト9931"

// storeDigest builds a digest from a SQLite store holding one company with
// a follow-up 10 days overdue, the owner's words, and a sensitive life
// note, on Monday 2026-11-16 09:00 JST.
func storeDigest(t *testing.T) *digest.Digest {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	jst, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 11, 16, 9, 0, 0, 0, jst)
	err = db.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return digesttest.SeedOverdue(ctx, tx, digesttest.Overdue{Company: "山田製作所 <&>", Wall: "jikkou_dekinai",
			Quote: "「わかってはいるんだけど」", Secret: digestSecret, Now: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.Build(ctx, db, digest.Options{Now: now, Location: jst})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func digestSender(t *testing.T) (*fakeSlack, *Sender) {
	t.Helper()
	f := newFakeSlack(t)
	api, err := NewAPI(APIConfig{BotToken: "xoxb-test", URL: f.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return f, NewSender(api, nil)
}

// The digest goes to the coordinator's DM as one message: header, the ten
// sections in order, the overdue company with its wall and words escaped
// for mrkdwn, a fallback text, and never the sensitive answer.
func TestSendDigest(t *testing.T) {
	f, sender := digestSender(t)
	d := storeDigest(t)
	if err := sender.SendDigest(context.Background(), "U9", d, "ja"); err != nil {
		t.Fatal(err)
	}
	if open := f.last(t, "conversations.open"); open.Form.Get("users") != "U9" {
		t.Errorf("opened a DM with %q", open.Form.Get("users"))
	}
	post := f.last(t, "chat.postMessage")
	if post.Form.Get("channel") != "D9" || !strings.Contains(post.Form.Get("text"), "週次まとめ") {
		t.Errorf("posted to %q with fallback %q", post.Form.Get("channel"), post.Form.Get("text"))
	}
	blocks := post.blocks(t)
	if len(blocks) > maxMessageBlocks || blocks[0]["type"] != "header" {
		t.Fatalf("%d blocks, first %v", len(blocks), blocks[0]["type"])
	}
	all := post.Form.Encode() + post.Form.Get("blocks")
	if strings.Contains(all, digestSecret) {
		t.Errorf("the sensitive answer reached Slack:\n%s", post.Form.Get("blocks"))
	}
	text := sectionTexts(blocks)
	last := -1
	for n := 1; n <= 10; n++ {
		i := strings.Index(text, fmt.Sprintf("*%d. ", n))
		if i <= last {
			t.Errorf("section %d missing or out of order", n)
		}
		last = i
	}
	for _, want := range []string{"• 山田製作所 &lt;&amp;&gt;（佐藤） 10日超過", "壁: 実行できない", "「わかってはいるんだけど」", "_該当なし_"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest blocks lack %q:\n%s", want, text)
		}
	}
}

// sectionTexts joins the mrkdwn of the section blocks.
func sectionTexts(blocks []map[string]any) string {
	var b strings.Builder
	for _, bl := range blocks {
		if bl["type"] == "section" {
			b.WriteString(bl["text"].(map[string]any)["text"].(string) + "\n")
		}
	}
	return b.String()
}

// chat.postMessage is never retried: a 429 is returned to the caller after
// one attempt.
func TestSendDigestDoesNotRetry(t *testing.T) {
	f, sender := digestSender(t)
	var posts atomic.Int32
	f.setFail(func(method string, w http.ResponseWriter) bool {
		if method != "chat.postMessage" {
			return false
		}
		posts.Add(1)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
	err := sender.SendDigest(context.Background(), "U9", storeDigest(t), "en")
	if err == nil || !strings.Contains(err.Error(), "send digest") {
		t.Fatalf("err = %v", err)
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("chat.postMessage attempted %d times", n)
	}
}

// Huge sections are split within 3,000 characters and the message stays
// within 50 blocks, ending with a pointer to the full digest.
func TestDigestBlocksRespectSlackLimits(t *testing.T) {
	long := strings.Repeat("あ", 2000)
	d := &digest.Digest{Now: time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC), MaxLines: 10}
	for no := 1; no <= 11; no++ {
		g := digest.Group{Title: flows.Text{JA: "グループ"}}
		for i := range 12 {
			g.Items = append(g.Items, digest.Item{Company: fmt.Sprintf("会社%d", i), Text: flows.Text{JA: long}})
		}
		d.Sections = append(d.Sections, digest.Section{No: no, Title: flows.Text{JA: "見出し"}, Groups: []digest.Group{g}})
	}
	blocks := DigestBlocks(d, "ja")
	if len(blocks) != maxMessageBlocks {
		t.Errorf("%d blocks, want exactly %d", len(blocks), maxMessageBlocks)
	}
	raw, _ := json.Marshal(blocks)
	var decoded []map[string]any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	for i, b := range decoded {
		if b["type"] != "section" {
			continue
		}
		if n := utf8.RuneCountInString(b["text"].(map[string]any)["text"].(string)); n > 3000 {
			t.Errorf("block %d has %d characters", i, n)
		}
	}
	lastBlock, _ := json.Marshal(decoded[len(decoded)-1])
	if !strings.Contains(string(lastBlock), "bansou digest --preview") {
		t.Errorf("last block %s does not point to the full digest", lastBlock)
	}
}
