package line

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/flows"
)

// uuidV5 is the shape of a name-based (SHA-1) RFC 4122 UUID.
var uuidV5 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// pushReply is a scheduled check-in question without a reply token.
func pushReply(key string) bot.Reply {
	return bot.Reply{Channel: bot.ChannelLINE, UserID: "Uowner", PushKey: key, SessionID: 7, Lang: "ja",
		Prompt: &flows.Prompt{StepID: "L0", Kind: flows.KindSingle, Text: "近況をおうかがいしてもよろしいですか？",
			Options: []flows.Choice{{ID: "yes", Label: "はい"}, {ID: "later", Label: "あとで"}}}}
}

func newSenderOnly(t *testing.T) (*fakeLINE, *Sender, *bottest.Log) {
	t.Helper()
	f := newFakeLINE(t)
	logs := &bottest.Log{}
	s := newTestSender(t, Config{AccessToken: testToken, APIURL: f.srv.URL,
		Logger: jsonLogger(logs)})
	return f, s, logs
}

func TestPushCarriesTokenAndRetryKey(t *testing.T) {
	f, s, logs := newSenderOnly(t)
	if err := s.Send(context.Background(), pushReply("checkin:c1:2026-12-07")); err != nil {
		t.Fatal(err)
	}
	cs := f.calls("")
	if len(cs) != 1 || cs[0].Method != http.MethodPost || cs[0].Path != pathPush {
		t.Fatalf("calls %+v, want one POST %s", cs, pathPush)
	}
	c := cs[0]
	if got := c.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization %q", got)
	}
	if !uuidV5.MatchString(c.retryKey()) {
		t.Errorf("X-Line-Retry-Key %q is not a version 5 UUID", c.retryKey())
	}
	if c.Body["to"] != "Uowner" {
		t.Errorf("pushed to %v", c.Body["to"])
	}
	if !strings.Contains(c.text(), "近況") || len(c.items()) != 2 {
		t.Errorf("pushed %q with %d quick replies", c.text(), len(c.items()))
	}
	if strings.Contains(logs.String(), testToken) || strings.Contains(logs.String(), "近況") {
		t.Errorf("the log shows the token or the text:\n%s", logs.String())
	}
}

