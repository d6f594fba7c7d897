package message

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlRenderer turns an HTML token stream (golang.org/x/net/html's
// tokenizer) into lines: block elements become paragraphs, lists get bullets
// or numbers, blockquotes raise the quote level, links become "text [n]",
// images "[image: alt]" (never fetched), table cells are joined with " | ",
// and script, style, head and hidden elements are dropped.
type htmlRenderer struct {
	o     *out
	quote int // quote level of the part
	bq    int // blockquote depth

	para         strings.Builder
	visible      bool // para has visible text (not just a bullet)
	spacePending bool
	cellSep      bool
	blankWanted  bool
	// nbsp: the line so far is only no-break spaces, which a browser
	// shows as an empty line (Outlook's and Gmail's blank lines).
	nbsp bool
	// msoP: inside an Outlook <p class=MsoNormal>, which has no margins.
	msoP bool

	pre   int
	lists []htmlList

	skipTag   atom.Atom
	skipName  string
	skipDepth int
	rawText   atom.Atom // inside title, style, script...: text is not content

	href     string
	linkText strings.Builder
	inLink   bool

	tables []htmlTable
}

// htmlTable is an open <table>: where its lines start in o.lines, and
// whether it holds another table (then it is a layout table, not aligned).
type htmlTable struct {
	start  int
	nested bool
}

// maxListIndent bounds the indentation levels of nested lists.
const maxListIndent = 8

type htmlList struct {
	ordered bool
	n       int
}

// htmlLines renders HTML text (already UTF-8) into o.
func htmlLines(o *out, text string, quote int) {
	r := &htmlRenderer{o: o, quote: quote}
	o.lines = slices.Grow(o.lines, len(text)/100)
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			raw := z.Text()
			if r.pre == 0 && len(bytes.TrimLeft(raw, " \t\r\n\f")) == 0 {
				if r.skipDepth == 0 && !r.lineEmpty() {
					r.spacePending = true
				}
				continue
			}
			text := string(raw)
			if r.skipDepth > 0 && r.skipTag == atom.Head && r.rawText == 0 && strings.TrimSpace(text) != "" {
				r.skipDepth = 0 // text ends an unclosed <head>, as in browsers
			}
			if r.skipDepth == 0 {
				r.text(text)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			var attrs tagAttrs
			if hasAttr {
				attrs = readAttrs(z)
			}
			r.start(atom.Lookup(name), string(name), attrs, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			r.end(atom.Lookup(name), string(name))
		}
	}
	r.endLink()
	r.flush()
}

// tagAttrs are the few attributes this renderer uses.
type tagAttrs struct {
	href, alt, style, start, class string
	hidden                         bool
}

// readAttrs reads a tag's attributes.
func readAttrs(z *html.Tokenizer) tagAttrs {
	var a tagAttrs
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "href":
			a.href = string(v)
		case "alt":
			a.alt = string(v)
		case "style":
			a.style = string(v)
		case "start":
			a.start = string(v)
		case "class":
			a.class = string(v)
		case "hidden":
			a.hidden = true
		}
		if !more {
			return a
		}
	}
}

// skipped are elements whose content is never shown.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Head: true, atom.Title: true,
	atom.Template: true, atom.Svg: true, atom.Math: true, atom.Object: true,
	atom.Iframe: true, atom.Frameset: true, atom.Select: true, atom.Audio: true,
	atom.Video: true, atom.Canvas: true, atom.Noembed: true, atom.Embed: true,
}

// inHead are the elements that may appear in <head>; any other start tag
// ends it.
var inHead = map[atom.Atom]bool{
	atom.Head: true, atom.Meta: true, atom.Link: true, atom.Title: true, atom.Style: true,
	atom.Script: true, atom.Base: true, atom.Noscript: true, atom.Template: true,
}

