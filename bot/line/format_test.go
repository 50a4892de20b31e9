package line

import (
	"strings"
	"testing"

	"github.com/bansou/bansou/flows"
)

// Item 3 on LINE: a date question says how to type the date with the
// engine's examples for its direction (past examples for a past date), and
// a number question says its range.
func TestGuideUsesTheEnginesFormat(t *testing.T) {
	past := guide(&flows.Prompt{Kind: flows.KindDate, Dates: "past", Format: "例: 今日、昨日、11/21、先週火曜"}, "ja")
	if !strings.Contains(past, "例: 今日、昨日、11/21、先週火曜") || strings.Contains(past, "来週") {
		t.Errorf("past date guide %q", past)
	}
	num := guide(&flows.Prompt{Kind: flows.KindNumber, Format: "500〜2100の数字で"}, "ja")
	if num != "500〜2100の数字で送ってください。" {
		t.Errorf("number guide %q", num)
	}
}
