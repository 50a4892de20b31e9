package flows

// ParseYesNo reads a yes/no answer. Yes: はい, ええ, うん, yes, y, ok, ○, 〇, 1.
// No: いいえ, いえ, no, n, ×, ✕, 2 (the prompt lists はい=1, いいえ=2).
// Case-insensitive, after Fold; trailing 。 or ！ are ignored.
func ParseYesNo(s string) (yes bool, ok bool) {
	switch trimEndPunct(foldKey(s)) {
	case "はい", "はーい", "ええ", "うん", "yes", "y", "ok", "okay", "○", "〇", "◯", "⭕", "1", "①":
		return true, true
	case "いいえ", "いえ", "no", "n", "×", "✕", "✖", "❌", "2", "②":
		return false, true
	}
	return false, false
}
