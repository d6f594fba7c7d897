package message

import (
	"encoding/base64"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Common characters of each language: real text has many of them, while the
// same bytes decoded with the wrong East Asian charset give rare ones.
const (
	commonHangul = "이다는에의가하고을를지기서사로한니요습으도수리어해시있것그자나정보라대아일인게전무내우부상주"
	commonHanzi  = "的是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日件请邮您月信息新"
)

// candidate is one charset guessDecode tries.
type candidate struct {
	name string
	enc  encoding.Encoding
	// plausible reports runes typical of the language.
	plausible func(r rune) bool
	common    string
	// core is the share of the text's multibyte sequences that lie in the
	// charset's core set (KS X 1001, GB 2312, JIS X 0208), not in the
	// vendor extensions that wrong guesses land in.
	core func(b []byte) float64
}

var guessCandidates = []candidate{
	{"EUC-KR", korean.EUCKR, func(r rune) bool { return r >= 0xac00 && r <= 0xd7a3 }, commonHangul, eucCore},
	{"Shift_JIS", japanese.ShiftJIS, func(r rune) bool {
		return r >= 0x3040 && r <= 0x30ff || r >= 0x4e00 && r <= 0x9fff || r >= 0x3000 && r <= 0x303f
	}, "のをにはがとでてしたするです", sjisCore},
	{"GBK", simplifiedchinese.GB18030, func(r rune) bool {
		return r >= 0x4e00 && r <= 0x9fff || r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
	}, commonHanzi, eucCore},
}

// guessDecode decodes 8-bit text whose charset is not declared: ISO-2022
// escapes are honoured, valid UTF-8 is kept, then EUC-KR, Shift_JIS and GBK
// are scored by how plausible their result is, and windows-1252 is the
// fallback. It returns the text and the name of the charset used.
func guessDecode(b []byte) (string, string) {
	switch {
	case !hasHighBytes(b):
		if hasISO2022JPEscape(b) {
			return decodeWith(japanese.ISO2022JP, b), "ISO-2022-JP"
		}
		if strings.Contains(string(b), "\x1b$)C") {
			return decodeWith(korean.EUCKR, iso2022KRToEUCKR(b)), "ISO-2022-KR"
		}
		return string(b), "UTF-8"
	case utf8.Valid(b):
		return string(b), "UTF-8"
	}
	best, bestScore, bestText := "", 0.0, ""
	for _, c := range guessCandidates {
		text := decodeWith(c.enc, b)
		if s := scoreText(text, c) * (0.5 + 0.5*c.core(b)); s > bestScore {
			best, bestScore, bestText = c.name, s, text
		}
	}
	if bestScore >= 0.6 {
		return bestText, best
	}
	return decodeWith(charmap.Windows1252, b), "windows-1252"
}

// scoreText rates how much text looks like the candidate's language: the
// share of non-ASCII runes that are plausible, with a bonus for common
// characters and a heavy penalty for undecodable bytes.
func scoreText(text string, c candidate) float64 {
	var total, good float64
	for _, r := range text {
		if r < utf8.RuneSelf {
			continue
		}
		total++
		switch {
		case r == utf8.RuneError:
			good -= 5
		case strings.ContainsRune(c.common, r):
			good += 2
		case c.plausible(r):
			good++
		}
	}
	if total == 0 {
		return 0
	}
	return good / total
}

// eucCore is the share of byte pairs with both bytes in 0xA1-0xFE (the
// EUC-KR and GB 2312 core planes).
func eucCore(b []byte) float64 {
	pairs, core := 0, 0
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		pairs++
		if i+1 < len(b) && b[i] >= 0xa1 && b[i] <= 0xfe && b[i+1] >= 0xa1 && b[i+1] <= 0xfe {
			core++
		}
		i++
	}
	return ratio(core, pairs)
}

// sjisCore is the share of Shift_JIS double-byte sequences among the
// non-ASCII sequences (half-width katakana bytes count against it).
func sjisCore(b []byte) float64 {
	seqs, core := 0, 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		seqs++
		if (c >= 0x81 && c <= 0x9f || c >= 0xe0 && c <= 0xfc) && i+1 < len(b) {
			if t := b[i+1]; t >= 0x40 && t <= 0xfc && t != 0x7f {
				core++
			}
			i++
		}
	}
	return ratio(core, seqs)
}

func ratio(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// decodeUTF7 decodes UTF-7 (RFC 2152): "+" starts modified base64 of
// UTF-16BE that runs to the first non-base64 byte ("-" is absorbed), and
// "+-" is a plus sign.
func decodeUTF7(b []byte) string {
	var out strings.Builder
	out.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '+' {
			out.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(b) && isBase64Byte(b[j]) {
			j++
		}
		if j == i+1 {
			if j < len(b) && b[j] == '-' {
				out.WriteByte('+')
				i = j
			} else {
				out.WriteByte('+')
			}
			continue
		}
		raw, _ := base64.RawStdEncoding.DecodeString(string(b[i+1 : j][:(j-i-1)/4*4+rawTail(j-i-1)]))
		units := make([]uint16, 0, len(raw)/2)
		for k := 0; k+1 < len(raw); k += 2 {
			units = append(units, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		out.WriteString(string(utf16.Decode(units)))
		if j < len(b) && b[j] == '-' {
			j++
		}
		i = j - 1
	}
	return out.String()
}

// rawTail is how many trailing characters of an n-character unpadded base64
// run can be decoded (a lone sixth-bit group cannot).
func rawTail(n int) int {
	if n%4 == 1 {
		return 0
	}
	return n % 4
}

// isBase64Byte reports characters of the base64 alphabet (without "=").
func isBase64Byte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}
