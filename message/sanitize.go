package message

import (
	"strings"
	"unicode/utf8"
)

// Sanitize removes terminal control sequences, C0/C1 controls (but newline and
// tab) and bidi overrides from s.
//
// In detail:
//   - ESC sequences are removed whole: CSI (ESC [ ... final), OSC (ESC ], which
//     covers OSC 52 clipboard writes and OSC 8 hyperlinks), DCS, SOS, PM and
//     APC strings up to their terminator (BEL or ST), and two-byte escapes. A
//     string sequence without a terminator ends at the next newline, so a
//     hostile message cannot hide the rest of a body.
//   - The 8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS,
//     U+009E PM, U+009F APC) are treated like their ESC forms; every other C1
//     control (U+0080-U+009F) is removed.
//   - Other C0 controls except newline and tab, and DEL, are removed.
//   - Bidi embedding, override and isolate controls (U+202A-U+202E,
//     U+2066-U+2069) are removed: they can make text display in an order
//     other than the one it is stored in ("Trojan Source"). The plain marks
//     U+200E, U+200F and U+061C are kept: they only set the direction of
//     neutral characters around them, and Hebrew and Arabic text needs them.
//   - U+2028 and U+2029 (line and paragraph separators) become spaces.
//   - Invalid UTF-8 becomes U+FFFD.
func Sanitize(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	sanitizeTo(&b, s)
	return b.String()
}

// SanitizeLine is Sanitize for text shown on one line, such as header fields,
// file names and error messages: newlines and tabs become spaces too.
func SanitizeLine(s string) string {
	s = Sanitize(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' {
				return ' '
			}
			return r
		}, s)
	}
	return s
}

// isClean reports whether s needs no change: printable ASCII, newline, tab,
// and valid UTF-8 runes that are not removed.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || removedRune(r) {
			return false
		}
		i += n
	}
	return true
}

// removedRune reports non-ASCII runes that never reach the terminal.
func removedRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi
		return true
	case r == 0x2028 || r == 0x2029:
		return true
	}
	return false
}

// Sequence introducers, as 7-bit final bytes after ESC and as C1 runes.
const (
	esc = 0x1b
	bel = 0x07
)

// sanitizeTo writes the sanitized form of s to b.
func sanitizeTo(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c == esc {
			i = skipEscape(s, i+1)
			continue
		}
		if c < utf8.RuneSelf {
			if (c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t' {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x9b: // CSI
			i = skipCSI(s, i)
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // OSC, DCS, SOS, PM, APC
			i = skipString(s, i)
		case r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case removedRune(r):
		default:
			b.WriteString(s[i-n : i])
		}
	}
}

// skipEscape skips an escape sequence whose ESC was just before s[i] and
// returns the index after it.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	case esc:
		return i // a new sequence starts here
	}
	// nF escapes: intermediates 0x20-0x2F then one final byte 0x30-0x7E.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips the parameter, intermediate and final bytes of a control
// sequence. A byte that cannot be part of one ends it (and is kept).
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips a control string (OSC, DCS, SOS, PM, APC) up to and
// including its terminator: BEL, ESC \ or U+009C. It also stops before a
// newline or another ESC so that an unterminated string hides little.
func skipString(s string, i int) int {
	for i < len(s) {
		switch c := s[i]; {
		case c == bel:
			return i + 1
		case c == '\n':
			return i
		case c == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // U+009C ST
			return i + 2
		}
		i++
	}
	return i
}
