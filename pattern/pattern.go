// Package pattern parses and matches the reader's limit patterns, a small
// mutt-style language:
//
//	~f TEXT   sender              ~N  new (unread)
//	~t TEXT   recipients (To, Cc) ~F  flagged
//	~s TEXT   subject             ~D  marked for deletion
//	~b TEXT   full text (body, through the store's search)
//	~d <7d    newer than 7 days (d, w, m = 30 days, y = 365 days)
//	~d >30d   older than 30 days
//	~d 2026-01-01..2026-02-01   between two days, both included
//	          (also DAY, DAY.., ..DAY, <DAY before it, >DAY after it)
//	~z >1M    larger than 1 MiB (also <10K, 1K..5M, B, K, M, G)
//	~A        has attachments     ~T  tagged
//	WORD      the store's search (subject, addresses, body)
//
// Patterns are joined by a space (and), | (or) and ! (not), and grouped with
// parentheses; TEXT may be quoted ("two words"). Text matches
// case-insensitively as a substring. A bad pattern is an *Error naming the
// column of the bad part. Filter matches index rows (mailapi.Summary),
// asking the engine's List for the searches.
package pattern

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Fields is what a pattern looks at in one message.
type Fields struct {
	From    string    // the sender as shown, with address
	To      []string  // every recipient (To and Cc)
	Subject string    //
	Date    time.Time // the message's date, else when it was stored
	Size    int64     // bytes

	New, Flagged, Deleted, Attachments, Tagged bool
}

// Pattern is a parsed pattern.
type Pattern struct {
	src  string
	root *node
}

// Error is a pattern that does not parse: Column (1-based, in characters)
// and the bad part, Token, point at where it went wrong.
type Error struct {
	Column int
	Token  string
	Msg    string
}

// Error reads like "~x at column 5: unknown pattern ~x (see ? for the list)".
func (e *Error) Error() string {
	if e.Token == "" {
		return fmt.Sprintf("at column %d: %s", e.Column, e.Msg)
	}
	return fmt.Sprintf("%s at column %d: %s", e.Token, e.Column, e.Msg)
}

type op int

const (
	opAnd op = iota
	opOr
	opNot
	opText   // field contains text
	opSearch // the store's search finds text
	opDate   // lo <= date < hi (unix seconds)
	opSize   // lo <= size <= hi
	opFlag   // a boolean field
)

type node struct {
	op    op
	kids  []*node
	field byte   // opText: f, t, s; opFlag: N, F, D, A, T
	text  string // opText: lowercased; opSearch: as typed
	lo    int64
	hi    int64
}

// Parse reads a pattern; now anchors relative dates (~d <7d) and its
// location gives calendar days their bounds.
func Parse(src string, now time.Time) (*Pattern, error) {
	p := &parser{now: now}
	if err := p.lex(src); err != nil {
		return nil, err
	}
	if len(p.toks) == 0 {
		return nil, &Error{Column: 1, Msg: "the pattern is empty"}
	}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t != nil {
		return nil, t.err("unexpected " + t.text)
	}
	return &Pattern{src: strings.TrimSpace(src), root: root}, nil
}

// String is the pattern as typed (trimmed).
func (p *Pattern) String() string { return p.src }

// Searches lists the text the store's search must answer for Match (from
// ~b and plain words), each once, in order.
func (p *Pattern) Searches() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n.op == opSearch && !seen[n.text] {
			seen[n.text] = true
			out = append(out, n.text)
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(p.root)
	return out
}

// Match reports whether a message matches; found answers the searches
// listed by Searches for this message (nil: nothing is found).
func (p *Pattern) Match(f *Fields, found func(text string) bool) bool {
	return p.root.match(f, found)
}

