package message

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// normalizeText prepares decoded text for line splitting: no BOM, LF line
// ends, sanitized, tabs expanded.
func normalizeText(text string) string {
	text = strings.TrimPrefix(text, "\uFEFF")
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	text = Sanitize(text)
	if strings.IndexByte(text, '\t') >= 0 {
		text = expandTabs(text)
	}
	return text
}

// expandTabs replaces tabs with spaces to the next multiple of 8 columns
// (counting runes), so that widths are predictable.
func expandTabs(text string) string {
	var b strings.Builder
	b.Grow(len(text) + 64)
	col := 0
	for _, r := range text {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString("        "[:n])
			col += n
		case '\n':
			b.WriteByte('\n')
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}

// quoteDepth counts the leading ">" markers of a line (">>", "> >") and
// returns the depth and the text after them and one following space.
func quoteDepth(line string) (int, string) {
	depth, i, last := 0, 0, 0
	for i < len(line) {
		switch line[i] {
		case '>':
			depth++
			i++
			last = i
			continue
		case ' ':
			if depth > 0 && i+1 < len(line) && line[i+1] == '>' {
				i++
				continue
			}
		}
		break
	}
	rest := line[last:]
	if depth > 0 {
		rest = strings.TrimPrefix(rest, " ")
	}
	return depth, rest
}

// plainLines renders a text/plain part: quote levels from ">" markers, the
// "-- " signature separator, format=flowed paragraphs (RFC 3676) and the
// URLs in the text.
func plainLines(o *out, text string, quote int, flowed, delsp bool) {
	text = strings.TrimRight(normalizeText(text), "\n")
	if text == "" {
		return
	}
	o.lines = slices.Grow(o.lines, strings.Count(text, "\n")+1)
	inSig := false
	var para strings.Builder
	paraDepth, inPara := 0, false
	flush := func() {
		if inPara {
			emitPlain(o, para.String(), quote, paraDepth, inSig, true)
			para.Reset()
			inPara = false
		}
	}
	for _, line := range strings.Split(text, "\n") {
		depth, rest := quoteDepth(line)
		if depth == 0 && line == "-- " {
			flush()
			inSig = true
			emitPlain(o, line, quote, 0, true, false)
			continue
		}
		if !flowed {
			emitPlain(o, rest, quote, depth, inSig, false)
			continue
		}
		// RFC 3676 4.4: space-stuffing, then a trailing space marks a
		// flowed line (removed with DelSp=yes); "-- " is never flowed.
		if depth == 0 {
			rest = strings.TrimPrefix(line, " ")
		}
		if inPara && depth != paraDepth {
			flush()
		}
		soft := strings.HasSuffix(rest, " ") && rest != "-- "
		if soft && delsp {
			rest = rest[:len(rest)-1]
		}
		if !inPara {
			paraDepth, inPara = depth, true
		}
		para.WriteString(rest)
		if !soft {
			flush()
		}
	}
	flush()
}

// emitPlain adds one plain-text line and collects its URLs.
func emitPlain(o *out, text string, quote, depth int, sig, flowed bool) {
	kind := LineText
	switch {
	case sig && depth == 0:
		kind = LineSignature
	case depth+quote > 0:
		kind = LineQuote
	}
	if flowed {
		text = strings.TrimRight(text, " ")
	}
	o.add(Line{Text: text, Kind: kind, QuoteLevel: quote + depth, Flowed: flowed})
	collectURLs(o, text)
}

// urlStarts are the prefixes collectURLs looks for.
var urlStarts = [...]string{"https://", "http://", "ftp://", "mailto:", "www."}

// collectURLs adds the URLs found in plain text to the link list.
func collectURLs(o *out, text string) {
	if !strings.Contains(text, ":") && !strings.Contains(text, "ww.") && !strings.Contains(text, "WW.") {
		return
	}
	lower := asciiLower(text)
	var next [len(urlStarts)]int // next index of each prefix at or after i
	for k, p := range urlStarts {
		next[k] = strings.Index(lower, p)
	}
	for i := 0; i < len(text); {
		start, prefix := -1, ""
		for k, p := range urlStarts {
			if next[k] >= 0 && next[k] < i {
				if j := strings.Index(lower[i:], p); j >= 0 {
					next[k] = i + j
				} else {
					next[k] = -1
				}
			}
			if next[k] >= 0 && (start < 0 || next[k] < start) {
				start, prefix = next[k], p
			}
		}
		if start < 0 {
			return
		}
		if start > 0 && isWordByte(text[start-1]) && prefix != "www." && prefix != "mailto:" {
			// e.g. "xhttp://": not a URL start
			i = start + len(prefix)
			continue
		}
		end := start
		for end < len(text) && !urlStop(text[end]) {
			_, n := utf8.DecodeRuneInString(text[end:])
			end += n
		}
		u := trimURL(text[start:end])
		if len(u) > len(prefix) {
			if prefix == "www." {
				o.link("http://"+u, "")
			} else {
				o.link(u, "")
			}
		}
		i = max(end, start+len(prefix))
	}
}

// asciiLower lower-cases ASCII letters only, so byte offsets stay valid.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// urlStop reports bytes that end a URL in text.
func urlStop(c byte) bool {
	return c <= ' ' || c == '<' || c == '>' || c == '"' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^'
}

// trimURL drops trailing punctuation that belongs to the sentence, keeping
// a closing parenthesis that balances one in the URL.
func trimURL(u string) string {
	if len(u) > maxURLBytes {
		return "" // never collected; do not spend time on it
	}
	parens := strings.Count(u, ")") - strings.Count(u, "(")
	brackets := strings.Count(u, "]") - strings.Count(u, "[")
	for len(u) > 0 {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'*", c) >= 0:
		case c == ')' && parens > 0:
			parens--
		case c == ']' && brackets > 0:
			brackets--
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}
