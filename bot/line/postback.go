package line

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/bansou/bansou/bot"
)

// maxPostbackData is LINE's limit on a postback action's data.
const maxPostbackData = 300

// postbackData encodes an answer to a prompt as "s=<session>&p=<step>&v=<value>"
// (value omitted for a date picker, whose date comes in the event's params).
// ok is false when the result would exceed LINE's limit: the option is then
// left out of the quick replies and can still be typed.
func postbackData(sessionID int64, stepID, value string) (string, bool) {
	var b strings.Builder
	b.WriteString("s=")
	b.WriteString(strconv.FormatInt(sessionID, 10))
	b.WriteString("&p=")
	b.WriteString(url.QueryEscape(stepID))
	if value != "" {
		b.WriteString("&v=")
		b.WriteString(url.QueryEscape(value))
	}
	return b.String(), b.Len() <= maxPostbackData
}

// parseMenu reads the data of a rich menu button ("menu=call").
func parseMenu(data string) (string, bool) {
	menu, ok := strings.CutPrefix(data, "menu=")
	switch {
	case !ok:
		return "", false
	case menu == bot.MenuCall, menu == bot.MenuStep, menu == bot.MenuAdvisor:
		return menu, true
	}
	return "", false
}

// parsePostback reads what postbackData wrote. A date picker's chosen date
// (params["date"]) is the value. ok is false for data bansou did not write.
func parsePostback(data string, params map[string]string) (bot.Action, bool) {
	if len(data) > maxPostbackData {
		return bot.Action{}, false
	}
	q, err := url.ParseQuery(data)
	if err != nil {
		return bot.Action{}, false
	}
	sid, err := strconv.ParseInt(q.Get("s"), 10, 64)
	step := q.Get("p")
	if err != nil || sid <= 0 || step == "" {
		return bot.Action{}, false
	}
	value := q.Get("v")
	if d := params["date"]; d != "" {
		value = d
	}
	return bot.Action{SessionID: sid, StepID: step, Value: value}, true
}
