package message

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// corpus returns the corpus messages by name: the files in
// testdata/corpus plus the ones too big to commit, built here.
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.eml")
	if err != nil || len(files) < 30 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".eml")] = data
	}
	out["90-generated-huge-header"] = hugeHeader()
	out["91-generated-huge-part-header"] = hugePartHeader()
	return out
}

// hugeHeader is a message whose header is over 1 MiB.
func hugeHeader() []byte {
	var b bytes.Buffer
	b.WriteString("From: big@example.com\nSubject: Huge header\n")
	for b.Len() < maxHeaderBytes+1000 {
		b.WriteString("Received: from relay.example.com by mx.example.com; Tue, 10 Mar 2026 11:00:00 +0000\n")
	}
	b.WriteString("\nBody never shown.\n")
	return b.Bytes()
}

// hugePartHeader is a multipart whose second part has a header over 1 MiB.
func hugePartHeader() []byte {
	var b bytes.Buffer
	b.WriteString("From: big@example.com\nSubject: Huge part header\nContent-Type: multipart/mixed; boundary=b\n\n")
	b.WriteString("--b\nContent-Type: text/plain\n\nfirst part\n--b\n")
	for b.Len() < maxHeaderBytes+1000 {
		b.WriteString("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n")
	}
	b.WriteString("Content-Type: text/plain\n\nsecond part\n--b\nContent-Type: text/plain\n\nthird part\n--b--\n")
	return b.Bytes()
}

// kindMark is the golden files' one-letter mark per line kind.
var kindMark = map[LineKind]string{
	LineText: "T", LineQuote: "Q", LineSignature: "S", LineNote: "N", LineHeader: "H", LineLinkRef: "L",
}

// render is the golden form of a message: summary, headers, the body
// wrapped to 80 columns with kinds marked, attachments and links.
func render(raw []byte) string {
	var b strings.Builder
	s := ParseSummary(raw)
	m, err := Parse(bytes.NewReader(raw), Options{Location: time.UTC})
	if err != nil {
		return "parse error: " + err.Error()
	}
	fmt.Fprintf(&b, "== summary (ParseSummary)\nFrom: %s\nTo: %s\nCc: %s\nSubject: %s\nDate: %s\n",
		s.From, addrs(s.To), addrs(s.Cc), s.Subject, fmtDate(s.Date))
	fmt.Fprintf(&b, "Message-ID: %s\nIn-Reply-To: %s\nReferences: %s\nHasAttachments: %v\n",
		s.MessageID, s.InReplyTo, strings.Join(s.References, " "), s.HasAttachments)
	b.WriteString("== headers\n")
	for i, h := range m.Headers {
		if i == 12 {
			fmt.Fprintf(&b, "... %d more\n", len(m.Headers)-i)
			break
		}
		fmt.Fprintf(&b, "%s: %s\n", h.Key, truncateBytes(h.Value, 200))
	}
	b.WriteString("== body (80 columns)\n")
	for _, l := range m.Wrap(80) {
		flow := " "
		if l.Flowed {
			flow = "~"
		}
		fmt.Fprintf(&b, "%s%d%s|%s\n", kindMark[l.Kind], l.QuoteLevel, flow, l.Text)
	}
	b.WriteString("== attachments\n")
	for _, a := range m.Attachments {
		fmt.Fprintf(&b, "%d %q %s %d inline=%v\n", a.Index, a.Name, a.Type, a.Size, a.Inline)
	}
	b.WriteString("== links\n")
	for _, l := range m.Links {
		fmt.Fprintf(&b, "%d %s %q\n", l.Number, l.URL, l.Text)
	}
	return b.String()
}

func addrs(list []Address) string {
	var parts []string
	for _, a := range list {
		parts = append(parts, a.String())
	}
	return strings.Join(parts, ", ")
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "(none)"
	}
	return t.UTC().Format(time.RFC3339)
}

// TestCorpusGolden renders every corpus message and compares it with its
// golden file (go test -run Golden -update rewrites them).
func TestCorpusGolden(t *testing.T) {
	for name, raw := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			got := render(raw)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update)", err)
			}
			if got != string(want) {
				t.Errorf("render differs from %s (go test -run Golden -update rewrites it):\n%s", path, got)
			}
		})
	}
}

// forbidden reports the first rune that must never reach a terminal.
func forbidden(s string) (rune, bool) {
	for _, r := range s {
		switch {
		case r == 0x1b, r == 0x07:
			return r, true
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f:
			return r, true
		case r >= 0x80 && r <= 0x9f:
			return r, true
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return r, true
		}
	}
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	return 0, false
}

// outputs lists every string Parse, ParseSummary and Wrap give out.
func outputs(raw []byte) []string {
	var out []string
	add := func(a Address) { out = append(out, a.Name, a.Addr, a.String()) }
	s := ParseSummary(raw)
	m, err := Parse(bytes.NewReader(raw), Options{PreferHTML: true})
	if err != nil {
		return []string{err.Error()}
	}
	for _, sum := range []Summary{s, m.Summary} {
		add(sum.From)
		for _, a := range append(append([]Address(nil), sum.To...), sum.Cc...) {
			add(a)
		}
		out = append(out, sum.Subject, sum.MessageID, sum.InReplyTo)
		out = append(out, sum.References...)
	}
	for _, h := range m.Headers {
		out = append(out, h.Key, h.Value)
	}
	for _, l := range m.Body {
		out = append(out, l.Text)
	}
	for _, l := range m.Wrap(40) {
		out = append(out, l.Text)
	}
	for _, a := range m.Attachments {
		out = append(out, a.Name, a.Type, SafeFilename(a.Name))
	}
	for _, l := range m.Links {
		out = append(out, l.URL, l.Text)
	}
	return append(out, m.Text())
}

// TestCorpusNoControls checks that no ESC, BEL, other control, C1 or bidi
// override reaches any output, with either HTML preference.
func TestCorpusNoControls(t *testing.T) {
	for name, raw := range corpus(t) {
		for i, s := range outputs(raw) {
			if r, bad := forbidden(s); bad {
				t.Errorf("%s: output %d has %U: %q", name, i, r, s)
			}
		}
	}
}
