package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/store"
)

// With BANSOU_ADVISOR_GROUP, membership follows the Slack user group: a
// user outside it is refused; once the group lists them (read with
// usergroups.users.list) they are enrolled; a failed read keeps the list.
func TestAdvisorGroupDecidesWhoIsStaff(t *testing.T) {
	staff := bot.NewStaff(nil, nil, true)
	h := newHarnessWith(t, staff)
	api, err := NewAPI(APIConfig{BotToken: "xoxb-test", URL: h.slack.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ref := &StaffRefresher{API: api, Group: "S1", Staff: staff}

	h.dm(t, "UX", "振り返り")
	if got := h.slack.last(t, "chat.postMessage").Form.Get("text"); !strings.Contains(got, "登録されていない") {
		t.Fatalf("outside the group: %q", got)
	}
	h.event(t, "EvHome", map[string]any{"type": "app_home_opened", "user": "UX", "channel": "DX", "tab": "home", "event_ts": "1.1"}, nil)
	if view, _ := json.Marshal(h.slack.last(t, "views.publish").JSON); !strings.Contains(string(view), "登録されていない") {
		t.Errorf("a non-member's Home does not say whom to ask:\n%s", view)
	}
	h.slack.mu.Lock()
	h.slack.group = []string{"UX", "UY"}
	h.slack.mu.Unlock()
	if err := ref.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := h.slack.last(t, "usergroups.users.list"); c.Form.Get("usergroup") != "S1" {
		t.Errorf("usergroups.users.list asked for %v", c.Form)
	}
	h.dm(t, "UX", "振り返り")
	if got := h.slack.last(t, "chat.postMessage").Form.Get("text"); strings.Contains(got, "登録されていない") {
		t.Fatalf("a group member is refused: %q", got)
	}
	h.inTx(t, func(ctx context.Context, tx store.Tx) {
		if p, err := tx.PersonByIdentity(ctx, bot.ChannelSlack, "UX"); err != nil || p.Role != store.RoleAdvisor {
			t.Errorf("group member enrolled as %+v, %v", p, err)
		}
	})
	h.slack.setFail(func(method string, w http.ResponseWriter) bool {
		if method == "usergroups.users.list" {
			w.WriteHeader(http.StatusInternalServerError)
			return true
		}
		return false
	})
	if err := ref.Refresh(context.Background()); err == nil {
		t.Error("a failed read is not reported")
	}
	if !staff.Member("UY") {
		t.Error("a failed read dropped the last list")
	}
}
