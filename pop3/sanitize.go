package pop3

import (
	"strings"
	"unicode"
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

// minAnywhere is the length in bytes from which a secret is redacted
// wherever it appears. A shorter one is redacted only where it stands as a
// word of its own: a password such as "pass" must not turn the server's
// "wrong password" into "wrong [redacted]word", and a short secret inside a
// longer word says nothing about the secret.
const minAnywhere = 8

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
		text = redactOne(text, v)
	}
	return text
}

// redactOne replaces v in text: everywhere when v is at least minAnywhere
// bytes long, else only where it stands as a word of its own. A match must
// begin and end on character boundaries, so that no character is cut in two
// (a secret that is not valid UTF-8 could otherwise split one).
func redactOne(text, v string) string {
	var b strings.Builder
	done := 0 // text[:done] is written to b
	for from := 0; ; {
		i := strings.Index(text[from:], v)
		if i < 0 {
			break
		}
		i += from
		j := i + len(v)
		if !onBoundaries(text, i, j) || len(v) < minAnywhere && !standsAlone(text, i, j) {
			from = i + 1
			continue
		}
		b.WriteString(text[done:i])
		b.WriteString(redacted)
		done, from = j, j
	}
	if done == 0 {
		return text
	}
	b.WriteString(text[done:])
	return b.String()
}

// onBoundaries reports whether text[i:j] neither starts nor ends inside a
// UTF-8 sequence.
func onBoundaries(text string, i, j int) bool {
	return utf8.RuneStart(text[i]) && (j == len(text) || utf8.RuneStart(text[j]))
}

// standsAlone reports whether text[i:j] is not glued to a letter or digit:
// an edge of the match that is itself a letter or digit must not have one
// next to it (the \b of regular expressions).
func standsAlone(text string, i, j int) bool {
	first, _ := utf8.DecodeRuneInString(text[i:j])
	last, _ := utf8.DecodeLastRuneInString(text[i:j])
	if before, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && isWord(first) && isWord(before) {
		return false
	}
	if after, _ := utf8.DecodeRuneInString(text[j:]); j < len(text) && isWord(last) && isWord(after) {
		return false
	}
	return true
}

// isWord reports a letter or digit.
func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// clean redacts and sanitizes server text.
func (s *secrets) clean(text string) string {
	return s.quote(text, maxTextRunes)
}

// quote redacts server text and sanitizes it to at most max runes. It
// redacts before cutting, so that a cut can never leave part of a secret,
// and again after, since dropping control characters may join one.
func (s *secrets) quote(text string, max int) string {
	return s.redact(sanitize(s.redact(text), max))
}
