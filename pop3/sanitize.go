package pop3

import (
	"strings"
	"unicode/utf8"
)

// maxTextRunes bounds server text kept in errors, the greeting and the
// capability set.
const maxTextRunes = 512

// sanitize makes server text safe for a terminal and a log line: invalid
// UTF-8 becomes U+FFFD, tabs become spaces, C0/C1 controls (ESC included),
// DEL and bidirectional overrides are dropped, and the text is cut to max
// runes.
func sanitize(s string, max int) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			r = utf8.RuneError
		case r == '\t':
			r = ' '
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			continue
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			continue
		}
		if n == max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

// redacted replaces a secret in text.
const redacted = "[redacted]"

// secrets holds what the client sent that must never show up in an error
// or a trace: passwords, tokens and SASL payloads.
type secrets struct{ list []string }

// add remembers s (when not empty).
func (s *secrets) add(v string) {
	if v == "" {
		return
	}
	for _, old := range s.list {
		if old == v {
			return
		}
	}
	s.list = append(s.list, v)
}

// redact replaces every remembered secret in text, longest first so that a
// payload is removed whole before its parts.
func (s *secrets) redact(text string) string {
	if len(s.list) == 0 {
		return text
	}
	order := append([]string(nil), s.list...)
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && len(order[j]) > len(order[j-1]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for _, v := range order {
		text = strings.ReplaceAll(text, v, redacted)
	}
	return text
}

// clean redacts and sanitizes server text.
func (s *secrets) clean(text string) string {
	return s.redact(sanitize(s.redact(text), maxTextRunes))
}
