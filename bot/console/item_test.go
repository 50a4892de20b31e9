package console_test

import "testing"

func TestTranscriptItem1ReviewActionsAndResume(t *testing.T) {
	got := transcript(t, "item1_review")
	mustContain(t, got, "いまの回答: 「わかってはいるけど、手が回らない」", "ここまでの回答は保存されません。やめますか？",
		"続けます。", "「再開」と送ると", "続きから再開します（山田製作所、保存前の確認）", "保存しました。",
		"24時間以内に中断した記録はありません。")
}

func TestTranscriptItem2CompanyAlwaysShownAndSwitchAsks(t *testing.T) {
	got := transcript(t, "item2_company")
	mustContain(t, got, "【山田製作所】[3/7]", "山田製作所の振り返りが途中です。どちらを続けますか？",
		"1. 山田製作所の続き", "2. 佐藤商店を始める", "続きから再開します（山田製作所、質問3/7）",
		"【佐藤商店】[2/7]")
}

func TestTranscriptItem3DatesNeverJumpAYear(t *testing.T) {
	got := transcript(t, "item3_dates")
	mustContain(t, got, "例: 今日、昨日、11/21、先週火曜",
		"未来の日付です。この質問は今日（11/24）までの日付でお答えください",
		"2025年12月3日(水)ですね。今日から9か月以上離れていますが、この日付でよろしいですか？",
		"いまの回答: 2026年11月17日(火)",
		"2027年11月1日(月)ですね。",
		"[26/34] 中心になって動くのはどなたですか？")
	mustNotContain(t, got, "2025年11月25日", "2025年12月1日")
}
