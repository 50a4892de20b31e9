package flows

import (
	"strings"
	"testing"
	"unicode"
)

// japanese returns the first run of Japanese text in s (kana, kanji, 全角
// punctuation), or "".
func japanese(s string) string {
	start := -1
	for i, r := range s {
		if isJapanese(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			return s[start:i]
		}
	}
	if start >= 0 {
		return s[start:]
	}
	return ""
}

func isJapanese(r rune) bool {
	return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF60)
}

// Every message of the catalog exists in both languages, the English one
// without Japanese, and both take the same arguments.
func TestCatalogIsComplete(t *testing.T) {
	if len(MsgKeys()) < 30 {
		t.Fatalf("catalog has %d keys; the engine alone needs more", len(MsgKeys()))
	}
	for _, k := range MsgKeys() {
		m, _ := MsgText(k)
		switch {
		case m.JA == "":
			t.Errorf("%s: no ja", k)
		case m.EN == "":
			t.Errorf("%s: no en", k)
		case japanese(m.EN) != "" && !strings.Contains(k, "_ja"):
			t.Errorf("%s: en %q contains Japanese %q", k, m.EN, japanese(m.EN))
		case strings.Count(m.JA, "%") != strings.Count(m.EN, "%"):
			t.Errorf("%s: ja and en take different arguments: %q / %q", k, m.JA, m.EN)
		}
	}
	if got := Msg("en", "no_such_key"); got != "no_such_key" {
		t.Errorf("an unknown key renders %q, want the key itself", got)
	}
}
