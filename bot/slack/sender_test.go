package slack

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/bansou/bansou/flows"
)

// Answering a question costs one Web API round trip of latency: the
// chat.update that closes the tapped question and the chat.postMessage of
// the next one are in flight together. Here Slack holds the update until the
// post has arrived; done one after the other, the update would time out.
func TestAnswerClosesAndPostsAtOnce(t *testing.T) {
	h := newHarness(t)
	h.command(t, "U1", "D1", "visit")
	mode := h.wantStep(t, flows.ModeStep)
	posted := make(chan struct{})
	var once sync.Once
	h.slack.setFail(func(method string, w http.ResponseWriter) bool {
		switch method {
		case "chat.postMessage":
			once.Do(func() { close(posted) })
		case "chat.update":
			select {
			case <-posted:
			case <-time.After(5 * time.Second):
				http.Error(w, "chat.update came alone", http.StatusServiceUnavailable)
				return true
			}
		}
		return false
	})
	h.click(t, "U1", mode.button(t, "quick"), nil)
	h.wantClosed(t, "簡易（約3分）")
	h.wantStep(t, "") // the company question, typed
}
