package ui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// LocaleIsUTF8 reports whether the terminal's locale takes UTF-8: the first
// of LC_ALL, LC_CTYPE and LANG that is set decides, and a locale that does
// not name UTF-8 ("C", "POSIX", "en_US.ISO-8859-1") means ASCII only. With
// none set, UTF-8 is assumed (most terminals today, and a stripped
// environment such as a service or a container often sets nothing).
func LocaleIsUTF8(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return true
}

// asciiGlyph is the ASCII stand-in of each glyph popterm itself draws,
// one cell for one cell so that columns stay aligned.
func asciiGlyph(r rune) (rune, bool) {
	switch r {
	case '─', '━', '—', '–':
		return '-', true
	case '█', '▓':
		return '#', true
	case '░', '▒':
		return '.', true
	case '·', '│':
		return '|', true
	case '•':
		return '*', true
	case '…':
		return '~', true
	case '↳', '›', '→':
		return '>', true
	case '‹', '←':
		return '<', true
	case '↑':
		return '^', true
	case '↓':
		return 'v', true
	case '“', '”', '„':
		return '"', true
	case '‘', '’':
		return '\'', true
	case '✓':
		return '+', true
	case '✗':
		return 'x', true
	}
	if r >= 0x2800 && r <= 0x28ff { // braille: the spinner
		return '*', true
	}
	return 0, false
}

// ToASCII makes a rendered frame printable on a terminal that takes ASCII
// only (LANG=C): popterm's own glyphs become their ASCII stand-ins, and any
// other non-ASCII character (from mail) becomes "?" repeated over the cells
// it took, so columns stay aligned. Escape sequences (styles) are kept.
func ToASCII(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		default:
			if a, ok := asciiGlyph(r); ok {
				b.WriteRune(a)
			} else {
				b.WriteString(strings.Repeat("?", ansi.StringWidth(string(r))))
			}
		}
	}
	return b.String()
}

// isASCII reports whether s has only 7-bit bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
