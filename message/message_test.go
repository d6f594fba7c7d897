package message

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gomessage "github.com/emersion/go-message"
)

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", name+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustParse(t *testing.T, raw []byte, opts Options) *Message {
	t.Helper()
	m, err := Parse(bytes.NewReader(raw), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func bodyText(m *Message) string {
	var b strings.Builder
	for _, l := range m.Body {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestPreferHTML(t *testing.T) {
	raw := readCorpus(t, "14-alternative-plain")
	if got := bodyText(mustParse(t, raw, Options{})); !strings.Contains(got, "Plain version.") {
		t.Errorf("default: body %q, want the plain part", got)
	}
	if got := bodyText(mustParse(t, raw, Options{PreferHTML: true})); !strings.Contains(got, "HTML version.") {
		t.Errorf("PreferHTML: body %q, want the HTML part", got)
	}
}

func TestDateLocation(t *testing.T) {
	loc := time.FixedZone("KST", 9*3600)
	m := mustParse(t, readCorpus(t, "01-plain-reply"), Options{Location: loc})
	if m.Date.Location() != loc || m.Date.Hour() != 2 || m.Date.Day() != 7 {
		t.Errorf("Date = %v, want 2026-03-07 02:01:02 KST", m.Date)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Fri, 6 Mar 2026 12:01:02 -0500", "2026-03-06T17:01:02Z"},
		{"6 Mar 2026 12:01:02 -0500", "2026-03-06T17:01:02Z"},
		{"Fri, 06 Mar 2026 12:01 +0000", "2026-03-06T12:01:00Z"},
		{"Fri, 6 Mar 26 12:01:02 GMT", "2026-03-06T12:01:02Z"},
		{"Fri, 6 Mar 2026 12:01:02 +0000 (UTC)", "2026-03-06T12:01:02Z"},
		{"Fri,  6  Mar  2026  12:01:02  KST", "2026-03-06T03:01:02Z"},
		{"Tuesday, 10-Mar-2026 11:00:00 PST", "2026-03-10T19:00:00Z"},
		{"Fri Mar  6 12:01:02 2026", "2026-03-06T12:01:02Z"},
		{"Fri Mar 6 12:01:02 EST 2026", "2026-03-06T17:01:02Z"},
		{"2026-03-06T12:01:02+09:00", "2026-03-06T03:01:02Z"},
		{"2026-03-06 12:01:02 -0700", "2026-03-06T19:01:02Z"},
		{"fri, 6 mar 2026 12:01:02.123 +05:30", "2026-03-06T06:31:02Z"},
		{"6 Mar 2026 23:59:60 +0000", "2026-03-06T23:59:59Z"},
		{"Fri, 6 Mar 2026 12:01:02 +0000 extra junk", "2026-03-06T12:01:02Z"},
		{"", ""},
		{"yesterday", ""},
		{"31 Feb 2026 10:00:00 +0000", ""},
		{"Fri, 6 Mar 2026", ""},
		{"6 Mar 1800 10:00:00 +0000", ""},
	}
	for _, tt := range tests {
		got := parseDate(tt.in)
		s := ""
		if !got.IsZero() {
			s = got.UTC().Format(time.RFC3339)
		}
		if s != tt.want {
			t.Errorf("parseDate(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
}

func TestAddressList(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"Doe, John" <john@example.com>, jane@example.com`, `"Doe, John" <john@example.com>|jane@example.com`},
		{`John Q. Public <jq@example.com>`, "John Q. Public <jq@example.com>"},
		{`jq@example.com (John Q)`, "John Q <jq@example.com>"},
		{`=?utf-8?b?7ZmN6ri464+Z?= <hong@example.kr>`, "홍길동 <hong@example.kr>"},
		{`"=?utf-8?q?M=C3=BCller=2C_Hans?=" <hans@example.de>`, `"Müller, Hans" <hans@example.de>`},
		{`undisclosed-recipients:;`, ""},
		{`Team: a@example.com, b@example.com;, c@example.com`, "a@example.com|b@example.com|c@example.com"},
		{`<bare@example.com>`, "bare@example.com"},
		{`"Evil` + "\x1b[2J" + `" <e@example.com>`, "Evil <e@example.com>"},
		{`broken <unclosed@example.com`, "broken <unclosed@example.com>"},
		{`"same@example.com" <same@example.com>`, "same@example.com"},
		{``, ""},
	}
	for _, tt := range tests {
		var parts []string
		for _, a := range parseAddressList(tt.in) {
			parts = append(parts, a.String())
		}
		if got := strings.Join(parts, "|"); got != tt.want {
			t.Errorf("parseAddressList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDecodeWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=?utf-8?q?caf=C3=A9?=", "café"},
		{"=?UTF-8?B?Y2Fmw6k=?=", "café"},
		{"=?UTF-8?B?Y2Fmw6k?=", "café"}, // no padding
		{"=?utf-8?q?a?= =?utf-8?q?b?=", "ab"},
		{"=?utf-8?q?a?= plain =?utf-8?q?b?=", "a plain b"},
		{"=?iso-8859-1?q?=93x=94?=", "“x”"},
		{"=?us-ascii?q?=93x=94?=", "“x”"},
		{"=?ks_c_5601-1987?B?x9Gx2w==?=", "한글"},
		{"=?cp949?B?x9Gx2w==?=", "한글"},
		{"=?euc-kr?B?x9E=?= =?euc-kr?B?sds=?=", "한글"}, // split mid-character
		{"=?utf-8*ko?q?x?=", "x"},
		{"prefix=?utf-8?q?x?=", "prefixx"},
		{"=?x-unknown?q?abc?=", "abc"},
		{"=?utf-8?x?abc?=", "=?utf-8?x?abc?="},
		{"=?broken", "=?broken"},
		{"=?utf-8?q?bad=ZZ?=", "bad=ZZ"},
	}
	for _, tt := range tests {
		if got := decodeWords(tt.in); got != tt.want {
			t.Errorf("decodeWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCharsets(t *testing.T) {
	tests := []struct {
		label string
		in    []byte
		want  string
		note  bool
	}{
		{"iso-8859-1", []byte("\x93hi\x94 \x80"), "“hi” €", false},
		{"latin1", []byte("caf\xe9"), "café", false},
		{"us-ascii", []byte("plain"), "plain", false},
		{"iso-8859-1", []byte("caf\xc3\xa9"), "café", true}, // UTF-8 in disguise
		{"euc-kr", []byte("\xc7\xd1\xb1\xdb"), "한글", false},
		{"ks_c_5601-1987", []byte("\xc7\xd1\xb1\xdb"), "한글", false},
		{"cp949", []byte("\x8c\x63"), "똠", false},
		{"gb2312", []byte("\xd6\xd0\xce\xc4"), "中文", false},
		{"x-sjis", []byte("\x93\xfa\x96\x7b"), "日本", false},
		{"iso-2022-jp", []byte("\x1b$BF|K\\\x1b(B"), "日本", false},
		{"windows-1251", []byte("\xcf\xf0\xe8"), "При", false},
		{"koi8-r", []byte("\xf0\xd2\xc9"), "При", false},
		{"utf-7", []byte("A+ImIDkQ."), "A≢Α.", false},
		{"x-made-up", []byte("abc"), "abc", true},
		{"", []byte("\xc7\xd1\xb1\xdb\xc0\xd4\xb4\xcf\xb4\xd9"), "한글입니다", true},
	}
	for _, tt := range tests {
		got, note := decodeCharset(tt.in, tt.label)
		if got != tt.want || (note != "") != tt.note {
			t.Errorf("decodeCharset(%q, %q) = %q, note %q; want %q, note %v", tt.in, tt.label, got, note, tt.want, tt.note)
		}
	}
}

func TestGuessDecode(t *testing.T) {
	tests := []struct {
		in         []byte
		want, name string
	}{
		{[]byte("회의 자료 송부 드립니다"), "회의 자료 송부 드립니다", "UTF-8"},
		{mustEncode(t, "euc-kr", "회의 자료 송부 드립니다"), "회의 자료 송부 드립니다", "EUC-KR"},
		{mustEncode(t, "shift_jis", "田中"), "田中", "Shift_JIS"},
		{mustEncode(t, "shift_jis", "お問い合わせありがとうございます"), "お問い合わせありがとうございます", "Shift_JIS"},
		{mustEncode(t, "gbk", "会议通知，请查收"), "会议通知，请查收", "GBK"},
		{[]byte("Jos\xe9 M\xfcller"), "José Müller", "windows-1252"},
		{[]byte("\x1b$BF|K\\\x1b(B"), "日本", "ISO-2022-JP"},
	}
	for _, tt := range tests {
		got, name := guessDecode(tt.in)
		if got != tt.want || name != tt.name {
			t.Errorf("guessDecode(%q) = %q, %q; want %q, %q", tt.in, got, name, tt.want, tt.name)
		}
	}
}

// mustEncode encodes s with one of the few encoders the tests need.
func mustEncode(t *testing.T, charset, s string) []byte {
	t.Helper()
	enc, _ := lookupCharset(charset)
	if enc == nil {
		t.Fatalf("no encoder for %s", charset)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParams(t *testing.T) {
	tests := []struct{ in, key, want string }{
		{`attachment; filename="a b.pdf"`, "filename", "a b.pdf"},
		{`attachment; filename=a b.pdf`, "filename", "a b.pdf"},
		{`attachment; filename*=UTF-8''%ED%95%9C.pdf`, "filename", "한.pdf"},
		{`attachment; filename*=euc-kr'ko'%C7%D1.pdf`, "filename", "한.pdf"},
		{`attachment; filename*0*=utf-8''%C3%A9; filename*1=".txt"`, "filename", "é.txt"},
		{`attachment; filename*1=b.txt; filename*0=a`, "filename", "ab.txt"},
		{`attachment; filename="=?UTF-8?B?7ZWc6riA?=.txt"`, "filename", "한글.txt"},
		{`attachment; filename="x.txt"; filename="y.txt"`, "filename", "x.txt"},
		{`text/plain; charset="utf-8"; format=flowed`, "format", "flowed"},
		{`text/plain;charset=utf-8;;`, "charset", "utf-8"},
		{`multipart/mixed; boundary="a;b"`, "boundary", "a;b"},
		{`attachment; filename="a\"b"`, "filename", `a"b`},
	}
	for _, tt := range tests {
		_, params := parseMediaType(tt.in)
		if got := params[tt.key]; got != tt.want {
			t.Errorf("parseMediaType(%q)[%s] = %q, want %q", tt.in, tt.key, got, tt.want)
		}
	}
	if mt, _ := parseMediaType("Text/HTML ; charset=x"); mt != "text/html" {
		t.Errorf("media type = %q", mt)
	}
}

func TestFlowed(t *testing.T) {
	raw := "Content-Type: text/plain; format=flowed; delsp=yes\n\nab \ncd\n> q1 \n> q2\n\n-- \nsig\n"
	m := mustParse(t, []byte(raw), Options{})
	want := []Line{
		{Text: "abcd", Flowed: true},
		{Text: "q1q2", Kind: LineQuote, QuoteLevel: 1, Flowed: true},
		{Text: "", Flowed: true},
		{Text: "-- ", Kind: LineSignature},
		{Text: "sig", Kind: LineSignature, Flowed: true},
	}
	if len(m.Body) != len(want) {
		t.Fatalf("body = %+v, want %+v", m.Body, want)
	}
	for i := range want {
		if m.Body[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, m.Body[i], want[i])
		}
	}
}

func TestWrap(t *testing.T) {
	m := &Message{Body: []Line{
		{Text: "one two three four five six", Flowed: true},
		{Text: "quoted words here", Kind: LineQuote, QuoteLevel: 2},
		{Text: "한국어 문장을 여러 번 반복합니다", Flowed: true},
		{Text: "abcdefghijklmnopqrstuvwxyz"},
		{Text: ""},
		{Text: "  keep  spaces"},
		{Text: "* item that wraps"},
		{Text: "12. one two three", Flowed: true},
		{Text: "• x yyyyyyyyyyyyy"},
	}}
	got := m.Wrap(10)
	var texts []string
	for _, l := range got {
		texts = append(texts, l.Text)
	}
	want := []string{
		"one two", "three four", "five six",
		">> quoted", ">> words", ">> here",
		"한국어", "문장을", "여러 번", "반복합니다",
		"abcdefghij", "klmnopqrst", "uvwxyz",
		"",
		"  keep", "  spaces",
		// Wrapped list items line up with their text.
		"* item", "  that", "  wraps",
		"12. one", "    two", "    three",
		"• x", "  yyyyyyyy", "  yyyyy",
	}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("Wrap(10) =\n%q\nwant\n%q", texts, want)
	}
	for _, l := range got {
		if w := ansi.StringWidth(l.Text); w > 10 {
			t.Errorf("line %q is %d columns", l.Text, w)
		}
	}
	if got := m.Wrap(0); len(got) != len(m.Body) {
		t.Errorf("Wrap(0) changed the line count: %d", len(got))
	}
}

// TestWrapCorpusWidths checks every corpus message at many widths: no line
// wider than the width, and no text lost (apart from spaces at breaks).
func TestWrapCorpusWidths(t *testing.T) {
	for name, raw := range corpus(t) {
		m, err := Parse(bytes.NewReader(raw), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := nonSpace(m.Body, -1)
		for _, width := range []int{1, 2, 5, 17, 40, 80, 133} {
			lines := m.Wrap(width)
			for _, l := range lines {
				if w := ansi.StringWidth(l.Text); w > width && width >= minWrapWidth+6 {
					t.Errorf("%s: Wrap(%d) gave %d columns: %q", name, width, w, l.Text)
				}
			}
			if got := nonSpace(lines, width); got != want {
				t.Errorf("%s: Wrap(%d) lost text", name, width)
			}
		}
	}
}

// nonSpace concatenates the text of lines without spaces and, for lines
// wrapped to width (width >= 0), without their quote prefixes.
func nonSpace(lines []Line, width int) string {
	var b strings.Builder
	for _, l := range lines {
		text := l.Text
		if width >= 0 {
			text = strings.TrimPrefix(text, strings.TrimRight(quotePrefix(l.QuoteLevel, width), " "))
		}
		b.WriteString(strings.ReplaceAll(text, " ", ""))
	}
	return b.String()
}

func TestText(t *testing.T) {
	m := mustParse(t, readCorpus(t, "13-html-newsletter"), Options{})
	text := m.Text()
	for _, want := range []string{"the first story [1]", "Tea  | €3", "A quoted paragraph."} {
		if !strings.Contains(text, want) {
			t.Errorf("Text() lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "https://example.com/a") {
		t.Errorf("Text() has the link footer")
	}
	big := &Message{Body: []Line{{Text: strings.Repeat("가", maxSearchText)}}}
	if n := len(big.Text()); n > maxSearchText {
		t.Errorf("Text() is %d bytes, limit %d", n, maxSearchText)
	}
}

func TestNestedMessageAndAttachments(t *testing.T) {
	raw := readCorpus(t, "16-forward-rfc822")
	m := mustParse(t, raw, Options{})
	if len(m.Attachments) != 2 || m.Attachments[1].Name != "report.pdf" || m.Attachments[1].Size != 19 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	var buf bytes.Buffer
	if err := WriteAttachment(bytes.NewReader(raw), 1, &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "%PDF-1.4\n%äüöß\n" {
		t.Errorf("attachment 1 = %q", buf.String())
	}
	buf.Reset()
	if err := WriteAttachment(bytes.NewReader(raw), 0, &buf); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != m.Attachments[0].Size || !strings.HasPrefix(buf.String(), "From: Original Sender") {
		t.Errorf("attached message = %d bytes, want %d: %.40q", buf.Len(), m.Attachments[0].Size, buf.String())
	}
	if err := WriteAttachment(bytes.NewReader(raw), 2, io.Discard); !errors.Is(err, ErrNoAttachment) {
		t.Errorf("index 2: %v, want ErrNoAttachment", err)
	}
	if err := WriteAttachment(bytes.NewReader(raw), -1, io.Discard); !errors.Is(err, ErrNoAttachment) {
		t.Errorf("index -1: %v, want ErrNoAttachment", err)
	}
}

// TestAttachmentSizes checks that every listed size is what WriteAttachment
// writes, over the whole corpus.
func TestAttachmentSizes(t *testing.T) {
	for name, raw := range corpus(t) {
		m, err := Parse(bytes.NewReader(raw), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range m.Attachments {
			var buf bytes.Buffer
			err := WriteAttachment(bytes.NewReader(raw), a.Index, &buf)
			if err != nil {
				t.Errorf("%s: attachment %d: %v", name, a.Index, err)
			}
			if int64(buf.Len()) != a.Size {
				t.Errorf("%s: attachment %d wrote %d bytes, listed %d", name, a.Index, buf.Len(), a.Size)
			}
		}
	}
}

func TestSaveAttachment(t *testing.T) {
	raw := readCorpus(t, "18-attachments-rfc2047-names")
	dir := t.TempDir()
	tests := []struct {
		index int
		want  string
	}{
		{0, "写真 2026.jpg"},
		{0, "写真 2026 (1).jpg"},
		{0, "写真 2026 (2).jpg"},
		{1, "보고서.hwp"},
		{2, "passwd"},
		{3, "bashrc"},
		{4, "evil.exe"},
		{5, "attachment-6"},
	}
	for _, tt := range tests {
		path, err := SaveAttachment(bytes.NewReader(raw), tt.index, dir)
		if err != nil {
			t.Fatalf("save %d: %v", tt.index, err)
		}
		if path != filepath.Join(dir, tt.want) {
			t.Errorf("save %d: path %q, want %q", tt.index, path, filepath.Join(dir, tt.want))
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "passwd"))
	if string(data) != "root" {
		t.Errorf("passwd content %q", data)
	}
	if _, err := SaveAttachment(bytes.NewReader(raw), 9, dir); !errors.Is(err, ErrNoAttachment) {
		t.Errorf("index 9: %v", err)
	}
	if _, err := SaveAttachment(bytes.NewReader(raw), 0, filepath.Join(dir, "missing")); err == nil {
		t.Errorf("saving into a missing folder worked")
	}
}

func TestSaveAttachmentBadBase64RemovesFile(t *testing.T) {
	raw := "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf; name=x.pdf\n" +
		"Content-Transfer-Encoding: base64\n\nJVBERi0x=JVBE\n--b--\n"
	dir := t.TempDir()
	if _, err := SaveAttachment(strings.NewReader(raw), 0, dir); err == nil {
		t.Fatal("bad base64 saved without an error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("partial file left behind: %v", entries)
	}
}

// failingReader returns some bytes, then an error.
type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadErrorReturned(t *testing.T) {
	for _, name := range []string{"01-plain-reply", "16-forward-rfc822", "13-html-newsletter"} {
		raw := readCorpus(t, name)
		for _, cut := range []int{10, len(raw) / 2, len(raw) - 3} {
			_, err := Parse(&failingReader{data: raw[:cut]}, Options{})
			if err == nil || !strings.Contains(err.Error(), "disk on fire") {
				t.Errorf("%s cut at %d: err = %v, want the read error", name, cut, err)
			}
		}
	}
}

func TestParseSummaryBroken(t *testing.T) {
	for _, in := range []string{"", "\n\n", "garbage without colon", " leading space: x\n", "From:\nTo: ,,,\nDate: ???\n",
		"Subject: =?utf-8?b?!!!?=\n", "From: <<<>>>\n", strings.Repeat("X: y\n", 10)} {
		s := ParseSummary([]byte(in))
		if !s.Date.IsZero() {
			t.Errorf("%q: date %v", in, s.Date)
		}
	}
	s := ParseSummary([]byte("Subject: partial\nFrom: a@b.c\n")) // TOP output without the blank line
	if s.Subject != "partial" || s.From.Addr != "a@b.c" {
		t.Errorf("summary = %+v", s)
	}
}

func TestHasAttachments(t *testing.T) {
	tests := map[string]bool{
		"Content-Type: multipart/mixed; boundary=x\n":       true,
		"Content-Type: multipart/alternative; boundary=x\n": false,
		"Content-Type: application/pdf\n":                   true,
		"Content-Type: text/plain\nX-MS-Has-Attach: yes\n":  true,
		"Content-Type: text/plain\n":                        false,
		"Subject: none\n":                                   false,
	}
	for in, want := range tests {
		if got := ParseSummary([]byte(in)).HasAttachments; got != want {
			t.Errorf("%q: HasAttachments = %v", in, got)
		}
	}
}

func TestLinksOnlySafeSchemes(t *testing.T) {
	m := mustParse(t, readCorpus(t, "30-hostile-html"), Options{})
	for _, l := range m.Links {
		if !strings.HasPrefix(l.URL, "http") && !strings.HasPrefix(l.URL, "mailto:") {
			t.Errorf("link %q collected", l.URL)
		}
	}
}

// TestHeaderJustUnderLimit checks that a header close to 1 MiB still lets
// the body render (bufio's read-ahead must not hit the reader's limit).
func TestHeaderJustUnderLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("Subject: big\nContent-Type: multipart/mixed; boundary=b\n")
	for b.Len() < maxHeaderBytes-3000 {
		b.WriteString("X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n")
	}
	b.WriteString("\n--b\nContent-Type: text/plain\n\nvisible body\n--b--\n")
	m := mustParse(t, []byte(b.String()), Options{})
	if got := bodyText(m); !strings.Contains(got, "visible body") {
		t.Errorf("body = %.200q", got)
	}
}

// TestLongWordWrap wraps one 1 MB word (hard breaks, mixed widths).
func TestLongWordWrap(t *testing.T) {
	word := strings.Repeat("a가", 1<<18)
	m := &Message{Body: []Line{{Text: word}}}
	lines := m.Wrap(80)
	var joined strings.Builder
	for _, l := range lines {
		if w := ansi.StringWidth(l.Text); w > 80 {
			t.Fatalf("line of %d columns", w)
		}
		joined.WriteString(l.Text)
	}
	if joined.String() != word {
		t.Errorf("text changed by wrapping")
	}
}

func TestPathologicalHeaders(t *testing.T) {
	for _, v := range []string{
		strings.Repeat("=?", 200000),
		strings.Repeat("=?utf-8?q?", 50000),
		strings.Repeat("a:", 200000),
		strings.Repeat("<", 200000),
		strings.Repeat("(", 200000),
	} {
		raw := "From: " + v + "\nTo: " + v + "\nSubject: " + v + "\nDate: " + v + "\n\nbody\n"
		s := ParseSummary([]byte(raw))
		if r, bad := forbidden(s.Subject); bad {
			t.Errorf("subject has %U", r)
		}
	}
}

// TestPathologicalBodies renders inputs built to trigger quadratic paths;
// they must finish (the test binary's timeout catches a hang) and stay clean.
func TestPathologicalBodies(t *testing.T) {
	const n = 1 << 20
	bodies := map[string]string{
		"parens":      "text/plain\n\nhttp://x.example/" + strings.Repeat(")", n),
		"urls":        "text/plain\n\n" + strings.Repeat("www.a ", n/6),
		"quotes":      "text/plain\n\n" + strings.Repeat(">", n) + "x",
		"nested divs": "text/html\n\n" + strings.Repeat("<div>", n/5),
		"open link":   "text/html\n\n<a href='https://e/'>" + strings.Repeat("word ", n/5),
		"osc":         "text/plain\n\n" + strings.Repeat("\x1b]", n/2),
		"long word":   "text/plain\n\n" + strings.Repeat("語", n/3),
		"flowed":      "text/plain; format=flowed\n\n" + strings.Repeat("a \n", n/3),
		"hidden":      "text/html\n\n" + strings.Repeat("<div hidden>", n/12) + "x",
		"boundaries":  "multipart/mixed; boundary=b\n\n" + strings.Repeat("--b\n", n/4),
	}
	for name, body := range bodies {
		m := mustParse(t, []byte("Content-Type: "+body), Options{})
		for _, l := range m.Wrap(80) {
			if r, bad := forbidden(l.Text); bad {
				t.Fatalf("%s: %U in output", name, r)
			}
		}
	}
}

func TestEmptyBody(t *testing.T) {
	tests := map[string]string{
		"Subject: x\n\n": "[empty message]",
		"Subject: x":     "[empty message]",
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: image/png\n\nx\n--b--\n": "[no text: 1 attachment(s)]",
	}
	for in, want := range tests {
		m := mustParse(t, []byte(in), Options{})
		if len(m.Body) != 1 || m.Body[0].Kind != LineNote || m.Body[0].Text != want {
			t.Errorf("%q: body %+v, want note %q", in, m.Body, want)
		}
	}
}

func TestMessageHasAttachments(t *testing.T) {
	tests := map[string]bool{
		"14-alternative-plain":       false,
		"15-alternative-empty-plain": false, // only an inline image
		"17-attachments-rfc2231":     true,
		"26-nesting-bomb":            false, // multipart/mixed, but nothing in it
	}
	for name, want := range tests {
		if got := mustParse(t, readCorpus(t, name), Options{}).HasAttachments; got != want {
			t.Errorf("%s: HasAttachments = %v, want %v", name, got, want)
		}
	}
}

func TestMislabelledUTF8(t *testing.T) {
	for _, label := range []string{"ks_c_5601-1987", "euc-kr", "iso-8859-1", "windows-1251", "gb2312", "shift_jis"} {
		got, note := decodeCharset([]byte("한국어 텍스트 — café"), label)
		if got != "한국어 텍스트 — café" || note == "" {
			t.Errorf("%s: %q, note %q", label, got, note)
		}
	}
}

// TestNoGlobalCharsetReader checks the design choice that this package
// leaves go-message's package-global CharsetReader alone (it decodes
// charsets itself), and still reads charsets go-message alone would not.
func TestNoGlobalCharsetReader(t *testing.T) {
	if gomessage.CharsetReader != nil {
		t.Errorf("go-message's CharsetReader was set by something in this package")
	}
	m := mustParse(t, readCorpus(t, "04-korean-cp949-split-word"), Options{})
	if m.Subject != "똠방각하 햏자 회신" {
		t.Errorf("subject %q", m.Subject)
	}
}
