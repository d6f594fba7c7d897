package message

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// minWrapWidth is the narrowest text column Wrap lays out; quote prefixes
// are shortened to leave at least this much room.
const minWrapWidth = 10

// Wrap lays the body out for a width, reflowing flowed lines.
//
// Every line is broken on spaces to fit width display columns (measured
// with charmbracelet/x/ansi, so wide CJK characters count as two); a word
// longer than the width is broken hard. Quoted lines start with "> " per
// quote level, repeated on each wrapped line. Non-flowed lines that fit are
// kept as they are (spaces included). A width below 1 means no limit.
func (m *Message) Wrap(width int) []Line {
	out := make([]Line, 0, len(m.Body)+len(m.Body)/4)
	for _, l := range m.Body {
		prefix := quotePrefix(l.QuoteLevel, width)
		if l.Text == "" {
			out = append(out, Line{Text: strings.TrimRight(prefix, " "), Kind: l.Kind, QuoteLevel: l.QuoteLevel, Flowed: l.Flowed})
			continue
		}
		avail := width - textWidth(prefix)
		if width < 1 || textWidth(l.Text) <= avail {
			out = append(out, Line{Text: prefix + l.Text, Kind: l.Kind, QuoteLevel: l.QuoteLevel, Flowed: l.Flowed})
			continue
		}
		for _, seg := range wrapText(l.Text, max(avail, 1)) {
			out = append(out, Line{Text: prefix + seg, Kind: l.Kind, QuoteLevel: l.QuoteLevel, Flowed: l.Flowed})
		}
	}
	return out
}

// quotePrefix is "> " per level, shortened to ">>> " or ">[n] " when it
// would leave less than minWrapWidth columns.
func quotePrefix(level, width int) string {
	if level <= 0 {
		return ""
	}
	spaced := strings.Repeat("> ", level)
	if width < 1 || width-len(spaced) >= minWrapWidth {
		return spaced
	}
	compact := strings.Repeat(">", level) + " "
	numbered := ">[" + itoa(level) + "] "
	if len(numbered) < len(compact) {
		return numbered
	}
	return compact
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// textWidth is the display width of sanitized text.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// wrapText breaks text into pieces of at most avail columns, on spaces
// where possible.
func wrapText(text string, avail int) []string {
	var lines []string
	var cur strings.Builder
	curW, has := 0, false
	for _, word := range strings.Split(text, " ") {
		ww := textWidth(word)
		if has && curW+1+ww <= avail {
			cur.WriteByte(' ')
			cur.WriteString(word)
			curW += 1 + ww
			continue
		}
		if has {
			if word == "" {
				continue // spaces at a break are dropped
			}
			lines = append(lines, strings.TrimRight(cur.String(), " "))
			cur.Reset()
		}
		for ww > avail {
			head := ansi.Truncate(word, avail, "")
			if head == "" { // one grapheme wider than the column
				_, n := utf8.DecodeRuneInString(word)
				head = word[:n]
			}
			lines = append(lines, head)
			word = word[len(head):]
			ww = textWidth(word)
		}
		cur.WriteString(word)
		curW, has = ww, true
	}
	if has && (cur.Len() > 0 || len(lines) == 0) {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
	}
	return lines
}

// Text returns the body as plain text for full-text search: the text,
// quoted, signature and attached-message header lines, without popterm's
// notes and the link footer, bounded to 1 MiB.
func (m *Message) Text() string {
	var b strings.Builder
	for _, l := range m.Body {
		if l.Kind == LineNote || l.Kind == LineLinkRef {
			continue
		}
		if b.Len()+len(l.Text)+1 > maxSearchText {
			b.WriteString(truncateBytes(l.Text, maxSearchText-b.Len()))
			break
		}
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}