// voidElements have no end tag.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// hidden reports elements styled or marked as not displayed (newsletters
// hide preview text and tracking blocks this way).
func hidden(attrs tagAttrs) bool {
	if attrs.hidden {
		return true
	}
	if attrs.style == "" {
		return false
	}
	style := strings.ToLower(strings.ReplaceAll(attrs.style, " ", ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "mso-hide:all") ||
		strings.Contains(style, "visibility:hidden")
}

func (r *htmlRenderer) start(a atom.Atom, name string, attrs tagAttrs, selfClosing bool) {
	switch a {
	case atom.Title, atom.Style, atom.Script, atom.Template, atom.Noscript, atom.Textarea, atom.Xmp:
		if !selfClosing {
			r.rawText = a
		}
	}
	if r.skipDepth > 0 && r.skipTag == atom.Head && !inHead[a] {
		r.skipDepth = 0 // a body element ends an unclosed <head>, as in browsers
	}
	if r.skipDepth > 0 {
		if a == r.skipTag && (a != 0 || name == r.skipName) && !selfClosing {
			r.skipDepth++
		}
		return
	}
	if (skipped[a] || hidden(attrs)) && !voidElements[a] && !selfClosing {
		r.skipTag, r.skipName, r.skipDepth = a, name, 1
		return
	}
	switch a {
	case atom.Br:
		if r.lineEmpty() {
			r.requestBlank()
		}
		r.flush()
	case atom.P:
		// Outlook writes every line as a <p class=MsoNormal> without
		// margins, and blank lines as paragraphs of a no-break space.
		r.msoP = strings.Contains(strings.ToLower(attrs.class), "msonormal")
		r.block(!r.msoP)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Dl:
		r.block(true)
	case atom.Table:
		r.block(true)
		if n := len(r.tables); n > 0 {
			r.tables[n-1].nested = true
		}
		if len(r.tables) < maxTableDepth {
			r.tables = append(r.tables, htmlTable{start: len(r.o.lines)})
		}
	case atom.Hr:
		r.block(true)
		r.emit("----------", false)
		r.requestBlank()
	case atom.Blockquote:
		r.block(true)
		r.bq++
	case atom.Pre:
		r.block(true)
		r.pre++
	case atom.Ul, atom.Ol:
		r.block(len(r.lists) == 0)
		l := htmlList{ordered: a == atom.Ol}
		if n, err := strconv.Atoi(strings.TrimSpace(attrs.start)); err == nil && n > -1e6 && n < 1e6 {
			l.n = n - 1
		}
		r.lists = append(r.lists, l)
	case atom.Li:
		r.block(false)
		indent := strings.Repeat("  ", min(max(len(r.lists)-1, 0), maxListIndent))
		if n := len(r.lists); n > 0 && r.lists[n-1].ordered {
			r.lists[n-1].n++
			r.para.WriteString(indent + strconv.Itoa(r.lists[n-1].n) + ". ")
		} else {
			r.para.WriteString(indent + "• ")
		}
		r.spacePending = false
	case atom.Div, atom.Tr, atom.Dt, atom.Dd, atom.Section, atom.Article, atom.Header,
		atom.Footer, atom.Nav, atom.Center, atom.Address, atom.Form, atom.Fieldset,
		atom.Figure, atom.Figcaption, atom.Caption, atom.Main, atom.Aside, atom.Details,
		atom.Summary, atom.Tbody, atom.Thead, atom.Tfoot:
		r.block(false)
	case atom.Td, atom.Th:
		r.cellSep = true
	case atom.A:
		r.endLink()
		if href := strings.TrimSpace(attrs.href); href != "" {
			r.href, r.inLink = href, true
			r.linkText.Reset()
		}
	case atom.Img:
		if alt := collapseSpace(SanitizeLine(attrs.alt)); alt != "" {
			r.word("[image: " + alt + "]")
		}
	}
}

func (r *htmlRenderer) end(a atom.Atom, name string) {
	if a == r.rawText {
		r.rawText = 0
	}
	if r.skipDepth > 0 {
		if a == r.skipTag && (a != 0 || name == r.skipName) {
			r.skipDepth--
		}
		return
	}
	switch a {
	case atom.P:
		r.block(!r.msoP)
		r.msoP = false
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Dl:
		r.block(true)
	case atom.Table:
		r.block(true)
		if n := len(r.tables); n > 0 {
			t := r.tables[n-1]
			r.tables = r.tables[:n-1]
			if !t.nested && t.start <= len(r.o.lines) {
				alignTable(r.o.lines[t.start:])
			}
		}
	case atom.Blockquote:
		r.block(true)
		if r.bq > 0 {
			r.bq--
		}
	case atom.Pre:
		r.block(true)
		if r.pre > 0 {
			r.pre--
		}
	case atom.Ul, atom.Ol:
		if len(r.lists) > 0 {
			r.lists = r.lists[:len(r.lists)-1]
		}
		r.block(len(r.lists) == 0)
	case atom.Li, atom.Div, atom.Tr, atom.Dt, atom.Dd, atom.Section, atom.Article,
		atom.Header, atom.Footer, atom.Nav, atom.Center, atom.Address, atom.Form,
		atom.Fieldset, atom.Figure, atom.Figcaption, atom.Caption, atom.Main, atom.Aside,
		atom.Details, atom.Summary:
		r.block(false)
	case atom.A:
		r.endLink()
	}
}

// maxTableDepth bounds the open tables tracked for alignment.
const maxTableDepth = 64

// maxAlignedCell is the widest cell (in columns) of a table whose columns
// are aligned; wider cells mean a layout table, left as it is.
const maxAlignedCell = 30

// alignTable pads the cells of a small data table's rows (cells joined with
// " | ") so that its columns line up:
//
//	Item | Price          Item     | Price
//	Green tea | €3   ->   Green tea | €3
//
// A table with a blank line, rows at different quote levels, fewer than two
// rows of several cells, or a cell wider than maxAlignedCell is left alone.
func alignTable(lines []Line) {
	for len(lines) > 0 && lines[0].Text == "" {
		lines = lines[1:]
	}
	rows := make([][]string, len(lines))
	var widths []int
	multi := 0
	for i, l := range lines {
		if l.Text == "" || l.QuoteLevel != lines[0].QuoteLevel || l.Kind == LineNote {
			return
		}
		rows[i] = strings.Split(l.Text, " | ")
		if len(rows[i]) < 2 {
			continue
		}
		multi++
		for c, cell := range rows[i][:len(rows[i])-1] {
			w := textWidth(cell)
			if w > maxAlignedCell {
				return
			}
			if c == len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], w)
		}
	}
	if multi < 2 {
		return
	}
	for i, cells := range rows {
		if len(cells) < 2 {
			continue
		}
		var b strings.Builder
		for c, cell := range cells {
			b.WriteString(cell)
			if c < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[c]-textWidth(cell)))
				b.WriteString(" | ")
			}
		}
		lines[i].Text, lines[i].Flowed = b.String(), false
	}
}

