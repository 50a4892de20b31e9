package bot_test

import (
	"testing"

	"github.com/bansou/bansou/bot"
)

func TestCompanyKeyIgnoresLegalFormWidthAndSpaces(t *testing.T) {
	t.Parallel()
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

func TestAdmittedFollowsStaff(t *testing.T) {
	t.Parallel()
	h := newHarnessOn(t, backends[0].open(t), bot.NewStaff([]string{"UA"}, nil, false))
	p := h.advisor(t, "UX", "元職員")
	if h.bot.Admitted("slack", "UX", p) {
		t.Error("an advisor who is no longer staff is admitted")
	}
	if a := h.advisor(t, "UA", "佐藤"); !h.bot.Admitted("slack", "UA", a) {
		t.Error("a configured advisor is not admitted")
	}
}
