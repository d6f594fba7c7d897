package message

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// panicNote is the note entity writes when it recovered from a panic; the
// fuzz targets treat it as a crash.
const panicNote = "[this part could not be shown: it broke the MIME parser]"

func addCorpusSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.eml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err == nil {
			f.Add(data)
		}
	}
}

// FuzzParse parses and wraps arbitrary input: no panic, no control
// characters out, no line wider than asked, and attachment sizes that match
// what WriteAttachment writes.
func FuzzParse(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data), Options{PreferHTML: len(data)%2 == 0})
		if err != nil {
			t.Fatalf("Parse of in-memory input failed: %v", err)
		}
		for _, s := range outputs(data) {
			if r, bad := forbidden(s); bad {
				t.Fatalf("output has %U: %q", r, s)
			}
		}
		for _, l := range m.Body {
			if l.Text == panicNote {
				t.Fatalf("a part panicked")
			}
		}
		width := 16 + len(data)%100
		for _, l := range m.Wrap(width) {
			if w := ansi.StringWidth(l.Text); w > width {
				t.Fatalf("Wrap(%d) gave %d columns: %q", width, w, l.Text)
			}
			if strings.ContainsAny(l.Text, "\t\n") {
				t.Fatalf("Wrap gave a tab or newline: %q", l.Text)
			}
		}
		if len(m.Attachments) > 0 {
			a := m.Attachments[len(m.Attachments)-1]
			var buf bytes.Buffer
			_ = WriteAttachment(bytes.NewReader(data), a.Index, &buf)
			if int64(buf.Len()) != a.Size {
				t.Fatalf("attachment %d: wrote %d bytes, listed %d", a.Index, buf.Len(), a.Size)
			}
		}
	})
}

// FuzzParseSummary checks that header parsing never fails or leaks control
// characters.
func FuzzParseSummary(f *testing.F) {
	addCorpusSeeds(f)
	f.Add([]byte("From: =?utf-8?q?=1B]52;c;x=07?= <a@b>\nDate: 31 Feb 2026 25:61:61 +9999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := ParseSummary(data)
		fields := []string{s.From.String(), s.Subject, s.MessageID, s.InReplyTo}
		for _, a := range append(s.To, s.Cc...) {
			fields = append(fields, a.String())
		}
		fields = append(fields, s.References...)
		for _, v := range fields {
			if r, bad := forbidden(v); bad {
				t.Fatalf("summary has %U: %q", r, v)
			}
			if strings.ContainsAny(v, "\n\t") {
				t.Fatalf("summary field has a line break or tab: %q", v)
			}
		}
	})
}

// FuzzSanitize checks that Sanitize leaves nothing forbidden, keeps valid
// UTF-8 and is idempotent.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"a\x1b[31mb", "\x1b]52;c;eA==\x07", "\u009b31m", "\u202eabc", "\xff\xfe", "\x1bP\x1b\\", "ok\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		if r, bad := forbidden(got); bad {
			t.Fatalf("Sanitize(%q) = %q keeps %U", s, got, r)
		}
		if again := Sanitize(got); again != got {
			t.Fatalf("Sanitize is not idempotent: %q -> %q -> %q", s, got, again)
		}
		if name := SafeFilename(s); name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") || len(name) > maxFilenameBytes {
			t.Fatalf("SafeFilename(%q) = %q", s, name)
		}
	})
}
