package line

import (
	"context"
	"net/http"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bansou/bansou/bot/bottest"
)

// A reply whose token is refused (too old by the time the inbox ran its
// turn) goes out as a push, and is counted; so is a failed reply call.
func TestReplyFallbackIsCounted(t *testing.T) {
	f := newFakeLINE(t)
	reg := prometheus.NewRegistry()
	s := newTestSender(t, Config{AccessToken: testToken, APIURL: f.srv.URL, Logger: jsonLogger(&bottest.Log{}), Registerer: reg})
	f.then(pathReply,
		response{status: http.StatusBadRequest, body: `{"message":"Invalid reply token"}`},
		response{status: http.StatusInternalServerError, body: `{"message":"oops"}`})
	for _, token := range []string{"rt-old", "rt-5xx", "rt-fresh"} {
		r := pushReply("")
		r.ReplyToken = token
		if err := s.Send(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.calls(pathPush)); n != 2 {
		t.Errorf("%d pushes, want 2 (the refused token and the failed reply)", n)
	}
	got := map[string]float64{}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "bansou_line_reply_fallback_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	if got["token"] != 1 || got["error"] != 1 {
		t.Errorf("fallbacks by reason %v, want token 1 and error 1", got)
	}
}
