package message

import (
	"encoding/base64"
	"strings"
)

// maxEncodedWord bounds the length of one RFC 2047 encoded word this package
// accepts (RFC 2047 says 75; real mail is sloppier).
const maxEncodedWord = 4096

// segment is a run of decoded header text: literal text, or the raw bytes of
// one or more adjacent encoded words in one charset.
type segment struct {
	literal string
	charset string
	data    []byte
	encoded bool
}

// decodeWords decodes RFC 2047 encoded words in s (already UTF-8). It is
// lenient the way mail readers are: adjacent words in the same charset are
// joined before charset conversion (a multibyte character split across two
// words survives), whitespace between encoded words is dropped, words glued
// to other text are decoded, base64 without padding is accepted, and a word
// that cannot be decoded is left as it is.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	var segs []segment
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			segs = append(segs, segment{literal: s})
			break
		}
		charset, data, n, ok := parseEncodedWord(s[i:])
		if !ok {
			segs = append(segs, segment{literal: s[:i+2]})
			s = s[i+2:]
			continue
		}
		lit := s[:i]
		if lit != "" {
			if len(segs) > 0 && segs[len(segs)-1].encoded && strings.TrimLeft(lit, " \t\r\n") == "" {
				lit = "" // RFC 2047 6.2: whitespace between encoded words is dropped
			} else {
				segs = append(segs, segment{literal: lit})
			}
		}
		if last := len(segs) - 1; lit == "" && last >= 0 && segs[last].encoded &&
			strings.EqualFold(segs[last].charset, charset) {
			segs[last].data = append(segs[last].data, data...)
		} else {
			segs = append(segs, segment{charset: charset, data: data, encoded: true})
		}
		s = s[i+n:]
	}
	var b strings.Builder
	for _, sg := range segs {
		if !sg.encoded {
			b.WriteString(sg.literal)
			continue
		}
		text, _ := decodeCharset(sg.data, sg.charset)
		b.WriteString(text)
	}
	return b.String()
}

// parseEncodedWord parses "=?charset?enc?text?=" at the start of s and
// returns the charset, the decoded bytes and the length consumed.
func parseEncodedWord(s string) (charset string, data []byte, n int, ok bool) {
	rest := s[2:]
	q1 := strings.IndexByte(rest[:min(len(rest), 66)], '?')
	if q1 <= 0 || q1 > 64 || len(rest) < q1+3 || rest[q1+2] != '?' {
		return "", nil, 0, false
	}
	charset = rest[:q1]
	if strings.ContainsAny(charset, " \t\r\n=") {
		return "", nil, 0, false
	}
	enc := rest[q1+1]
	body := rest[q1+3:]
	end := strings.Index(body[:min(len(body), maxEncodedWord+2)], "?=")
	if end < 0 {
		return "", nil, 0, false
	}
	text := body[:end]
	switch enc {
	case 'B', 'b':
		data, ok = decodeBWord(text)
	case 'Q', 'q':
		data, ok = decodeQWord(text), true
	}
	if !ok {
		return "", nil, 0, false
	}
	return charset, data, 2 + q1 + 3 + end + 2, true
}

// decodeBWord decodes the base64 text of a "B" word, tolerating whitespace
// and missing padding.
func decodeBWord(text string) ([]byte, bool) {
	text = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, text)
	text = strings.TrimRight(text, "=")
	data, err := base64.RawStdEncoding.DecodeString(text)
	if err != nil {
		return nil, false
	}
	return data, true
}

// decodeQWord decodes the text of a "Q" word: "_" is a space, "=XX" a byte;
// a broken escape is kept as it is.
func decodeQWord(text string) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			out = append(out, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
