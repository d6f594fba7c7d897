package message

import (
	"net/url"
	"strings"
	"unicode"
)

// maxLinks bounds the links collected from one message.
const maxLinks = 2000

// maxURLBytes bounds one link's URL; longer ones are not collected.
const maxURLBytes = 8 << 10

// maxLinkText bounds a link's text as stored in Link.Text.
const maxLinkText = 200

// out collects the rendered lines and links of one rendering scope (the
// message, or one alternative of a multipart/alternative).
type out struct {
	lines     []Line
	links     []Link
	linkIndex map[string]int
	// refs holds the numbers of links shown as [n] (listed in the footer).
	refs map[int]bool
	// sawPlain and sawHTML record which kinds of text parts were rendered.
	sawPlain, sawHTML bool
}

func newOut() *out { return &out{linkIndex: map[string]int{}, refs: map[int]bool{}} }

// fork starts a scope whose link numbers continue this one's.
func (o *out) fork() *out {
	c := &out{
		links:     append([]Link(nil), o.links...),
		linkIndex: make(map[string]int, len(o.linkIndex)),
		refs:      make(map[int]bool, len(o.refs)),
	}
	for k, v := range o.linkIndex {
		c.linkIndex[k] = v
	}
	for k, v := range o.refs {
		c.refs[k] = v
	}
	return c
}

// adopt takes the lines and links of a chosen child scope.
func (o *out) adopt(c *out) {
	o.lines = append(o.lines, c.lines...)
	o.links, o.linkIndex, o.refs = c.links, c.linkIndex, c.refs
	o.sawPlain = o.sawPlain || c.sawPlain
	o.sawHTML = o.sawHTML || c.sawHTML
}

// maxQuoteLevel bounds Line.QuoteLevel: deeper quotes are shown at it.
const maxQuoteLevel = 32

// add appends a line (its text must already be sanitized).
func (o *out) add(l Line) {
	l.QuoteLevel = min(l.QuoteLevel, maxQuoteLevel)
	o.lines = append(o.lines, l)
}

// note appends one of popterm's own remarks.
func (o *out) note(text string, quote int) {
	o.add(Line{Text: text, Kind: LineNote, QuoteLevel: quote})
}

// blank appends an empty line unless the last line is already empty. It
// takes the lower quote level of the lines around it.
func (o *out) blank(quote int) {
	n := len(o.lines)
	if n == 0 || o.lines[n-1].Text == "" {
		return
	}
	quote = min(quote, o.lines[n-1].QuoteLevel)
	kind := LineText
	if quote > 0 {
		kind = LineQuote
	}
	o.add(Line{Kind: kind, QuoteLevel: quote})
}

// link records a URL and returns its number (the same URL keeps its first
// number), or 0 when the URL is not one a reader should open: only http,
// https, ftp and mailto links are collected, so javascript:, data: and
// file: links never reach the link list.
func (o *out) link(raw, text string) int {
	if n, ok := o.linkIndex[raw]; ok {
		return n
	}
	u := cleanURL(raw)
	if u == "" {
		return 0
	}
	if n, ok := o.linkIndex[u]; ok {
		return n
	}
	if len(o.links) >= maxLinks {
		return 0
	}
	n := len(o.links) + 1
	o.links = append(o.links, Link{Number: n, URL: u, Text: truncateBytes(collapseSpace(SanitizeLine(text)), maxLinkText)})
	o.linkIndex[u] = n
	return n
}

// cleanURL sanitizes a URL and returns it when its scheme is allowed.
func cleanURL(raw string) string {
	raw = strings.TrimSpace(SanitizeLine(raw))
	if raw == "" || len(raw) > maxURLBytes || strings.ContainsAny(raw, " \t") {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp":
		if u.Host == "" {
			return ""
		}
		return raw
	case "mailto":
		return raw
	}
	return ""
}

// hasVisibleText reports whether any text line has something besides space.
func hasVisibleText(lines []Line) bool {
	for _, l := range lines {
		if l.Kind == LineNote || l.Kind == LineLinkRef {
			continue
		}
		if strings.IndexFunc(l.Text, isVisible) >= 0 {
			return true
		}
	}
	return false
}

// isVisible reports runes that show something: not space and not the
// zero-width characters newsletters pad their preview text with.
func isVisible(r rune) bool {
	switch r {
	case 0x200b, 0x200c, 0x200d, 0x034f, 0x00ad, 0xfeff, 0x2060:
		return false
	}
	return !unicode.IsSpace(r)
}
