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
		return pick(lang, fmt.Sprintf("承知しました。今日の%d時ごろ、あらためてお聞きしますね。", due.Hour()),
			fmt.Sprintf("Of course. We'll ask again today at about %s.", due.Format("3 PM")))
	case day == today.AddDays(1):
		return pick(lang, "承知しました。明日、あらためてお聞きしますね。", "Of course. We'll ask again tomorrow.")
	case day.Before(today.AddDays(7)):
		return pick(lang, "承知しました。"+weekdaysJA[day.Weekday()]+"にまたお聞きしますね。",
			"Of course. We'll ask again on "+day.Weekday().String()+".")
	}
	return pick(lang, "承知しました。"+day.Japanese()+"にまたお聞きしますね。",
		"Of course. We'll ask again on "+day.Display("en")+".")
}
