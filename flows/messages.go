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
	"date_unreadable":         {JA: "日付として読み取れませんでした。", EN: "That doesn't read as a date. "},
	"date_no_such_ymd":        {JA: "%d年%d月%d日という日付はありません。", EN: "There is no such day as %d-%02d-%02d. "},
	"date_no_such_md":         {JA: "%d月%d日という日付はありません。", EN: "There is no such day as month %d, day %d. "},
	"date_no_such_era_day":    {JA: "%s%s年%d月%d日という日付はありません。", EN: "There is no such day as %s %s, month %d, day %d. "},
	"date_too_far":            {JA: "日付が遠すぎます。", EN: "That date is too far away. "},
	"date_past_weekday":       {JA: "今週の%s曜日（%d月%d日）はもう過ぎています。来週なら「来週%s曜」のように入力してください。", EN: "This week's %s (%d/%d) has already passed. For next week, type e.g. \"next %s\"."},
	"date_hint":               {JA: "「12/3」「12月3日」「2026-12-03」「来週火曜」「+14d」のように入力してください。", EN: "Type it like 12/3, 2026-12-03, next tue or +14d."},
	"try_name_advisor":        {JA: "相談員", EN: "Advisor"},
	"try_name_owner":          {JA: "経営者", EN: "Owner"},
	"try_name_coordinator":    {JA: "コーディネーター", EN: "Coordinator"},
	"try_institution":         {JA: "相談窓口", EN: "the support desk"},
	"ui_console_default":      {JA: "（そのまま Enter で「%s」）", EN: "(press Enter for %s)"},
	"ui_suggested":            {JA: "これで決定：%s", EN: "Use %s"},
	"ui_current_answer_paren": {JA: "（いまの回答: %s）", EN: "(Current answer: %s)"},
	"list_sep":                {JA: "、", EN: ", "},
	"bullet":                  {JA: "・", EN: "• "},
	"quote":                   {JA: "「%s」", EN: "“%s”"},
	"auto_recorded":           {JA: "「%s」は「%s」として記録しました（選べるものが1つだったため）。", EN: "Recorded %s as %s (it was the only choice)."},
	"required":                {JA: "この質問は省略できません。ひと言でも大丈夫です。", EN: "This question can't be skipped. A few words are enough."},
	"no_back":                 {JA: "最初の質問です。これより前には戻れません。", EN: "This is the first question; there is nothing to go back to."},
	"empty":                   {JA: "回答が空でした。もう一度お願いします。", EN: "The answer was empty. Please try again."},
	"too_long":                {JA: "%d文字以内でお願いします（いま%d文字）。短くして、もう一度送ってください。", EN: "Please keep it within %d characters (now %d). Shorten it and send again."},
	"bad_option":              {JA: "選択肢の番号か名前で答えてください（例: 1）。", EN: "Please answer with an option's number or name (e.g. 1)."},
	"bad_multi":               {JA: "番号を「1,3」のように区切って答えてください。", EN: "Please list the numbers separated by commas, e.g. 1,3."},
	"bad_yesno":               {JA: "「はい」か「いいえ」で答えてください。", EN: "Please answer yes or no."},
	"bad_scale":               {JA: "1〜5の数字で答えてください（5がいちばん高い）。", EN: "Please answer with a number from 1 to 5 (5 is the highest)."},
	"bad_number":              {JA: "数字で答えてください（例: 12）。", EN: "Please answer with a number (e.g. 12)."},
	"too_small":               {JA: "%s以上の数字でお願いします。", EN: "Please enter %s or more."},
	"too_big":                 {JA: "%s以下の数字でお願いします。", EN: "Please enter %s or less."},
	"past_date":               {JA: "過去の日付です。今日以降の日付を入れてください。", EN: "That date is in the past. Please enter today or later."},
	"future_date":             {JA: "未来の日付です。今日までの日付を入れてください（例: 11/18、昨日）。", EN: "That date is in the future. Please enter today or earlier (e.g. 11/18)."},
	"stale":                   {JA: "その質問にはもう回答済みです。いまの質問はこちらです。", EN: "That question was already answered. Here is the current one."},
	"mode_ask":                {JA: "どちらで進めますか？", EN: "Which would you like?"},
	"review_ask":              {JA: "この内容で保存しますか？", EN: "Save this?"},
	"review_head":             {JA: "内容を確認してください。", EN: "Please check your answers."},
	"save":                    {JA: "保存", EN: "Save"},
	"edit":                    {JA: "修正する", EN: "Edit"},
	"cancel":                  {JA: "やめる", EN: "Cancel"},
	"edit_ask":                {JA: "どの項目を直しますか？番号で選んでください。", EN: "Which item do you want to change? Choose its number."},
	"bad_review":              {JA: "「保存」「修正 番号」「やめる」のどれかで答えてください。", EN: "Answer save, edit <number> or cancel."},
	"bad_edit":                {JA: "直したい項目の番号を選んでください（例: 3）。", EN: "Choose the number of the item to change (e.g. 3)."},
	"skipped":                 {JA: "（スキップ）", EN: "(skipped)"},
	"yes":                     {JA: "はい", EN: "Yes"},
	"no":                      {JA: "いいえ", EN: "No"},
	"new_company":             {JA: "新しい企業なら、企業名（屋号）をそのまま入力してください。", EN: "For a new company, type its name."},
	"unset":                   {JA: "（未登録）", EN: "(not set)"},
	"cancelled":               {JA: "中断しました。記録は保存していません。", EN: "Stopped. Nothing was saved."},

	// bot: notices
	"bot_thank_you_for_your_message": {JA: "メッセージありがとうございます。担当者が確認します。", EN: "Thank you for your message. Your advisor will read it."},
	"bot_saved":                      {JA: "保存しました。", EN: "Saved."},
	"bot_next_step":                  {JA: "次の一歩", EN: "Next step"},
	"bot_next_follow_up":             {JA: "次回フォロー", EN: "Next follow-up"},
	"bot_referral":                   {JA: "つなぎ先", EN: "Referral"},

	// bot/console: adapter labels
	"ui_review":                   {JA: "── 確認 ──", EN: "── Review ──"},
	"ui_tip":                      {JA: "ヒント", EN: "Tip"},
	"ui_current_answer":           {JA: "いまの回答", EN: "Current answer"},
	"ui_numbers_like_1_3_several": {JA: "番号を「1,3」のように。複数選べます", EN: "Numbers like 1,3; several allowed"},
	"ui_e_g_12_3_2026":            {JA: "例: 12/3、12月3日、来週火曜、+14d", EN: "e.g. 12/3, 2026-12-03, +14d"},
	"ui_yes_no":                   {JA: "はい / いいえ", EN: "yes / no"},
	"ui_a_number_from_1_to":       {JA: "1〜5の数字で", EN: "A number from 1 to 5"},
	"ui_a_number_or_a_new":        {JA: "番号、または新しい企業名を入力", EN: "A number, or a new company's name"},
	"ui_type_the_company_name":    {JA: "企業名（屋号）を入力", EN: "Type the company name"},
	"ui_type_skip_to_skip":        {JA: "（「スキップ」で飛ばせます）", EN: "(type skip to skip)"},

	// bot/digest
	"digest_coordinator_digest": {JA: "コーディネーター向け 週次まとめ", EN: "Coordinator digest"},
	"digest_none":               {JA: "該当なし", EN: "None"},
	"digest_who_sep":            {JA: " ", EN: ": "},
	"digest_bullet":             {JA: "  ・", EN: "  • "},

	// bot: notices
	"bot_to_get_started_please_send":  {JA: "ご登録には、担当者からお伝えした「招待コード」（英数字8文字）が必要です。このトークにそのまま送ってください。", EN: "To get started, please send the invite code (8 letters and digits) your advisor gave you."},
	"bot_we_couldn_t_confirm_the":     {JA: "コードの確認ができない状態が続いたため、しばらく受付を止めています。1時間ほどおいてからお試しいただくか、担当者にお問い合わせください。", EN: "We couldn't confirm the code several times, so we've paused for a while. Please try again in about an hour, or ask your advisor."},
	"bot_this_code_has_already_been":  {JA: "このコードはすでに使われています。お手数ですが、担当者に新しいコードをお願いしてください。", EN: "This code has already been used. Please ask your advisor for a new one."},
	"bot_this_code_has_expired_codes": {JA: "このコードは有効期限（発行から7日）が過ぎています。お手数ですが、担当者に新しいコードをお願いしてください。", EN: "This code has expired (codes are valid for 7 days). Please ask your advisor for a new one."},
	"bot_your_advisor":                {JA: "担当者", EN: "your advisor"},
	"bot_we_couldn_t_confirm_that":    {JA: "コードが確認できませんでした。英数字8文字（例：K7QM-X3PA）を、もう一度お送りください。", EN: "We couldn't confirm that code. Please send the 8 letters and digits again (e.g. K7QM-X3PA)."},

	// bot/line: adapter labels
	"ui_to_choose_several_send_their": {JA: "いくつか選ぶときは、番号を「1,3」のように送ってください。", EN: "To choose several, send their numbers, e.g. 1,3."},
	"ui_you_can_also_answer_by":       {JA: "番号を送って答えることもできます。", EN: "You can also answer by sending a number."},
	"ui_tap_pick_a_date_or":           {JA: "「日付を選ぶ」から選ぶか、「12/3」「12月3日」「来週火曜」のように送ってください。", EN: "Tap \"Pick a date\", or send a date such as 12/3 or 2026-12-03."},
	"ui_please_send_a_number":         {JA: "数字で送ってください。", EN: "Please send a number."},
	"ui_skip":                         {JA: "スキップ", EN: "Skip"},
	"ui_skip2":                        {JA: "スキップ", EN: "skip"},
	"ui_type_a_number":                {JA: "番号で入力", EN: "Type a number"},
	"ui_pick_a_date":                  {JA: "日付を選ぶ", EN: "Pick a date"},

	// bot: notices
	"bot_biggest_wall":                  {JA: "いちばん大きな壁", EN: "Biggest wall"},
	"bot_in_progress":                   {JA: "（記入中）", EN: " (in progress)"},
	"bot_that_question_is_closed_thank": {JA: "このご質問の受付は終わっています。ありがとうございました。何かあれば、こちらに書いてください。", EN: "That question is closed. Thank you. If anything comes up, just write to us here."},
	"bot_thank_you":                     {JA: "ありがとうございます。", EN: "Thank you."},
	"bot_thank_you_for_your_message2":   {JA: "メッセージありがとうございます。担当者にお伝えしました。", EN: "Thank you for your message. We've passed it on to your advisor."},
	"bot_thank_you_for_telling_us":      {JA: "お知らせいただき、ありがとうございます。担当者からできるだけ早くご連絡します。", EN: "Thank you for telling us. Your advisor will contact you as soon as possible."},
	"bot_of_course_we_ll_get":           {JA: "承知しました。また明日、あらためてご連絡します。", EN: "Of course. We'll get back to you tomorrow."},
	"bot_of_course_we_ll_skip":          {JA: "承知しました。今回はお休みにしますね。何かあれば、いつでもこちらに書いてください。", EN: "Of course, we'll skip this time. If anything comes up, just write to us here."},
	"bot_a_gentle_reminder_of_our":      {JA: "先日おうかがいした件です。お手すきのときに、ボタンを押してお答えください。", EN: "A gentle reminder of our question the other day. Whenever you have a moment, just tap an answer."},

	// bot/slack: adapter labels
	"ui_no_conversation_is_in_progress": {JA: "進行中の振り返りはありません。`/bansou visit 企業名` で始められます。", EN: "No conversation is in progress. Start one with `/bansou visit <company>`."},
	"ui_i_ll_answer_in_your":            {JA: "bansou とのDMでお返事します。", EN: "I'll answer in your DM with bansou."},
	"ui_add_the_company_bansou_checkin": {JA: "企業名を添えてください。例: `/bansou checkin 山田製作所`", EN: "Add the company: `/bansou checkin <company>`"},
	"ui_add_the_company_bansou_invite":  {JA: "企業名を添えてください。例: `/bansou invite 山田製作所`", EN: "Add the company: `/bansou invite <company>`"},
	"ui_add_the_company_bansou_history": {JA: "企業名を添えてください。例: `/bansou history 山田製作所`", EN: "Add the company: `/bansou history <company>`"},
	"ui_did_you_mean":                   {JA: "\n候補: ", EN: "\nDid you mean: "},
	"ui_nothing_has_been_saved_yet":     {JA: "まだ保存された記録はありません。", EN: "Nothing has been saved yet."},
	"ui_the_digest_is_for_coordinators": {JA: "まとめ（ダイジェスト）はコーディネーター向けです。担当企業の予定は、bansou の「ホーム」タブでご覧いただけます。", EN: "The digest is for coordinators. Your own companies and follow-ups are on bansou's Home tab."},
	"ui_cut_short_for_slack_the":        {JA: "…長いため、ここまでを表示しています。全文は `bansou digest --preview` で確認できます。", EN: "…cut short for Slack. The full digest: `bansou digest --preview`."},
	"ui_bansou_accompaniment_records":   {JA: "bansou — 伴走支援の記録", EN: "bansou — accompaniment records"},
	"ui_follow_ups":                     {JA: "フォロー予定", EN: "Follow-ups"},
	"ui_recent_companies":               {JA: "最近の企業", EN: "Recent companies"},
	"ui_bansou_visit_company_starts_a":  {JA: "`/bansou visit 企業名` で振り返り、`/bansou history 企業名` でこれまでの記録を見られます。", EN: "`/bansou visit <company>` starts a debrief; `/bansou history <company>` shows the records."},
	"ui_no_conversation_in_progress":    {JA: "進行中の振り返りはありません。", EN: "No conversation in progress."},
	"ui_in_progress":                    {JA: "途中の記録", EN: "In progress"},
	"ui_last_updated":                   {JA: "最終更新 ", EN: "Last updated "},
	"ui_resume":                         {JA: "続きから", EN: "Resume"},
	"ui_no_follow_ups_scheduled":        {JA: "予定されているフォローはありません。", EN: "No follow-ups scheduled."},
	"ui_overdue":                        {JA: "期限超過", EN: "overdue"},
	"ui_no_companies_yet":               {JA: "まだ担当企業の記録はありません。", EN: "No companies yet."},
	"ui_debrief":                        {JA: "振り返る", EN: "Debrief"},
	"ui_choose":                         {JA: "選んでください", EN: "Choose"},
	"ui_choose_several_allowed":         {JA: "選んでください（複数可）", EN: "Choose (several allowed)"},
	"ui_done":                           {JA: "決定", EN: "Done"},
	"ui_reply_in_this_dm":               {JA: "このDMに返信する形で入力してください。", EN: "Reply in this DM."},
	"ui_type_a_number_in_this":          {JA: "数字をこのDMに入力してください。", EN: "Type a number in this DM."},
	"ui_you_can_also_type_a":            {JA: "「12/3」「来週火曜」のように入力しても大丈夫です。", EN: "You can also type a date, e.g. 12/3 or +14d."},
	"ui_for_a_new_company_type":         {JA: "新しい企業は、企業名（屋号）をこのDMに入力してください。", EN: "For a new company, type its name in this DM."},
	"ui_send_skip_to_skip":              {JA: "「スキップ」と送ると飛ばせます。", EN: " Send \"skip\" to skip."},

	// formatted notices
	"bot_due_suffix":          {JA: "（期限 %s）", EN: " (due %s)"},
	"bot_owner_registered":    {JA: "%[1]sさまのご登録ができました。%[2]sの担当、%[3]sです。\nこれから、お話しした取り組みの様子を、ときどきこちらでおうかがいします。ボタンを押すだけで答えられます。何かあれば、いつでもこちらに書いてください。", EN: "You're registered for %[1]s. Your advisor at %[2]s is %[3]s.\nFrom time to time we'll ask here how things are going; you can answer with a tap. Write to us any time."},
	"bot_owner_followed":      {JA: "友だち追加ありがとうございます。%sです。\n担当者からお伝えした「招待コード」（英数字8文字）を、このトークにそのまま送ってください。", EN: "Thank you for adding us. This is %s.\nPlease send the invite code (8 letters and digits) your advisor gave you."},
	"bot_owner_welcome_back":  {JA: "おかえりなさい。%sです。%sさまとのやりとりを再開します。何かあれば、いつでもこちらに書いてください。", EN: "Welcome back. This is %s. We'll keep in touch about %s here; write to us any time."},
	"bot_alert_line_message":  {JA: "%sさまから LINE でメッセージ", EN: "A LINE message from %s"},
	"bot_alert_urgent":        {JA: "【至急】%sさまからご相談", EN: "URGENT: %s needs help"},
	"paren":                   {JA: "（%s）", EN: " (%s)"},
	"digest_more_companies":   {JA: "ほか %d 社", EN: "and %d more companies"},
	"digest_more_items":       {JA: "ほか %d 件", EN: "and %d more"},
	"remind_followup_today":   {JA: "本日は%sのフォロー予定日です", EN: "Today is your follow-up day for %s"},
	"remind_last_step":        {JA: "前回決めた次の一歩：「%s」", EN: "Last agreed next step: \"%s\""},
	"remind_due":              {JA: "（期限：%s）", EN: " (due %s)"},
	"remind_reported_done":    {JA: "　→ できた、とのご報告があります", EN: " — reported done"},
	"remind_reported_dropped": {JA: "　→ やめた・変えた、とのご報告があります", EN: " — reported dropped or changed"},
	"remind_record_visit":     {JA: "訪問後は /bansou visit %s で振り返りを記録できます。", EN: "After the visit, record it with /bansou visit %s."},
	"ui_companies_close_to":   {JA: "「%s」に近い担当企業があります。どちらでしょうか？", EN: "Companies close to \"%s\": which one?"},
	"ui_no_match_start_new":   {JA: "「%s」に一致する担当企業は見つかりませんでした。新しい企業として振り返りを始めますか？", EN: "No company of yours matches \"%s\". Start a debrief for a new company?"},
	"ui_no_match_check_name":  {JA: "「%s」に一致する担当企業は見つかりませんでした。企業名をご確認ください。", EN: "No company of yours matches \"%s\". Please check the name."},
	"ui_new_company_named":    {JA: "新しい企業「%s」", EN: "New company \"%s\""},
	"ui_no_match":             {JA: "「%s」に一致する担当企業は見つかりませんでした。", EN: "No company of yours matches \"%s\"."},
	"ui_history_of":           {JA: "%s のこれまでの記録", EN: "History of %s"},
	"ui_invite_code": {JA: "*%[1]s* さまの LINE 招待コード: *%[2]s*\n有効期限: %[3]s（1回だけ使えます）\n\n経営者の方には、次のようにお伝えください。\n　LINE で当機関の公式アカウントを友だち追加し、トークに招待コード「%[2]s」を送ってください。",
		EN: "LINE invite code for *%[1]s*: *%[2]s*\nValid until %[3]s (single use)\n\nTell the owner:\n  Add our official LINE account as a friend and send the code \"%[2]s\" in the chat."},
	"bot_help":         {JA: "使い方:\n・振り返り [企業名] … 訪問後の振り返りを始めます\n・新規企業 [企業名] … 課題の棚卸しを始めます\n・検証 [企業名] … 取り組みの検証をします\n会話中は「戻る」「スキップ」「修正 番号」「やめる」が使えます。", EN: "Commands: visit [company] (debrief after a visit), intake [company] (new company), verify [company] (review progress), help. During a conversation: back, skip, edit <number>, cancel."},
	"bot_stale":        {JA: "その回答はすでに受け付けています。いまの質問はこちらです。", EN: "That was already answered. Here is where we are now."},
	"bot_last_time_at": {JA: "%s の前回の記録です。", EN: "Last time at %s:"},
	"ui_help": {JA: "*bansou の使い方*\n• `/bansou visit 企業名` … 訪問後の振り返りを始めます（DMで1問ずつおうかがいします）\n• `/bansou checkin 企業名` … 前回決めた「次の一歩」がどうなったかを検証します\n• `/bansou history 企業名` … その企業のこれまでの記録をお見せします\n• `/bansou invite 企業名` … 経営者の方が LINE でつながるための招待コードを発行します\n• `/bansou digest` … （コーディネーター）全企業の要対応・フォロー状況のまとめ\n• `/bansou help` … この説明\n振り返りの途中は、DMで「戻る」「スキップ」「修正」「やめる」と送れます。",
		EN: "*bansou commands*\n• `/bansou visit <company>` — debrief a visit; I ask one question at a time in your DM\n• `/bansou checkin <company>` — review how the owner's committed step went\n• `/bansou history <company>` — what has been recorded about the company\n• `/bansou invite <company>` — a one-time code for the owner to connect on LINE\n• `/bansou digest` — coordinators: what needs attention across all companies\n• `/bansou help` — this help\nDuring a conversation you can send back, skip, edit or cancel in the DM."},
}
