package message

import (
	"strings"
	"testing"
)

func htmlText(t *testing.T, src string) string {
	t.Helper()
	o := newOut()
	htmlLines(o, src, 0)
	var b strings.Builder
	for _, l := range o.lines {
		if l.QuoteLevel > 0 {
			b.WriteString(strings.Repeat("> ", l.QuoteLevel))
		}
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestHTML(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo\n"},
		{"whitespace", "<p>  a \n\t b&nbsp;&nbsp;c  </p>", "a b c\n"},
		{"br", "a<br>b<br><br>c", "a\nb\n\nc\n"},
		{"entities", "<p>&lt;x&gt; &amp; &eacute; &#x263A; &rsquo;</p>", "<x> & é ☺ ’\n"},
		{"unclosed head", "<html><head><meta charset=utf-8><p>body text", "body text\n"},
		{"head then text", "<head><title>t</title>visible", "visible\n"},
		{"script style", "<script>x()</script><style>p{}</style>ok", "ok\n"},
		{"hidden", `<div style="display: none">pre</div><span hidden>h</span><div>shown</div>`, "shown\n"},
		{"ordered start", `<ol start="3"><li>c</li><li>d</li></ol>`, "3. c\n4. d\n"},
		{"nested list", "<ul><li>a<ul><li>b</li></ul></li></ul>", "• a\n  • b\n"},
		{"table", "<table><tr><td>a</td><td></td><td>b</td></tr><tr><td>c</td></tr></table>", "a | b\nc\n"},
		{"aligned table", "<table><tr><th>Item</th><th>Price</th></tr><tr><td>Green tea</td><td>€3</td></tr><tr><td>全部</td><td>€13</td></tr></table>",
			"Item      | Price\nGreen tea | €3\n全部      | €13\n"},
		{"layout table", "<table><tr><td>x</td><td>y</td></tr><tr><td>long cell</td><td><table><tr><td>a</td><td>b</td></tr><tr><td>ccc</td><td>d</td></tr></table></td></tr></table>",
			"x | y\nlong cell\n\na   | b\nccc | d\n"},
		{"wide cell", "<table><tr><td>" + strings.Repeat("w", 31) + "</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", strings.Repeat("w", 31) + " | b\nc | d\n"},
		{"blockquote", "<p>x</p><blockquote><p>q</p><blockquote>qq</blockquote></blockquote><p>y</p>", "x\n\n> q\n> \n> > qq\n\ny\n"},
		{"link", `<a href="https://e.com/">site</a> and <a href="https://e.com/">again</a>`, "site [1] and again [1]\n"},
		{"link text is the URL", `<a href="mailto:bob@example.com">bob@example.com</a>, <a href="https://www.example.com/">example.com</a> <a href="https://e.com/x">https://e.com/x/</a>`,
			"bob@example.com, example.com https://e.com/x/\n"},
		{"outlook paragraphs", `<p class=MsoNormal>Hi,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class="MsoNormal">one</p><p class=MsoNormal>two</p>`,
			"Hi,\n\none\ntwo\n"},
		{"nbsp div is a blank line", "<div>a</div><div>&nbsp;</div><div>b</div><div>&nbsp;x</div>", "a\n\nb\nx\n"},
		{"unsafe link", `<a href="javascript:x()">js</a>`, "js\n"},
		{"image", `<img src="https://t/p.gif"><img alt=" Logo  here " src="x">`, "[image: Logo here]\n"},
		{"pre", "<pre>a  b\n  c</pre>", "a  b\n  c\n"},
		{"pre tabs", "<pre>a\tb</pre>", "a       b\n"},
		{"hr", "a<hr>b", "a\n\n----------\n\nb\n"},
		{"heading", "<h1>Title</h1>text", "Title\n\ntext\n"},
		{"comment", "a<!-- hidden -->b", "ab\n"},
		{"unclosed tags", "<div><p>a<b>b", "ab\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := htmlText(t, tt.in); got != tt.want {
				t.Errorf("html %q:\ngot  %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLinkShowingItsURL checks that a link whose text is its URL gets no
// [n] and no footer line, but is still in the link list.
func TestLinkShowingItsURL(t *testing.T) {
	o := newOut()
	htmlLines(o, `<a href="mailto:bob@example.com">bob@example.com</a>`, 0)
	if len(o.links) != 1 || o.links[0].URL != "mailto:bob@example.com" || len(o.refs) != 0 {
		t.Fatalf("links %+v, refs %v", o.links, o.refs)
	}
}