func (n *node) match(f *Fields, found func(string) bool) bool {
	switch n.op {
	case opAnd:
		for _, k := range n.kids {
			if !k.match(f, found) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range n.kids {
			if k.match(f, found) {
				return true
			}
		}
		return false
	case opNot:
		return !n.kids[0].match(f, found)
	case opText:
		switch n.field {
		case 'f':
			return containsFold(f.From, n.text)
		case 't':
			for _, to := range f.To {
				if containsFold(to, n.text) {
					return true
				}
			}
			return false
		}
		return containsFold(f.Subject, n.text)
	case opSearch:
		return found != nil && found(n.text)
	case opDate:
		if f.Date.IsZero() {
			return false
		}
		s := f.Date.Unix()
		return s >= n.lo && s < n.hi
	case opSize:
		return f.Size >= n.lo && f.Size <= n.hi
	case opFlag:
		switch n.field {
		case 'N':
			return f.New
		case 'F':
			return f.Flagged
		case 'D':
			return f.Deleted
		case 'A':
			return f.Attachments
		case 'T':
			return f.Tagged
		}
	}
	return false
}

// token is one lexical unit: ( ) | ! ~X, or a word (quoted or not).
type token struct {
	text   string // as typed (a quoted word: its content)
	col    int    // 1-based column of its first character
	word   bool
	quoted bool
}

func (t *token) err(msg string) error { return &Error{Column: t.col, Token: t.text, Msg: msg} }

type parser struct {
	now  time.Time
	toks []token
	pos  int
	end  int // the column after the last character
}

// lex splits src into tokens.
func (p *parser) lex(src string) error {
	col := 1
	rs := []rune(src)
	p.end = len(rs) + 1
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(' || r == ')' || r == '|' || r == '!':
			p.toks = append(p.toks, token{text: string(r), col: i + col})
			i++
		case r == '~':
			if i+1 >= len(rs) || unicode.IsSpace(rs[i+1]) {
				return &Error{Column: i + col, Token: "~", Msg: "~ needs a letter after it (see ? for the list)"}
			}
			p.toks = append(p.toks, token{text: string(rs[i : i+2]), col: i + col})
			i += 2
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if j >= len(rs) {
				return &Error{Column: i + col, Token: `"`, Msg: "the quote is not closed"}
			}
			p.toks = append(p.toks, token{text: string(rs[i+1 : j]), col: i + col, word: true, quoted: true})
			i = j + 1
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("()|\"", rs[j]) {
				j++
			}
			p.toks = append(p.toks, token{text: string(rs[i:j]), col: i + col, word: true})
			i = j
		}
	}
	return nil
}

func (p *parser) peek() *token {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

func (p *parser) next() *token {
	t := p.peek()
	if t != nil {
		p.pos++
	}
	return t
}

// or := and ('|' and)*
func (p *parser) or() (*node, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	kids := []*node{first}
	for t := p.peek(); t != nil && !t.word && t.text == "|"; t = p.peek() {
		p.next()
		if n := p.peek(); n == nil || (!n.word && (n.text == "|" || n.text == ")")) {
			return nil, t.err("| needs a pattern after it")
		}
		k, err := p.and()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &node{op: opOr, kids: kids}, nil
}

// and := unary+, up to the end, | or ).
func (p *parser) and() (*node, error) {
	var kids []*node
	for t := p.peek(); t != nil && (t.word || (t.text != "|" && t.text != ")")); t = p.peek() {
		k, err := p.unary()
		if err != nil {
			return nil, err
		}
		kids = append(kids, k)
	}
	if len(kids) == 0 {
		if t := p.peek(); t != nil {
			return nil, t.err(t.text + " needs a pattern before it")
		}
		return nil, &Error{Column: p.end, Msg: "a pattern is missing at the end"}
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return &node{op: opAnd, kids: kids}, nil
}

// unary := '!' unary | '(' or ')' | atom
func (p *parser) unary() (*node, error) {
	t := p.next()
	switch {
	case t.word:
		return &node{op: opSearch, text: t.text}, nil
	case t.text == "!":
		if n := p.peek(); n == nil || (!n.word && (n.text == "|" || n.text == ")")) {
			return nil, t.err("! needs a pattern after it")
		}
		k, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{op: opNot, kids: []*node{k}}, nil
	case t.text == "(":
		k, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c == nil || c.word || c.text != ")" {
			return nil, t.err("this parenthesis is not closed")
		}
		return k, nil
	}
	return p.atom(t)
}

// atom reads ~X and its argument.
func (p *parser) atom(t *token) (*node, error) {
	letter, _ := utf8.DecodeRuneInString(t.text[1:])
	switch letter {
	case 'N', 'F', 'D', 'A', 'T':
		return &node{op: opFlag, field: byte(letter)}, nil
	case 'f', 't', 's', 'b', 'd', 'z':
	default:
		return nil, t.err("unknown pattern " + t.text + " (see ? for the list)")
	}
	arg := p.peek()
	if arg == nil || !arg.word {
		return nil, t.err(t.text + " needs " + argName(letter) + " after it")
	}
	p.next()
	if arg.text == "" {
		return nil, arg.err(t.text + " needs " + argName(letter) + " after it")
	}
	switch letter {
	case 'b':
		return &node{op: opSearch, text: arg.text}, nil
	case 'd':
		return p.date(arg)
	case 'z':
		return size(arg)
	}
	return &node{op: opText, field: byte(letter), text: strings.ToLower(arg.text)}, nil
}

func argName(letter rune) string {
	switch letter {
	case 'd':
		return "a date (<7d, >30d, 2026-01-01..2026-02-01)"
	case 'z':
		return "a size (>1M, <10K, 1K..5M)"
	}
	return "text"
}

// containsFold reports whether hay contains the lowercased needle, ignoring
// case; ASCII text is compared without allocating.
func containsFold(hay, needle string) bool {
	if !isASCII(hay) || !isASCII(needle) {
		return strings.Contains(strings.ToLower(hay), needle)
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		j := 0
		for ; j < len(needle); j++ {
			c := hay[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
		}
		if j == len(needle) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
