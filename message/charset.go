package message

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Charsets are read the way browsers read them (the WHATWG Encoding
// Standard, golang.org/x/text/encoding/htmlindex), plus the aliases mail in
// the wild uses that the standard lacks. This package never sets go-message's
// package-global message.CharsetReader: it decodes transfer encodings and
// charsets itself on top of go-message's textproto layer, so its behaviour
// does not depend on what another package registered there.

// Pseudo encodings handled by this package's own decoders.
type pseudo int

const (
	pseudoNone  pseudo = iota
	pseudoUTF8         // UTF-8 (invalid bytes become U+FFFD)
	pseudoGuess        // undeclared 8-bit: UTF-8 if valid, else a guess
	pseudoISO2022KR
	pseudoUTF7
)

// The tables below are read-only lookup data.

// charsetAliases maps labels seen in mail that WHATWG does not know, or
// knows differently, to an encoding.
var charsetAliases = map[string]encoding.Encoding{
	"cp949":            korean.EUCKR,
	"ms949":            korean.EUCKR,
	"uhc":              korean.EUCKR,
	"x-uhc":            korean.EUCKR,
	"x-windows-949":    korean.EUCKR,
	"ks_c_5601":        korean.EUCKR,
	"ksc5601-1987":     korean.EUCKR,
	"gb2312":           simplifiedchinese.GB18030, // WHATWG: the gbk decoder is the gb18030 decoder
	"gbk":              simplifiedchinese.GB18030,
	"cp936":            simplifiedchinese.GB18030,
	"ms936":            simplifiedchinese.GB18030,
	"euc-cn":           simplifiedchinese.GB18030,
	"x-euc-cn":         simplifiedchinese.GB18030,
	"hz-gb-2312":       simplifiedchinese.HZGB2312,
	"sjis":             japanese.ShiftJIS,
	"shift-jis":        japanese.ShiftJIS,
	"cp932":            japanese.ShiftJIS,
	"ms932":            japanese.ShiftJIS,
	"x-ms-cp932":       japanese.ShiftJIS,
	"iso-2022-jp-1":    japanese.ISO2022JP,
	"iso-2022-jp-2":    japanese.ISO2022JP,
	"iso-2022-jp-3":    japanese.ISO2022JP,
	"iso-2022-jp-ms":   japanese.ISO2022JP,
	"iso-2022-jp-2004": japanese.ISO2022JP,
	"csiso2022jp2":     japanese.ISO2022JP,
	"big5-hkscs":       traditionalchinese.Big5,
	"cp950":            traditionalchinese.Big5,
	"ansi_x3.4-1968":   charmap.Windows1252,
	"ascii":            charmap.Windows1252,
	"latin-1":          charmap.Windows1252,
	"iso8859-1":        charmap.Windows1252,
	"iso_8859-1:1987":  charmap.Windows1252,
	"cp-1252":          charmap.Windows1252,
}

// pseudoCharsets maps labels to this package's own decoders.
var pseudoCharsets = map[string]pseudo{
	"utf-8":               pseudoUTF8,
	"utf8":                pseudoUTF8,
	"x-utf_8j":            pseudoUTF8,
	"unicode-1-1-utf-8":   pseudoUTF8,
	"":                    pseudoGuess,
	"unknown-8bit":        pseudoGuess,
	"unknown":             pseudoGuess,
	"x-unknown":           pseudoGuess,
	"default":             pseudoGuess,
	"default_charset":     pseudoGuess,
	"8bit":                pseudoGuess,
	"iso-2022-kr":         pseudoISO2022KR,
	"csiso2022kr":         pseudoISO2022KR,
	"utf-7":               pseudoUTF7,
	"unicode-1-1-utf-7":   pseudoUTF7,
	"csunicode11utf7":     pseudoUTF7,
	"x-unicode-2-0-utf-7": pseudoUTF7,
}

// wideUnicode reports UTF-16 and UTF-32 labels, whose bytes are never
// checked for being UTF-8.
func wideUnicode(label string) bool {
	return strings.Contains(label, "16") && strings.Contains(label, "utf") ||
		strings.Contains(label, "32") && strings.Contains(label, "utf") ||
		strings.HasPrefix(label, "ucs") || strings.Contains(label, "unicode")
}

// normalizeCharset lower-cases a label and strips quotes, spaces and a
// trailing RFC 2231 language part.
func normalizeCharset(label string) string {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"' `))
	if i := strings.IndexByte(label, '*'); i >= 0 { // RFC 2231 "charset*lang"
		label = label[:i]
	}
	return label
}

// lookupCharset finds the decoder for a label. When it returns (nil,
// pseudoNone) the charset is unknown.
func lookupCharset(label string) (encoding.Encoding, pseudo) {
	label = normalizeCharset(label)
	if p, ok := pseudoCharsets[label]; ok {
		return nil, p
	}
	if enc, ok := charsetAliases[label]; ok {
		return enc, pseudoNone
	}
	if enc, err := htmlindex.Get(label); err == nil && enc != encoding.Replacement {
		return enc, pseudoNone
	}
	for _, l := range []string{label, strings.TrimPrefix(label, "x-"), "cs" + label} {
		if enc, err := ianaindex.MIME.Encoding(l); err == nil && enc != nil {
			return enc, pseudoNone
		}
		if enc, err := ianaindex.IANA.Encoding(l); err == nil && enc != nil {
			return enc, pseudoNone
		}
	}
	if strings.HasPrefix(label, "x-") {
		if enc, err := htmlindex.Get(label[2:]); err == nil && enc != encoding.Replacement {
			return enc, pseudoNone
		}
	}
	return nil, pseudoNone
}

// decodeCharset converts b from the declared charset label to UTF-8 (not
// yet sanitized). note is a remark for the reader when the text was read
// otherwise than declared, or "" when all went as declared.
func decodeCharset(b []byte, label string) (text, note string) {
	shown := SanitizeLine(truncateBytes(label, 40))
	enc, p := lookupCharset(label)
	norm := normalizeCharset(label)
	switch {
	case p == pseudoUTF8:
		return string(b), ""
	case p == pseudoGuess:
		s, name := guessDecode(b)
		if name == "" || name == "UTF-8" {
			return s, ""
		}
		return s, "[no charset declared: read as " + name + " (a guess)]"
	case p == pseudoISO2022KR:
		return decodeWith(korean.EUCKR, iso2022KRToEUCKR(b)), ""
	case p == pseudoUTF7:
		return decodeUTF7(b), ""
	case enc == nil:
		if utf8.Valid(b) {
			return string(b), "[unknown charset " + shown + ": shown as is]"
		}
		s, name := guessDecode(b)
		return s, "[unknown charset " + shown + ": read as " + name + " (a guess)]"
	}
	if hasHighBytes(b) && !wideUnicode(norm) {
		// Text in a legacy charset is almost never valid UTF-8 once it has
		// 8-bit bytes, so valid UTF-8 means a wrong label (common in
		// webmail that sends UTF-8 as iso-8859-1 or ks_c_5601-1987).
		if utf8.Valid(b) {
			return string(b), "[declared " + shown + " but the text is UTF-8: read as UTF-8]"
		}
		if norm == "us-ascii" || norm == "ascii" {
			s, name := guessDecode(b)
			return s, "[declared us-ascii but has 8-bit text: read as " + name + " (a guess)]"
		}
	}
	if (norm == "us-ascii" || norm == "ascii") && hasISO2022JPEscape(b) {
		return decodeWith(japanese.ISO2022JP, b), ""
	}
	return decodeWith(enc, b), ""
}

// decodeWith decodes b with enc; invalid sequences become U+FFFD.
func decodeWith(enc encoding.Encoding, b []byte) string {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// hasHighBytes reports whether b has a byte outside 7-bit ASCII.
func hasHighBytes(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// hasISO2022JPEscape reports whether b switches to a JIS X 0208 set.
func hasISO2022JPEscape(b []byte) bool {
	return bytes.Contains(b, []byte("\x1b$B")) || bytes.Contains(b, []byte("\x1b$@"))
}

// iso2022KRToEUCKR turns ISO-2022-KR (RFC 1557) into EUC-KR: after SO, byte
// pairs are KS X 1001 with the high bit cleared; SI returns to ASCII.
func iso2022KRToEUCKR(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\x1b$)C"), nil)
	out := make([]byte, 0, len(b))
	shifted := false
	for _, c := range b {
		switch {
		case c == 0x0e:
			shifted = true
		case c == 0x0f || c == '\n' || c == '\r':
			shifted = false
			if c != 0x0f {
				out = append(out, c)
			}
		case shifted && c > 0x20 && c < 0x7f:
			out = append(out, c|0x80)
		default:
			out = append(out, c)
		}
	}
	return out
}
