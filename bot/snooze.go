package bot

import (
	"fmt"
	"time"

	"github.com/bansou/bansou/flows"
)

var weekdaysJA = [...]string{"日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"}

// againOn tells an owner who answered 「あとで」 at now when they will be
// asked again: 「明日」 only when it is tomorrow, the weekday within the
// week (「月曜日にまたお聞きしますね」), the date beyond, and the hour when
// it is still today (a tap in the small hours).
func againOn(lang string, now, due time.Time) string {
	today, day := flows.DateOf(now), flows.DateOf(due)
	switch {
	case day == today:
		return flows.Text{JA: fmt.Sprintf("承知しました。今日の%d時ごろ、あらためてお聞きしますね。", due.Hour()), EN: fmt.Sprintf("Of course. We'll ask again today at about %s.", due.Format("3 PM"))}.In(lang)
	case day == today.AddDays(1):
		return flows.Msg(lang, "bot_of_course_we_ll_ask2")
	case day.Before(today.AddDays(7)):
		return flows.Msg(lang, "bot_of_course_we_ll_ask3", weekdaysJA[day.Weekday()], day.Weekday().String())
	}
	return flows.Msg(lang, "bot_of_course_we_ll_ask4", day.Japanese(), day.Display("en"))
}
