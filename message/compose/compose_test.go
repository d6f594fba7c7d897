package compose

import (
	"bytes"
	"errors"
	"flag"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/popterm/popterm/message"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixed makes Build deterministic.
type fixedRand struct{}

func (fixedRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(0xa0 + i%16)
	}
	return len(p), nil
}

var testOpts = &Options{
	Now:  func() time.Time { return time.Date(2026, 12, 6, 3, 30, 0, 0, time.UTC) },
	Rand: fixedRand{},
}

func addr(name, a string) *mail.Address { return &mail.Address{Name: name, Address: a} }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestBuildGolden(t *testing.T) {
	long := strings.Repeat("word ", 40) + "end"
	tests := []struct {
		name  string
		draft Draft
	}{
		{"plain.eml", Draft{
			From: addr("Alice Example", "alice@example.org"), To: []*mail.Address{addr("", "bob@example.net")},
			Subject: "Lunch?", Body: "Hi Bob,\n\nlunch at noon?\n\n-- \nAlice\n",
		}},
		{"nonascii.eml", Draft{
			From:    addr("Zoë Ünïcode", "zoe@example.org"),
			To:      []*mail.Address{addr("김철수", "kim@example.kr"), addr("Bob, Jr.", "bob@example.net")},
			Cc:      []*mail.Address{addr("", "carol@example.com")},
			Bcc:     []*mail.Address{addr("Secret", "hidden@example.com")},
			Subject: "Café ☕ et crème", Body: "Ça va ?\r\n" + long + "\nFrom here\n> a quote\n",
			InReplyTo: "orig@example.net", References: []string{"root@example.net", "orig@example.net"},
		}},
		{"attach.eml", Draft{
			From: addr("", "alice@example.org"), To: []*mail.Address{addr("", "bob@example.net")},
			Subject: "files", Body: "see attached",
			Attachments: []Attachment{
				{Name: "/home/alice/résumé.pdf", Data: []byte("%PDF-1.4 fake")},
				{Name: "notes", Data: []byte("plain notes\n")},
				{Name: "fwd.eml", Type: "message/rfc822", Data: []byte("From: x@y.z\nSubject: inner\n\ninner body\n")},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Build(&tt.draft, testOpts)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Raw)
			if bytes.Contains(b.Raw, []byte("\r")) {
				t.Error("Raw holds CR; the store's convention is LF")
			}
			if bytes.Contains(bytes.ToLower(b.Raw), []byte("bcc")) || bytes.Contains(b.Raw, []byte("hidden@")) {
				t.Error("the Bcc recipient leaked into the transmitted message")
			}
			if !strings.HasSuffix(b.MessageID, "@"+Domain(tt.draft.From.Address)) {
				t.Errorf("Message-ID %q is not in the sender's domain", b.MessageID)
			}
			if b.From != tt.draft.From.Address {
				t.Errorf("envelope sender %q, want %q", b.From, tt.draft.From.Address)
			}
			checkRoundTrip(t, &tt.draft, b)
		})
	}
}

