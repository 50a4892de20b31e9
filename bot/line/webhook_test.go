package line

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/bansou/bansou/store"
)

// noPerson fails when a person exists behind the LINE id.
func (h *harness) noPerson(t *testing.T, lineID string) {
	t.Helper()
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if _, err := tx.PersonByIdentity(ctx, "line", lineID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a person exists behind %s (err %v): the request had an effect", lineID, err)
		}
	})
}

func TestBadSignatureIsRejectedWithoutEffect(t *testing.T) {
	h := newHarness(t)
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{h.followEvent("Uintruder")}})
	for name, sig := range map[string]string{
		"wrong secret":  sign("not-the-secret", body),
		"other body":    sign(testSecret, append([]byte(" "), body...)),
		"not base64":    "%%%",
		"truncated mac": sign(testSecret, body)[:20],
	} {
		if code := h.post(t, body, sig); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, code)
		}
	}
	h.noPerson(t, "Uintruder")
	if n := len(h.line.calls("")); n != 0 {
		t.Errorf("%d calls to LINE after forged requests", n)
	}
	if !strings.Contains(h.logs.String(), "bad signature") {
		t.Errorf("no log line for the rejected requests:\n%s", h.logs.String())
	}
}

func TestMissingSignatureIsRejected(t *testing.T) {
	h := newHarness(t)
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{h.textEvent("Uintruder", "こんにちは")}})
	if code := h.post(t, body, ""); code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", code)
	}
	h.noPerson(t, "Uintruder")
	if n := len(h.line.calls("")); n != 0 {
		t.Errorf("%d calls to LINE", n)
	}
}

func TestVerifyRequestWithNoEventsIsOK(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"destination":"Ubot0123456789abcdef0123456789abcd","events":[]}`)
	if code := h.post(t, body, sign(testSecret, body)); code != http.StatusOK {
		t.Fatalf("verify request: status %d, want 200", code)
	}
	if n := len(h.line.calls("")); n != 0 {
		t.Errorf("%d calls to LINE for a verify request", n)
	}
}

func TestOnlyPostIsAllowed(t *testing.T) {
	h := newHarness(t)
	resp, err := http.Get(h.srv.URL + "/line/webhook")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Fatalf("GET: status %d, Allow %q; want 405, POST", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestOversizedBodyIsRejected(t *testing.T) {
	h := newHarness(t)
	big := h.textEvent("Ubig", strings.Repeat("あ", 400_000)) // > 1 MiB as UTF-8
	body, _ := json.Marshal(map[string]any{"destination": "Ubot", "events": []any{big}})
	if code := h.post(t, body, sign(testSecret, body)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", code)
	}
	h.noPerson(t, "Ubig")
}

// Events bansou does not handle get 200 (or LINE would redeliver them), a
// log line without the message text, and no effect.
func TestUnhandledEventsAreAcknowledgedWithoutEffect(t *testing.T) {
	h := newHarness(t)
	unknown := h.envelope("somethingNew", "Ux")
	beacon := h.envelope("beacon", "Uy")
	beacon["beacon"] = map[string]any{"hwid": "d41d8cd98f", "type": "enter"}
	group := h.textEvent("Ugroupmember", "グループでの秘密の話")
	group["source"] = map[string]any{"type": "group", "groupId": "Cgroup", "userId": "Ugroupmember"}
	room := h.textEvent("Uroommember", "トークルームの話")
	room["source"] = map[string]any{"type": "room", "roomId": "Rroom", "userId": "Uroommember"}
	standby := h.textEvent("Ustandby", "待機中")
	standby["mode"] = "standby"
	foreign := h.postbackEvent("Upostback", "action=richmenu&item=3", nil)
	for _, ev := range []map[string]any{unknown, beacon, group, room, standby, foreign} {
		h.mustDeliver(t, ev)
	}
	for _, id := range []string{"Ux", "Uy", "Ugroupmember", "Uroommember", "Ustandby", "Upostback"} {
		h.noPerson(t, id)
	}
	if n := len(h.line.calls("")); n != 0 {
		t.Errorf("%d calls to LINE for unhandled events", n)
	}
	logs := h.logs.String()
	for _, secret := range []string{"秘密", "トークルーム", "待機中"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows message text %q:\n%s", secret, logs)
		}
	}
	if got := strings.Count(logs, "line event ignored"); got != 6 {
		t.Errorf("%d 'line event ignored' log lines, want 6:\n%s", got, logs)
	}
}

func TestSignedButMalformedBodyIsAcknowledged(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"destination":"Ubot","events":[{"type":"message","timestamp":"秘密のタイムスタンプ"}]}`)
	if code := h.post(t, body, sign(testSecret, body)); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	if strings.Contains(h.logs.String(), "秘密") {
		t.Errorf("the log quotes the body:\n%s", h.logs.String())
	}
}

// A redelivered event (same webhookEventId) has no second effect: one
// reply, one person.
func TestRedeliveredEventIsAnsweredOnce(t *testing.T) {
	h := newHarness(t)
	ev := h.followEvent("Unew")
	h.mustDeliver(t, ev)
	again := map[string]any{}
	for k, v := range ev {
		again[k] = v
	}
	again["deliveryContext"] = map[string]any{"isRedelivery": true}
	again["replyToken"] = "rt-of-the-redelivery"
	h.mustDeliver(t, again)
	h.mustDeliver(t, again)
	if n := len(h.line.calls(pathReply)); n != 1 {
		t.Fatalf("%d replies to one event delivered three times, want 1", n)
	}
	if n := len(h.line.calls("")); n != 1 {
		t.Fatalf("%d calls to LINE, want 1", n)
	}
}

// When a turn fails the webhook answers 500 so that LINE may redeliver;
// the redelivery is recognised and has no second effect.
func TestFailedTurnAnswers500AndRedeliveryIsHarmless(t *testing.T) {
	h := newHarness(t)
	h.line.then(pathReply, response{status: http.StatusBadRequest, body: `{"message":"The request body has 1 error(s)"}`})
	ev := h.followEvent("Unew")
	if code := h.deliver(t, ev); code != http.StatusInternalServerError {
		t.Fatalf("status %d after a failed send, want 500", code)
	}
	if !strings.Contains(h.logs.String(), "line event failed") {
		t.Errorf("no log line for the failed event:\n%s", h.logs.String())
	}
	if code := h.deliver(t, ev); code != http.StatusOK {
		t.Fatalf("redelivery: status %d, want 200", code)
	}
	if n := len(h.line.calls("")); n != 1 {
		t.Errorf("%d calls to LINE, want 1 (the redelivery is a duplicate)", n)
	}
}

// Several events in one request are handled in order.
func TestEventsOfOneRequestAreHandledInOrder(t *testing.T) {
	h := newHarness(t)
	h.mustDeliver(t, h.followEvent("Ua"), h.textEvent("Ua", "こんにちは"), h.followEvent("Ub"))
	rs := h.line.calls(pathReply)
	if len(rs) != 3 {
		t.Fatalf("%d replies, want 3", len(rs))
	}
	for i, want := range []string{"rt00000000000000000000000000000001", "rt00000000000000000000000000000002", "rt00000000000000000000000000000003"} {
		if got := rs[i].Body["replyToken"]; got != want {
			t.Errorf("reply %d uses token %v, want %s", i, got, want)
		}
	}
}