// Two replicas pushing the same scheduled delivery use the same key, so
// LINE sends it once; another delivery gets another key.
func TestRetryKeyIsTheSameOnEveryReplica(t *testing.T) {
	f, a, _ := newSenderOnly(t)
	b := newTestSender(t, Config{AccessToken: testToken, APIURL: f.srv.URL})
	ctx := context.Background()
	for _, s := range []*Sender{a, b} {
		if err := s.Send(ctx, pushReply("checkin:c1:2026-12-07")); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(ctx, pushReply("checkin:c1:2026-12-21")); err != nil {
		t.Fatal(err)
	}
	cs := f.calls(pathPush)
	if len(cs) != 3 {
		t.Fatalf("%d pushes, want 3", len(cs))
	}
	if cs[0].retryKey() == "" || cs[0].retryKey() != cs[1].retryKey() {
		t.Errorf("replicas used keys %q and %q for one delivery", cs[0].retryKey(), cs[1].retryKey())
	}
	if cs[2].retryKey() == cs[0].retryKey() {
		t.Errorf("two deliveries share the key %q", cs[0].retryKey())
	}
}

// Without a PushKey the key still exists and follows what is pushed.
func TestRetryKeyWithoutPushKey(t *testing.T) {
	r := pushReply("")
	k1 := retryKey(r, []string{"a"})
	if !uuidV5.MatchString(k1) || k1 != retryKey(r, []string{"a"}) {
		t.Fatalf("key %q is not a stable UUID", k1)
	}
	other := r
	other.UserID = "Uother"
	for name, k := range map[string]string{
		"other text": retryKey(r, []string{"b"}), "other user": retryKey(other, []string{"a"}),
	} {
		if k == k1 {
			t.Errorf("%s: same key %q", name, k)
		}
	}
}

// uuid5 matches a published version 5 UUID: "www.example.com" in the DNS
// namespace (6ba7b810-9dad-11d1-80b4-00c04fd430c8).
func TestUUID5KnownAnswer(t *testing.T) {
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got, want := uuid5(dns, "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2"; got != want {
		t.Fatalf("uuid5 = %s, want %s", got, want)
	}
}

func TestPushAnswered409IsSent(t *testing.T) {
	f, s, logs := newSenderOnly(t)
	f.then(pathPush, response{status: http.StatusConflict, header: map[string]string{"X-Line-Accepted-Request-Id": "acc-123"},
		body: `{"message":"The retry key is already accepted"}`})
	if err := s.Send(context.Background(), pushReply("checkin:c1:2026-12-07")); err != nil {
		t.Fatalf("409 gave %v, want nil (already sent)", err)
	}
	if n := len(f.calls(pathPush)); n != 1 {
		t.Errorf("%d pushes, want 1", n)
	}
	if !strings.Contains(logs.String(), "acc-123") {
		t.Errorf("the accepted request id is not logged:\n%s", logs.String())
	}
}

func TestMonthlyQuotaIsErrQuota(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	f.then(pathPush, response{status: http.StatusTooManyRequests, body: `{"message":"You have reached your monthly limit."}`})
	err := s.Send(context.Background(), pushReply("k"))
	if !errors.Is(err, bot.ErrQuota) {
		t.Fatalf("err = %v, want ErrQuota", err)
	}
	if _, ok := errors.AsType[*bot.RetryAfterError](err); ok {
		t.Errorf("quota error %v is retryable", err)
	}
	if n := len(f.calls(pathPush)); n != 1 {
		t.Errorf("%d pushes, want 1 (no retry on quota)", n)
	}
}

func TestRateLimitIsRetryAfter(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	f.then(pathPush,
		response{status: http.StatusTooManyRequests, header: map[string]string{"Retry-After": "2"}, body: `{"message":"Too Many Requests"}`},
		response{status: http.StatusTooManyRequests, body: `{"message":"Too Many Requests"}`})
	for _, want := range []time.Duration{2 * time.Second, time.Second} {
		err := s.Send(context.Background(), pushReply("k"))
		ra, ok := errors.AsType[*bot.RetryAfterError](err)
		if !ok || ra.After != want {
			t.Fatalf("err = %v, want RetryAfterError after %s", err, want)
		}
		if errors.Is(err, bot.ErrQuota) {
			t.Errorf("rate limiting reported as quota")
		}
	}
	if n := len(f.calls(pathPush)); n != 2 {
		t.Errorf("%d pushes, want 2 (a 429 is not retried inside Send)", n)
	}
}

func TestServerErrorIsRetriedWithTheSameKey(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	f.then(pathPush, response{status: http.StatusInternalServerError, body: `{"message":"Internal error"}`})
	if err := s.Send(context.Background(), pushReply("checkin:c1:2026-12-07")); err != nil {
		t.Fatalf("500 then 200 gave %v", err)
	}
	cs := f.calls(pathPush)
	if len(cs) != 2 {
		t.Fatalf("%d pushes, want 2", len(cs))
	}
	if cs[0].retryKey() == "" || cs[0].retryKey() != cs[1].retryKey() {
		t.Errorf("retry keys %q then %q, want the same", cs[0].retryKey(), cs[1].retryKey())
	}
}

func TestPersistentServerErrorIsRetryAfter(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	for range 3 {
		f.then(pathPush, response{status: http.StatusServiceUnavailable})
	}
	err := s.Send(context.Background(), pushReply("k"))
	if ra, ok := errors.AsType[*bot.RetryAfterError](err); !ok || ra.After <= 0 {
		t.Fatalf("err = %v, want RetryAfterError", err)
	}
	cs := f.calls(pathPush)
	if len(cs) != 3 {
		t.Fatalf("%d pushes, want 3 attempts", len(cs))
	}
	for _, c := range cs[1:] {
		if c.retryKey() != cs[0].retryKey() {
			t.Errorf("attempts used different keys")
		}
	}
}

func TestConnectionErrorIsRetryAfter(t *testing.T) {
	f := newFakeLINE(t)
	url := f.srv.URL
	f.srv.Close() // nothing listens any more
	s := newTestSender(t, Config{AccessToken: testToken, APIURL: url})
	err := s.Send(context.Background(), pushReply("k"))
	if _, ok := errors.AsType[*bot.RetryAfterError](err); !ok {
		t.Fatalf("err = %v, want RetryAfterError", err)
	}
}

func TestTimeoutIsRetriedThenRetryAfter(t *testing.T) {
	f := newFakeLINE(t)
	f.hang()
	s := newTestSender(t, Config{AccessToken: testToken, APIURL: f.srv.URL, HTTPClient: &http.Client{Timeout: 100 * time.Millisecond}})
	err := s.Send(context.Background(), pushReply("k"))
	if _, ok := errors.AsType[*bot.RetryAfterError](err); !ok {
		t.Fatalf("err = %v, want RetryAfterError", err)
	}
	cs := f.calls(pathPush)
	if len(cs) != 3 {
		t.Fatalf("%d attempts reached LINE, want 3", len(cs))
	}
	if cs[0].retryKey() != cs[2].retryKey() {
		t.Errorf("attempts used different keys")
	}
}

func TestOtherClientErrorIsPlain(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	f.then(pathPush, response{status: http.StatusBadRequest, body: `{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}`})
	err := s.Send(context.Background(), pushReply("k"))
	if err == nil || errors.Is(err, bot.ErrQuota) {
		t.Fatalf("err = %v, want a plain error", err)
	}
	if _, ok := errors.AsType[*bot.RetryAfterError](err); ok {
		t.Fatalf("400 reported as retryable: %v", err)
	}
	if !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "request body has 1 error") {
		t.Errorf("error %q does not say what LINE said", err)
	}
	if n := len(f.calls(pathPush)); n != 1 {
		t.Errorf("%d pushes, want 1", n)
	}
}

// A reply token is used when there is one: the reply endpoint, no retry key
// (LINE rejects the header there).
func TestReplyUsesTheReplyToken(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	r := pushReply("")
	r.ReplyToken = "rt-1"
	if err := s.Send(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	cs := f.calls("")
	if len(cs) != 1 || cs[0].Path != pathReply || cs[0].Body["replyToken"] != "rt-1" {
		t.Fatalf("calls %+v, want one reply with rt-1", cs)
	}
	if _, ok := cs[0].Header["X-Line-Retry-Key"]; ok {
		t.Errorf("reply carries X-Line-Retry-Key")
	}
}

func TestInvalidReplyTokenFallsBackToPush(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	f.then(pathReply, response{status: http.StatusBadRequest, body: `{"message":"Invalid reply token"}`})
	r := pushReply("")
	r.ReplyToken = "rt-expired"
	if err := s.Send(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	cs := f.calls("")
	if len(cs) != 2 || cs[0].Path != pathReply || cs[1].Path != pathPush {
		t.Fatalf("calls %+v, want a reply then a push", cs)
	}
	if !uuidV5.MatchString(cs[1].retryKey()) || cs[1].Body["to"] != "Uowner" {
		t.Errorf("fallback push: key %q, to %v", cs[1].retryKey(), cs[1].Body["to"])
	}
	if cs[0].text() != cs[1].text() {
		t.Errorf("the push says %q, the reply said %q", cs[1].text(), cs[0].text())
	}
}

func TestNothingToSaySendsNothing(t *testing.T) {
	f, s, _ := newSenderOnly(t)
	if err := s.Send(context.Background(), bot.Reply{Channel: bot.ChannelLINE, UserID: "U1", ReplyToken: "rt"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.calls("")); n != 0 {
		t.Errorf("%d calls for an empty reply", n)
	}
}