// checkRoundTrip parses what Build wrote, with popterm's renderer and with
// go-message, and compares it with the draft.
func checkRoundTrip(t *testing.T, d *Draft, b *Built) {
	t.Helper()
	m, err := message.Parse(bytes.NewReader(b.Raw), message.Options{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != d.Subject {
		t.Errorf("subject %q, want %q", m.Subject, d.Subject)
	}
	if m.From.Addr != d.From.Address || m.From.Name != d.From.Name {
		t.Errorf("from %+v, want %+v", m.From, d.From)
	}
	if len(m.To) != len(d.To) {
		t.Fatalf("to %+v, want %d addresses", m.To, len(d.To))
	}
	for i, a := range d.To {
		if m.To[i].Addr != a.Address || m.To[i].Name != a.Name {
			t.Errorf("to[%d] = %+v, want %+v", i, m.To[i], a)
		}
	}
	if m.MessageID != "<"+b.MessageID+">" {
		t.Errorf("message ID %q, want %q", m.MessageID, b.MessageID)
	}
	want := strings.TrimRight(strings.ReplaceAll(d.Body, "\r\n", "\n"), "\n")
	var lines []string
	for _, l := range m.Body {
		if l.Kind != message.LineNote {
			lines = append(lines, strings.Repeat("> ", l.QuoteLevel)+l.Text)
		}
	}
	got := strings.TrimRight(strings.Join(lines, "\n"), "\n")
	if len(d.Attachments) > 0 && d.Attachments[len(d.Attachments)-1].Type == "message/rfc822" {
		got, _, _ = strings.Cut(got, "\n\n> From:") // the renderer shows the attached message
	}
	if got != want {
		t.Errorf("rendered body differs:\n--- got\n%q\n--- want\n%q", got, want)
	}
	if len(m.Attachments) != len(d.Attachments) {
		t.Fatalf("%d attachments, want %d", len(m.Attachments), len(d.Attachments))
	}
	for i, a := range d.Attachments {
		var data bytes.Buffer
		if err := message.WriteAttachment(bytes.NewReader(b.Raw), i, &data); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data.Bytes(), a.Data) {
			t.Errorf("attachment %d: got %q, want %q", i, data.Bytes(), a.Data)
		}
		if wantName := filepath.Base(a.Name); m.Attachments[i].Name != wantName && a.Type != "message/rfc822" {
			t.Errorf("attachment %d named %q, want %q", i, m.Attachments[i].Name, wantName)
		}
	}
	// go-message reads it too, with the same header.
	r, err := gomail.CreateReader(bytes.NewReader(b.Raw))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Header.Subject(); s != d.Subject {
		t.Errorf("go-message reads subject %q", s)
	}
}

func TestBuildEnvelope(t *testing.T) {
	d := &Draft{
		From: addr("", "me@example.org"),
		To:   []*mail.Address{addr("", "a@x.org"), addr("", "B@x.org")},
		Cc:   []*mail.Address{addr("", "b@x.org")},
		Bcc:  []*mail.Address{addr("", "c@x.org")},
		Body: "x",
	}
	b, err := Build(d, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(b.Recipients, " "); got != "a@x.org B@x.org c@x.org" {
		t.Errorf("recipients %q", got)
	}
	for _, bad := range []*Draft{
		{From: addr("", "me@example.org"), Body: "x"},
		{From: nil, To: d.To},
		{From: addr("", "me@example.org"), To: []*mail.Address{addr("", "a@x.org\r\nRCPT TO:<evil@x>")}},
		{From: addr("", "not-an-address"), To: d.To},
	} {
		if _, err := Build(bad, testOpts); err == nil {
			t.Errorf("Build(%+v) succeeded", bad)
		}
	}
	if _, err := Build(&Draft{From: d.From}, testOpts); !errors.Is(err, ErrNoRecipient) {
		t.Errorf("no recipient: %v", err)
	}
}

func TestFlowed(t *testing.T) {
	long := strings.Repeat("abcd ", 30)
	tests := []struct{ in, want string }{
		{"hello", "hello\n"},
		{"a  \nb\r\n", "a\nb\n"},
		{"-- \nsig", "-- \nsig\n"},
		{" lead", "  lead\n"},
		{"From me", " From me\n"},
		{">quoted", "> quoted\n"},
		{">> deep", ">> deep\n"},
		{long, strings.Repeat("abcd ", 15) + "\n" + strings.Repeat("abcd ", 14) + "abcd\n"},
		{"> " + long, "> " + strings.Repeat("abcd ", 15) + "\n> " + strings.Repeat("abcd ", 14) + "abcd\n"},
		{strings.Repeat("x", 100), strings.Repeat("x", 100) + "\n"},
	}
	for _, tt := range tests {
		if got := Flowed(tt.in); got != tt.want {
			t.Errorf("Flowed(%q) =\n%q, want\n%q", tt.in, got, tt.want)
		}
	}
	for _, line := range strings.Split(Flowed(long+long+"tail"), "\n") {
		if len(line) > flowedWidth+1 {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
	}
}
