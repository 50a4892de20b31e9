package bot_test

import (
	"testing"

	"github.com/bansou/bansou/bot"
)

func TestCompanyKeyIgnoresLegalFormWidthAndSpaces(t *testing.T) {
	want := bot.CompanyKey("山田製作所")
	for _, name := range []string{
		"株式会社山田製作所", "山田製作所株式会社", "㈱山田製作所", "(株)山田製作所", "（株）山田製作所", "山田製作所（株）",
		"有限会社山田製作所", "(有)山田製作所", "合同会社 山田製作所", "　山田　製作所　", "株式会社　山田製作所",
	} {
		if got := bot.CompanyKey(name); got != want {
			t.Errorf("CompanyKey(%q) = %q, want %q", name, got, want)
		}
	}
	if bot.CompanyKey("ＡＢＣ食品") != bot.CompanyKey("abc食品") || bot.CompanyKey("ｶﾞｽ工業") != bot.CompanyKey("ガス工業") {
		t.Error("width and case are not folded")
	}
	if bot.CompanyKey("山田製作所") == bot.CompanyKey("山田工業") {
		t.Error("different names meet")
	}
}
