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
		// A sanitized rune never takes more columns than it has bytes, so
		// a line with few bytes fits without measuring.
		if width < 1 || len(l.Text) <= avail || textWidth(l.Text) <= avail {
			out = append(out, Line{Text: prefix + l.Text, Kind: l.Kind, QuoteLevel: l.QuoteLevel, Flowed: l.Flowed})
			continue
		}
		avail = max(avail, 1)
		hang := hangingIndent(l.Text, avail)
		for i, seg := range wrapText(l.Text, avail, hang) {
			if i > 0 {
				seg = strings.Repeat(" ", hang) + seg
			}
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

// textWidth is the display width of sanitized text: counted directly when
// every rune is in a range whose width is fixed (ASCII, Latin, Greek,
// Cyrillic, common punctuation, kana, Hangul syllables, CJK ideographs),
// else measured with ansi.StringWidth (grapheme clusters, emoji).
func textWidth(s string) int {
	w := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			w++
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		rw := runeWidth(r)
		if rw < 0 {
			return ansi.StringWidth(s)
		}
		w += rw
		i += n
	}
	return w
}

// runeWidth is the width of runes in simple ranges, or -1.
func runeWidth(r rune) int {
	switch {
	case r >= 0xa0 && r <= 0x2ff && r != 0xad,
		r >= 0x370 && r <= 0x3ff, r >= 0x400 && r <= 0x482, r >= 0x48a && r <= 0x4ff,
		r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e, r >= 0x20a0 && r <= 0x20c0,
		r >= 0x2190 && r <= 0x21ff, r >= 0xff61 && r <= 0xff9f:
		return 1
	case r >= 0x3001 && r <= 0x3029, r >= 0x302e && r <= 0x303e, r >= 0x3041 && r <= 0x3096, r >= 0x30a1 && r <= 0x30fa,
		r >= 0x4e00 && r <= 0x9fff, r >= 0xac00 && r <= 0xd7a3, r >= 0xff01 && r <= 0xff60:
		return 2
	}
	return -1
}

// hangingIndent is how far the wrapped lines of an indented line or a list
// item ("  * item", "1. item", "• item") are indented so that they line up
// with its text: the leading spaces plus the list marker. It is 0 when that
// would take more than half of avail.
func hangingIndent(text string, avail int) int {
	rest := strings.TrimLeft(text, " ")
	n := len(text) - len(rest)
	if marker, _, ok := strings.Cut(rest, " "); ok && isListMarker(marker) {
		n += textWidth(marker) + 1
	}
	if n > avail/2 {
		return 0
	}
	return n
}

// isListMarker reports a bullet ("*", "-", "+", "•", "◦", "▪", "–") or a
// number of up to three digits followed by "." or ")".
func isListMarker(s string) bool {
	switch s {
	case "*", "-", "+", "•", "◦", "▪", "–":
		return true
	}
	digits := strings.TrimRight(s, ".)")
	if len(s)-len(digits) != 1 || len(digits) == 0 || len(digits) > 3 {
		return false
	}
	return strings.Trim(digits, "0123456789") == ""
}

// wrapText breaks text into pieces of at most avail columns, on spaces
// where possible. The pieces after the first get hang columns less (the
// caller indents them).
func wrapText(text string, avail, hang int) []string {
	var lines []string
	var cur strings.Builder
	curW, has := 0, false
	limit, rest := avail, max(avail-hang, 1)
	for _, word := range strings.Split(text, " ") {
		ww := textWidth(word)
		if has && curW+1+ww <= limit {
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
			limit = rest
		}
		if ww > limit {
			lines, word, ww = breakWord(lines, word, rest)
			limit = rest
		}
		cur.WriteString(word)
		curW, has = ww, true
	}
	if has && (cur.Len() > 0 || len(lines) == 0) {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
	}
	return lines
}

// breakWord cuts a word wider than avail into pieces of avail columns
// (whole grapheme clusters; one wider than avail gets a line of its own),
// appends all but the last to lines, and returns the last and its width.
func breakWord(lines []string, word string, avail int) ([]string, string, int) {
	start, w := 0, 0
	for i := 0; i < len(word); {
		n, cw := 1, 1
		if word[i] >= utf8.RuneSelf {
			cluster, width := ansi.FirstGraphemeCluster(word[i:], ansi.GraphemeWidth)
			n, cw = max(len(cluster), 1), width
		}
		if w+cw > avail && i > start {
			lines = append(lines, word[start:i])
			start, w = i, 0
		}
		w += cw
		i += n
	}
	return lines, word[start:], w
}

// Text returns the body as plain text for full-text search: the text,
// quoted, signature and attached-message header lines, without popterm's
// notes and the link footer, bounded to 1 MiB.
func (m *Message) Text() string { return searchText(m.Body) }

// searchText joins the text of lines for search: notes and the link list
// are left out, and the result is bounded by maxSearchText.
func searchText(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
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
