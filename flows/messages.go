package flows

import (
	"fmt"
	"sort"
)

// Msg returns the program's own wording for key in lang ("ja" or "en"),
// with args filled in as by fmt.Sprintf. Everything bansou says that is not
// a prompt of a flow file comes from this catalog: engine notices, parse
// problems, adapter labels, bot notices. An unknown key returns the key, so a
// mistake shows instead of an empty message.
func Msg(lang, key string, args ...any) string {
	t, ok := messages[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return t.In(lang)
	}
	return fmt.Sprintf(t.In(lang), args...)
}

// MsgKeys lists the catalog's keys, sorted (for tests).
func MsgKeys() []string {
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// MsgText returns the catalog entry of key (for tests).
func MsgText(key string) (Text, bool) {
	t, ok := messages[key]
	return t, ok
}

// msg returns the engine's own wording in lang. Japanese first, English second.
func msg(lang, key string) string { return Msg(lang, key) }

// messages is the catalog; read-only. Keys are grouped by who says them:
// no prefix for the engine, date_ for dates, ui_ for adapter labels, bot_ for
// the bot's notices.
var messages = map[string]Text{
	"date_unreadable":      {JA: "日付として読み取れませんでした。", EN: "That doesn't read as a date. "},
	"date_no_such_ymd":     {JA: "%d年%d月%d日という日付はありません。", EN: "There is no such day as %d-%02d-%02d. "},
	"date_no_such_md":      {JA: "%d月%d日という日付はありません。", EN: "There is no such day as month %d, day %d. "},
	"date_no_such_era_day": {JA: "%s%s年%d月%d日という日付はありません。", EN: "There is no such day as %s %s, month %d, day %d. "},
	"date_too_far":         {JA: "日付が遠すぎます。", EN: "That date is too far away. "},
	"date_past_weekday":    {JA: "今週の%s曜日（%d月%d日）はもう過ぎています。来週なら「来週%s曜」のように入力してください。", EN: "This week's %s (%d/%d) has already passed. For next week, type e.g. \"next %s\"."},
	"date_hint":            {JA: "「12/3」「12月3日」「2026-12-03」「来週火曜」「+14d」のように入力してください。", EN: "Type it like 12/3, 2026-12-03, next tue or +14d."},
	"ui_suggested":         {JA: "これで決定：%s", EN: "Use %s"},
	"auto_recorded":        {JA: "「%s」は「%s」として記録しました（選べるものが1つだったため）。", EN: "Recorded %s as %s (it was the only choice)."},
	"required":             {JA: "この質問は省略できません。ひと言でも大丈夫です。", EN: "This question can't be skipped. A few words are enough."},
	"no_back":              {JA: "最初の質問です。これより前には戻れません。", EN: "This is the first question; there is nothing to go back to."},
	"empty":                {JA: "回答が空でした。もう一度お願いします。", EN: "The answer was empty. Please try again."},
	"too_long":             {JA: "%d文字以内でお願いします（いま%d文字）。短くして、もう一度送ってください。", EN: "Please keep it within %d characters (now %d). Shorten it and send again."},
	"bad_option":           {JA: "選択肢の番号か名前で答えてください（例: 1）。", EN: "Please answer with an option's number or name (e.g. 1)."},
	"bad_multi":            {JA: "番号を「1,3」のように区切って答えてください。", EN: "Please list the numbers separated by commas, e.g. 1,3."},
	"bad_yesno":            {JA: "「はい」か「いいえ」で答えてください。", EN: "Please answer yes or no."},
	"bad_scale":            {JA: "1〜5の数字で答えてください（5がいちばん高い）。", EN: "Please answer with a number from 1 to 5 (5 is the highest)."},
	"bad_number":           {JA: "数字で答えてください（例: 12）。", EN: "Please answer with a number (e.g. 12)."},
	"too_small":            {JA: "%s以上の数字でお願いします。", EN: "Please enter %s or more."},
	"too_big":              {JA: "%s以下の数字でお願いします。", EN: "Please enter %s or less."},
	"past_date":            {JA: "過去の日付です。今日以降の日付を入れてください。", EN: "That date is in the past. Please enter today or later."},
	"future_date":          {JA: "未来の日付です。今日までの日付を入れてください（例: 11/18、昨日）。", EN: "That date is in the future. Please enter today or earlier (e.g. 11/18)."},
	"stale":                {JA: "その質問にはもう回答済みです。いまの質問はこちらです。", EN: "That question was already answered. Here is the current one."},
	"mode_ask":             {JA: "どちらで進めますか？", EN: "Which would you like?"},
	"review_ask":           {JA: "この内容で保存しますか？", EN: "Save this?"},
	"review_head":          {JA: "内容を確認してください。", EN: "Please check your answers."},
	"save":                 {JA: "保存", EN: "Save"},
	"edit":                 {JA: "修正する", EN: "Edit"},
	"cancel":               {JA: "やめる", EN: "Cancel"},
	"edit_ask":             {JA: "どの項目を直しますか？番号で選んでください。", EN: "Which item do you want to change? Choose its number."},
	"bad_review":           {JA: "「保存」「修正 番号」「やめる」のどれかで答えてください。", EN: "Answer save, edit <number> or cancel."},
	"bad_edit":             {JA: "直したい項目の番号を選んでください（例: 3）。", EN: "Choose the number of the item to change (e.g. 3)."},
	"skipped":              {JA: "（スキップ）", EN: "(skipped)"},
	"yes":                  {JA: "はい", EN: "Yes"},
	"no":                   {JA: "いいえ", EN: "No"},
	"new_company":          {JA: "新しい企業なら、企業名（屋号）をそのまま入力してください。", EN: "For a new company, type its name."},
	"unset":                {JA: "（未登録）", EN: "(not set)"},
	"cancelled":            {JA: "中断しました。記録は保存していません。", EN: "Stopped. Nothing was saved."},
}
