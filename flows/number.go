package flows

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// ParseNumber reads a number as users type it: "12", "１２", "1,200",
// "3.5", "-2", "▲2" (accounting minus), "12人", "1200万", "2千", "1億2000万円",
// "三人". A trailing unit word (人, 年, 円, %, くらい …) is ignored. ok is false
// when there is no number or something other than a unit follows it.
func ParseNumber(s string) (float64, bool) {
	r := []rune(trimEndPunct(Fold(s)))
	p := &numScanner{r: r}
	p.skipPrefix()
	neg := p.sign()
	v, ok := p.amount()
	if !ok || !p.onlyUnitLeft() || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	if neg && v != 0 {
		v = -v
	}
	return v, true
}

// numScanner walks the runes of a number.
type numScanner struct {
	r []rune
	i int
}

func (p *numScanner) peek() rune {
	if p.i < len(p.r) {
		return p.r[p.i]
	}
	return 0
}

func (p *numScanner) skipSpace() {
	for p.peek() == ' ' {
		p.i++
	}
}

// hasPrefix consumes w if the remaining input starts with it.
func (p *numScanner) hasPrefix(w string) bool {
	rest := string(p.r[p.i:])
	if strings.HasPrefix(rest, w) {
		p.i += len([]rune(w))
		return true
	}
	return false
}

// skipPrefix skips 約 / およそ ("about") and a currency sign.
func (p *numScanner) skipPrefix() {
	if p.hasPrefix("約") || p.hasPrefix("およそ") {
		p.skipSpace()
	}
	switch p.peek() {
	case '¥', '￥', '$', '\\':
		p.i++
		p.skipSpace()
	}
}

// sign consumes a sign and reports whether it is negative.
func (p *numScanner) sign() bool {
	if p.hasPrefix("マイナス") {
		p.skipSpace()
		return true
	}
	switch p.peek() {
	case '+':
		p.i++
	case '-', '−', 'ー', '‐', '▲', '△':
		p.i++
		p.skipSpace()
		return true
	}
	return false
}

// amount reads digits combined with the multipliers 十百千万億兆.
func (p *numScanner) amount() (float64, bool) {
	var total, section float64
	seen := false
	for {
		n, hasN := p.numeral()
		if u := smallUnit(p.peek()); u > 0 {
			p.i++
			if !hasN {
				n = 1
			}
			section += n * u
			seen = true
			continue
		}
		if u := bigUnit(p.peek()); u > 0 && (hasN || section > 0) {
			p.i++
			total += (section + n) * u
			section = 0
			seen = true
			continue
		}
		if hasN {
			section += n
			seen = true
		}
		return total + section, seen
	}
}

func smallUnit(r rune) float64 {
	switch r {
	case '十':
		return 10
	case '百':
		return 100
	case '千':
		return 1000
	}
	return 0
}

func bigUnit(r rune) float64 {
	switch r {
	case '万':
		return 1e4
	case '億':
		return 1e8
	case '兆':
		return 1e12
	}
	return 0
}

// numeral reads an ASCII decimal ("1,200.5") or a run of kanji digits.
func (p *numScanner) numeral() (float64, bool) {
	if kanjiDigit(p.peek()) >= 0 {
		n := 0.0
		for d := kanjiDigit(p.peek()); d >= 0; d = kanjiDigit(p.peek()) {
			n = n*10 + float64(d)
			p.i++
		}
		return n, true
	}
	if !isDigit(p.peek()) {
		return 0, false
	}
	var b strings.Builder
	p.digits(&b)
	for p.groupFollows() {
		p.i++ // the separator
		p.digits(&b)
	}
	if p.peek() == '.' && p.i+1 < len(p.r) && isDigit(p.r[p.i+1]) {
		p.i++
		b.WriteByte('.')
		p.digits(&b)
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	return v, err == nil
}

// digits copies a run of ASCII digits to b.
func (p *numScanner) digits(b *strings.Builder) {
	for isDigit(p.peek()) {
		b.WriteRune(p.peek())
		p.i++
	}
}

// groupFollows reports whether a thousands separator and exactly three
// digits come next ("1,200", "1、200").
func (p *numScanner) groupFollows() bool {
	if c := p.peek(); c != ',' && c != '、' {
		return false
	}
	j := p.i + 1
	for j < len(p.r) && isDigit(p.r[j]) {
		j++
	}
	return j-(p.i+1) == 3
}

// onlyUnitLeft reports whether the rest is empty or a unit word: letters
// (kanji, kana, Latin) or %, with no further numerals.
func (p *numScanner) onlyUnitLeft() bool {
	p.skipSpace()
	for _, r := range p.r[p.i:] {
		switch {
		case r == '%' || r == '々':
		case isDigit(r) || kanjiDigit(r) >= 0 || smallUnit(r) > 0 || bigUnit(r) > 0:
			return false
		case !unicode.IsLetter(r):
			return false
		}
	}
	return true
}

// ParseScale reads a score from 1 to 5: "3", "３", "③", "三", "3点".
func ParseScale(s string) (int, bool) {
	k := strings.TrimSuffix(trimEndPunct(Fold(s)), "点")
	r := []rune(strings.TrimSpace(k))
	if len(r) != 1 {
		return 0, false
	}
	n := kanjiDigit(r[0])
	switch {
	case isDigit(r[0]):
		n = int(r[0] - '0')
	case circledNumber(r[0]) > 0:
		n = circledNumber(r[0])
	}
	if n < 1 || n > 5 {
		return 0, false
	}
	return n, true
}
