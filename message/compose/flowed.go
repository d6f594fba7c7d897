package compose

import (
	"strings"
	"unicode/utf8"
)

// flowedWidth is the length format=flowed lines are wrapped to (RFC 3676
// section 4.2 recommends at most 78 characters).
const flowedWidth = 78

// Flowed encodes plain text as format=flowed (RFC 3676, without DelSp):
// lines longer than 78 characters are broken after a space (a trailing space
// marks the soft break), trailing spaces before a hard break are trimmed,
// the signature separator "-- " is kept, quoted lines ("> ") keep their
// quote markers on every piece, and lines starting with a space, ">" (when
// unquoted) or "From " are space-stuffed. Line ends become LF and the text
// ends with one.
func Flowed(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimSuffix(text, "\n")
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if line == "-- " {
			b.WriteString("-- \n")
			continue
		}
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		prefix, content := line[:depth], line[depth:]
		if depth > 0 {
			content = strings.TrimPrefix(content, " ")
		}
		content = strings.TrimRight(content, " ")
		for _, piece := range wrapFlowed(content, flowedWidth-depth-1) {
			b.WriteString(prefix)
			if depth > 0 || needsStuffing(piece) {
				b.WriteByte(' ')
			}
			b.WriteString(piece)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// needsStuffing reports whether an unquoted flowed line must be
// space-stuffed (RFC 3676 section 4.4).
func needsStuffing(s string) bool {
	return strings.HasPrefix(s, " ") || strings.HasPrefix(s, ">") || strings.HasPrefix(s, "From ")
}

// wrapFlowed splits s after spaces into pieces of at most width characters
// where possible (a longer word stays whole). Every piece but the last ends
// with a space, the soft line break.
func wrapFlowed(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	var pieces []string
	start, n, lastBreak := 0, 0, -1 // lastBreak: byte index after a space
	for i, r := range s {
		if n >= width && lastBreak > start {
			pieces = append(pieces, s[start:lastBreak])
			n = utf8.RuneCountInString(s[lastBreak:i])
			start = lastBreak
		}
		n++
		if r == ' ' && i+1 < len(s) && s[i+1] != ' ' {
			lastBreak = i + 1
		}
	}
	return append(pieces, s[start:])
}
