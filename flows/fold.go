package flows

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Fold normalises what Japanese users type: 全角 ASCII (U+FF01–FF5E) becomes
// 半角, 半角 katakana becomes 全角, the 全角 space and other white space
// become a plain space, surrounding white space is trimmed and inner runs of
// white space collapse to one space (or to one "\n" when the run holds a line
// break). Kana and kanji are otherwise left as they are. Fold is idempotent.
func Fold(s string) string {
	out := make([]rune, 0, len(s))
	var gap rune // pending white space: 0, ' ' or '\n'
	for _, r := range s {
		if unicode.IsSpace(r) {
			if isLineBreak(r) {
				gap = '\n'
			} else if gap == 0 {
				gap = ' '
			}
			continue
		}
		if gap != 0 && len(out) > 0 {
			out = append(out, gap)
		}
		gap = 0
		out = appendFolded(out, r)
	}
	return string(out)
}

// appendFolded appends the folded form of r to out.
func appendFolded(out []rune, r rune) []rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // 全角 ASCII variants
		return append(out, r-0xFEE0)
	case r == 0xFF9E || r == 0xFF9F: // 半角 (semi-)voiced sound mark
		return appendSoundMark(out, r)
	case r >= 0xFF61 && r <= 0xFF9D: // 半角 katakana and punctuation
		return append(out, []rune(width.Widen.String(string(r)))...)
	}
	return append(out, r)
}

// appendSoundMark joins a 半角 ﾞ or ﾟ with the kana before it (ｶﾞ → ガ),
// or appends the spacing mark ゛ or ゜ when they do not combine.
func appendSoundMark(out []rune, r rune) []rune {
	combining, spacing := rune(0x3099), rune(0x309B)
	if r == 0xFF9F {
		combining, spacing = 0x309A, 0x309C
	}
	if n := len(out); n > 0 {
		if c := []rune(norm.NFC.String(string([]rune{out[n-1], combining}))); len(c) == 1 {
			out[n-1] = c[0]
			return out
		}
	}
	return append(out, spacing)
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// foldKey is the form used for comparisons: folded and lower case.
func foldKey(s string) string { return strings.ToLower(Fold(s)) }

// trimEndPunct removes trailing sentence punctuation and white space, so
// that 「はい。」 and 「3点！」 read like 「はい」 and 「3点」.
func trimEndPunct(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		switch r {
		case '。', '.', '!', '、', ',', '~', '〜', '♪', '…', ' ', '\n':
			return true
		}
		return false
	})
}

// isDigit reports whether r is an ASCII digit.
func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// kanjiDigit returns the value of a kanji digit 〇一…九, or -1.
func kanjiDigit(r rune) int {
	switch r {
	case '〇', '零':
		return 0
	case '一':
		return 1
	case '二':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

// circledNumber returns n for ①…⑳, or 0.
func circledNumber(r rune) int {
	if r >= '①' && r <= '⑳' {
		return int(r-'①') + 1
	}
	return 0
}