// endLink closes an open link: its number follows the link text.
func (r *htmlRenderer) endLink() {
	if !r.inLink {
		return
	}
	r.inLink = false
	text := r.linkText.String()
	n := r.o.link(r.href, text)
	if n == 0 || showsURL(text, r.o.links[n-1].URL) {
		return // listed in Links; the text already shows where it goes
	}
	r.o.refs[n] = true
	r.word("[" + strconv.Itoa(n) + "]")
}

// showsURL reports link text that is the URL itself, give or take the
// scheme, "www." or a trailing slash ("bob@example.com" for
// "mailto:bob@example.com", "example.com/a" for "https://example.com/a"):
// such a link needs no [n] reference.
func showsURL(text, url string) bool {
	trim := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		for _, p := range []string{"mailto:", "https://", "http://", "ftp://", "www."} {
			s = strings.TrimPrefix(s, p)
		}
		return strings.TrimRight(s, "/")
	}
	t := trim(text)
	return t != "" && t == trim(url)
}

// word writes a token that is not subject to whitespace collapsing, with a
// space before it when the line has text.
func (r *htmlRenderer) word(s string) {
	if !r.lineEmpty() {
		r.spacePending = true
	}
	r.writeVisible(s)
}

// text writes character data.
func (r *htmlRenderer) text(s string) {
	if r.pre > 0 {
		for {
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				r.writeVisible(s)
				return
			}
			r.writeVisible(s[:i])
			r.emitLine(false)
			s = s[i+1:]
		}
	}
	start := -1
	for i, c := range s {
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == 0xa0 {
			if c == 0xa0 && r.lineEmpty() {
				r.nbsp = true
			}
			if start >= 0 {
				r.writeVisible(s[start:i])
				start = -1
			}
			if !r.lineEmpty() {
				r.spacePending = true
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		r.writeVisible(s[start:])
	}
}

// writeVisible appends text that contains no collapsible space.
func (r *htmlRenderer) writeVisible(s string) {
	if s == "" {
		return
	}
	if r.cellSep && !r.lineEmpty() {
		r.para.WriteString(" | ")
		r.spacePending = false
	} else if r.spacePending {
		r.para.WriteByte(' ')
	}
	r.cellSep, r.spacePending = false, false
	r.para.WriteString(s)
	if !r.visible && strings.IndexFunc(s, isVisible) >= 0 {
		r.visible = true
	}
	if r.inLink {
		r.linkText.WriteString(s)
		r.linkText.WriteByte(' ')
	}
}

// lineEmpty reports whether the current line has no visible text yet.
func (r *htmlRenderer) lineEmpty() bool { return !r.visible }

// block ends the current line at a block boundary; blank asks for an empty
// line between this block and the next text.
func (r *htmlRenderer) block(blank bool) {
	r.flush()
	if blank {
		r.requestBlank()
	}
}

func (r *htmlRenderer) requestBlank() { r.blankWanted = true }

// flush emits the current line when it has text.
func (r *htmlRenderer) flush() {
	if r.lineEmpty() {
		if r.nbsp {
			r.requestBlank()
		}
		r.para.Reset()
		r.spacePending, r.cellSep, r.nbsp = false, false, false
		return
	}

	r.emitLine(r.pre == 0)
}

// emitLine emits the current line (even when empty, inside <pre>).
func (r *htmlRenderer) emitLine(flowed bool) {
	text := r.para.String()
	r.para.Reset()
	r.spacePending, r.cellSep, r.visible, r.nbsp = false, false, false, false
	r.emit(text, flowed)
}

// emit adds a line, preceded by a blank one when a block asked for it.
func (r *htmlRenderer) emit(text string, flowed bool) {
	level := r.quote + r.bq
	if r.blankWanted {
		r.o.blank(level)
		r.blankWanted = false
	}
	kind := LineText
	if level > 0 {
		kind = LineQuote
	}
	text = Sanitize(text)
	if strings.IndexByte(text, '\t') >= 0 {
		text = expandTabs(text)
	}
	if flowed {
		text = strings.TrimRight(text, " ")
	}
	r.o.add(Line{Text: text, Kind: kind, QuoteLevel: level, Flowed: flowed})
}

// sniffHTMLCharset finds a <meta charset> or http-equiv Content-Type
// charset near the start of an HTML part that declared none in MIME.
func sniffHTMLCharset(data []byte) string {
	if len(data) > 4096 {
		data = data[:4096]
	}
	z := html.NewTokenizer(bytes.NewReader(data))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return ""
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, more := z.TagName()
		if string(name) != "meta" || !more {
			continue
		}
		for {
			k, v, more := z.TagAttr()
			switch string(k) {
			case "charset":
				return string(v)
			case "content":
				if _, cs, ok := strings.Cut(strings.ToLower(string(v)), "charset="); ok {
					return strings.Trim(cs, ` "';`)
				}
			}
			if !more {
				break
			}
		}
	}
}
