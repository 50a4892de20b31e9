package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/bansou/bansou/bot"
)

// Quota is the channel's monthly message quota and what the month used.
type Quota struct {
	Limited bool  // false: no monthly limit
	Limit   int64 // messages per month, when Limited
	Used    int64 // messages sent this month (replies are free)
}

// Spent reports whether no push is left this month.
func (q Quota) Spent() bool { return q.Limited && q.Used >= q.Limit }

// Left is how many pushes are left this month (-1 when unlimited).
func (q Quota) Left() int64 {
	if !q.Limited {
		return -1
	}
	return max(q.Limit-q.Used, 0)
}

// Quota reads the month's quota and its consumption
// (GET /v2/bot/message/quota and /v2/bot/message/quota/consumption).
func (s *Sender) Quota(ctx context.Context) (Quota, error) {
	var q *messaging_api.MessageQuotaResponse
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetMessageQuotaWithHttpInfo()
		q = body
		return res, err
	})
	if !o.ok() || q == nil {
		return Quota{}, fmt.Errorf("line: quota: %w", orNoBody(o))
	}
	if q.Type != messaging_api.QuotaType_LIMITED {
		return Quota{}, nil
	}
	var used *messaging_api.QuotaConsumptionResponse
	o = s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetMessageQuotaConsumptionWithHttpInfo()
		used = body
		return res, err
	})
	if !o.ok() || used == nil {
		return Quota{}, fmt.Errorf("line: quota consumption: %w", orNoBody(o))
	}
	return Quota{Limited: true, Limit: q.Value, Used: used.TotalUsage}, nil
}

// PushesLeft implements the dispatcher's quota check: false when the
// month's quota is spent.
func (s *Sender) PushesLeft(ctx context.Context) (bool, error) {
	q, err := s.Quota(ctx)
	if err != nil {
		return true, err
	}
	return !q.Spent(), nil
}

// DisplayName is the LINE user's display name (GET /v2/bot/profile/{id}).
func (s *Sender) DisplayName(ctx context.Context, userID string) (string, error) {
	var p *messaging_api.UserProfileResponse
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, body, err := api.GetProfileWithHttpInfo(userID)
		p = body
		return res, err
	})
	if !o.ok() || p == nil {
		return "", fmt.Errorf("line: profile: %w", orNoBody(o))
	}
	return p.DisplayName, nil
}

var _ bot.ProfileSource = (*Sender)(nil)

// loadingSeconds is how long the loading animation shows at most; it ends
// earlier when the reply arrives.
const loadingSeconds = 20

// StartLoading shows the loading animation in the user's chat while a turn
// runs (POST /v2/bot/chat/loading/start). It is best effort.
func (s *Sender) StartLoading(ctx context.Context, userID string) error {
	o := s.call(ctx, func(api *messaging_api.MessagingApiAPI) (*http.Response, error) {
		res, _, err := api.ShowLoadingAnimationWithHttpInfo(&messaging_api.ShowLoadingAnimationRequest{
			ChatId: userID, LoadingSeconds: loadingSeconds})
		return res, err
	})
	if !o.ok() {
		return fmt.Errorf("line: loading animation: %w", o.problem())
	}
	return nil
}

func orNoBody(o outcome) error {
	if o.ok() {
		return errors.New("empty response")
	}
	return o.problem()
}
