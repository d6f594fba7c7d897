package compose

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
)

const origMsg = "From: Bob <bob@example.net>\n" +
	"To: Alice <alice@example.org>, carol@example.com\n" +
	"Cc: ALICE@example.org, dave@example.com\n" +
	"Subject: =?utf-8?q?Re:_RE[2]:_d=C3=A9jeuner?=\n" +
	"Date: Sat, 5 Dec 2026 10:00:00 +0000\n" +
	"Message-ID: <m3@example.net>\n" +
	"References: <m1@example.net> <m2@example.net>\n" +
	"MIME-Version: 1.0\n" +
	"Content-Type: multipart/mixed; boundary=b\n\n" +
	"--b\nContent-Type: text/plain; charset=utf-8\n\nSee you at noon.\n> earlier line\n\n-- \nBob\n" +
	"--b\nContent-Type: image/png\nContent-Disposition: attachment; filename=map.png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n"

var me = Identity{From: addr("Alice", "alice@example.org"), Signature: "-- \nAlice\n"}

func emails(l []*mail.Address) string {
	s := make([]string, len(l))
	for i, a := range l {
		s[i] = a.Address
	}
	return strings.Join(s, ",")
}

func TestReply(t *testing.T) {
	withHeader := func(extra string) []byte { return []byte(extra + origMsg) }
	tests := []struct {
		name   string
		raw    []byte
		all    bool
		to, cc string
	}{
		{"sender", withHeader(""), false, "bob@example.net", ""},
		{"all drops me", withHeader(""), true, "bob@example.net", "carol@example.com,dave@example.com"},
		{"reply-to", withHeader("Reply-To: list@example.net\n"), false, "list@example.net", ""},
		{"followup-to on all", withHeader("Mail-Followup-To: list@example.net, alice@example.org\n"), true, "list@example.net", ""},
		{"followup-to ignored for sender", withHeader("Mail-Followup-To: list@example.net\n"), false, "bob@example.net", ""},
		{"own message", []byte("From: alice@example.org\nTo: bob@example.net\nSubject: x\nMessage-ID: <a@b>\n\nbody\n"), false, "bob@example.net", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Reply(tt.raw, me, tt.all)
			if err != nil {
				t.Fatal(err)
			}
			if got := emails(d.To); got != tt.to {
				t.Errorf("To = %q, want %q", got, tt.to)
			}
			if got := emails(d.Cc); got != tt.cc {
				t.Errorf("Cc = %q, want %q", got, tt.cc)
			}
		})
	}

	d, err := Reply([]byte(origMsg), me, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != "Re: déjeuner" {
		t.Errorf("subject %q", d.Subject)
	}
	if d.InReplyTo != "m3@example.net" || strings.Join(d.References, " ") != "m1@example.net m2@example.net m3@example.net" {
		t.Errorf("threading: In-Reply-To %q, References %q", d.InReplyTo, d.References)
	}
	wantBody := "On Sat, 5 Dec 2026 10:00 +0000, Bob <bob@example.net> wrote:\n> See you at noon.\n>> earlier line\n\n\n-- \nAlice\n"
	if d.Body != wantBody {
		t.Errorf("body\n%q, want\n%q", d.Body, wantBody)
	}
	if len(d.Attachments) != 0 {
		t.Error("a reply must not carry the origMsg's attachments")
	}
	if _, err := Build(d, testOpts); err != nil {
		t.Fatalf("the reply does not build: %v", err)
	}
	if _, err := Reply(nil, me, false); err == nil {
		t.Error("Reply of an empty message succeeded")
	}
}

func TestTrimReferences(t *testing.T) {
	var refs []string
	for i := 0; i < 15; i++ {
		refs = append(refs, string(rune('a'+i))+"@x")
	}
	got := trimReferences(refs)
	if len(got) != maxReferences || got[0] != "a@x" || got[1] != "g@x" || got[9] != "o@x" {
		t.Errorf("trimReferences = %v", got)
	}
}

func TestSubjects(t *testing.T) {
	for in, want := range map[string]string{
		"hello": "Re: hello", "Re: hello": "Re: hello", "RE: Re: hello": "Re: hello",
		"Aw: hello": "Re: hello", "Re[3]: hello": "Re: hello", "": "Re: ", "Rebates": "Re: Rebates",
	} {
		if got := ReplySubject(in); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"hello": "Fwd: hello", "Fwd: hello": "Fwd: hello", "FW: x": "FW: x"} {
		if got := ForwardSubject(in); got != want {
			t.Errorf("ForwardSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestForward(t *testing.T) {
	d, err := Forward([]byte(origMsg), me, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.Subject != "Fwd: Re: RE[2]: déjeuner" {
		t.Errorf("subject %q", d.Subject)
	}
	for _, want := range []string{"---------- Forwarded message ----------\n", "From: Bob <bob@example.net>\n", "Subject: Re: RE[2]: déjeuner\n", "\nSee you at noon.\n> earlier line\n", "-- \nAlice\n"} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, d.Body)
		}
	}
	if len(d.Attachments) != 1 || d.Attachments[0].Name != "map.png" || d.Attachments[0].Type != "image/png" || string(d.Attachments[0].Data) != "\x89PNG\r\n\x1a\n" {
		t.Errorf("attachments %+v", d.Attachments)
	}
	if len(d.To) != 0 || d.InReplyTo != "" {
		t.Error("a forward has no recipient and no threading yet")
	}

	d, err = Forward([]byte(origMsg), me, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Attachments) != 1 || d.Attachments[0].Type != "message/rfc822" || string(d.Attachments[0].Data) != origMsg || !strings.HasSuffix(d.Attachments[0].Name, ".eml") {
		t.Errorf("forward as attachment: %+v", d.Attachments)
	}
	d.To = []*mail.Address{addr("", "eve@example.com")}
	b, err := Build(d, testOpts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b.Raw), "Content-Type: message/rfc822\n") || !strings.Contains(string(b.Raw), "\nSee you at noon.\n") {
		t.Errorf("the attached message is not carried as it is:\n%s", b.Raw)
	}
}

func TestEditRoundTrip(t *testing.T) {
	d, err := Reply([]byte(origMsg), me, true)
	if err != nil {
		t.Fatal(err)
	}
	text := EditText(d)
	if !strings.HasPrefix(text, "To: Bob <bob@example.net>\nCc: carol@example.com, dave@example.com\nBcc: \nSubject: Re: déjeuner\n\nOn ") {
		t.Errorf("edit text:\n%s", text)
	}
	if _, err := ParseEdited(d, text); !errors.Is(err, ErrUnchanged) {
		t.Errorf("unchanged body: err = %v, want ErrUnchanged", err)
	}
	edited := strings.Replace(text, "Bcc: ", "Bcc: \"Zoë, Z\" <zoe@example.org>,\n  x@example.com", 1)
	edited = strings.Replace(edited, "Subject: Re: déjeuner", "Subject: Re: lunch", 1)
	edited = strings.Replace(edited, "\n\nOn ", "\n\nYes!\n\nOn ", 1)
	got, err := ParseEdited(d, edited)
	if err != nil {
		t.Fatal(err)
	}
	if emails(got.Bcc) != "zoe@example.org,x@example.com" || got.Bcc[0].Name != "Zoë, Z" || got.Subject != "Re: lunch" || !strings.HasPrefix(got.Body, "Yes!\n\nOn ") {
		t.Errorf("parsed %+v", got)
	}
	if got.InReplyTo != d.InReplyTo || emails(got.To) != "bob@example.net" {
		t.Error("ParseEdited lost what the text does not hold")
	}
	if EditText(got) != strings.Replace(edited, "\"Zoë, Z\" <zoe@example.org>,\n  x@example.com", "\"Zoë, Z\" <zoe@example.org>, x@example.com", 1) {
		t.Errorf("EditText(ParseEdited(x)) != x:\n%s", EditText(got))
	}
	for _, bad := range []string{"To bob\n\nbody", "To: not an address\n\nbody", "X-Evil: 1\n\nbody"} {
		if _, err := ParseEdited(d, bad); err == nil || errors.Is(err, ErrUnchanged) {
			t.Errorf("ParseEdited(%q) = %v, want an error", bad, err)
		}
	}
}

func TestNewSigned(t *testing.T) {
	d := New(me)
	if d.Body != "\n\n-- \nAlice\n" || d.From != me.From {
		t.Errorf("New = %+v", d)
	}
	if got := (Identity{}).Sign("x"); got != "x" {
		t.Errorf("no signature: %q", got)
	}
}

func TestResumeADraft(t *testing.T) {
	me := Identity{From: &mail.Address{Name: "Me", Address: "me@example.org"}}
	d := &Draft{From: me.From, To: []*mail.Address{{Name: "Bob", Address: "bob@example.com"}}, Subject: "Plans ☕",
		Body: "Saturday?\n> earlier text\n", InReplyTo: "a@x", References: []string{"a@x"},
		Attachments: []Attachment{{Name: "notes.txt", Data: []byte("notes\n")}}}
	b, err := Build(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Resume(b.Raw, me)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != d.Subject || FormatAddresses(got.To) != "Bob <bob@example.com>" || got.InReplyTo != "a@x" ||
		len(got.References) != 1 || len(got.Attachments) != 1 || string(got.Attachments[0].Data) != "notes\n" {
		t.Errorf("resumed %+v", got)
	}
	if !strings.Contains(got.Body, "Saturday?\n> earlier text") {
		t.Errorf("body %q", got.Body)
	}
	if _, err := Resume(nil, me); err == nil {
		t.Error("an empty message resumed")
	}
}

// A Drafts copy keeps the Bcc, which Resume restores; built again to be
// sent, the message carries it in no header (only in the envelope).
func TestResumeKeepsBcc(t *testing.T) {
	me := Identity{From: &mail.Address{Name: "Me", Address: "me@example.org"}}
	d := &Draft{From: me.From, To: []*mail.Address{{Address: "bob@example.com"}},
		Bcc: []*mail.Address{{Name: "Secret Sam", Address: "sam@example.net"}}, Subject: "Plans", Body: "Hi.\n"}
	plain, err := Build(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain.Raw), "sam@example.net") {
		t.Fatalf("a message to send carries the Bcc:\n%s", plain.Raw)
	}
	saved, err := Build(d, &Options{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved.Raw), DraftBccHeader+": \"Secret Sam\" <sam@example.net>") {
		t.Fatalf("the Drafts copy lacks the Bcc:\n%s", saved.Raw)
	}
	got, err := Resume(saved.Raw, me)
	if err != nil {
		t.Fatal(err)
	}
	if FormatAddresses(got.Bcc) != FormatAddresses(d.Bcc) {
		t.Errorf("resumed Bcc %q, want %q", FormatAddresses(got.Bcc), FormatAddresses(d.Bcc))
	}
	again, err := Build(got, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(again.Raw), "sam@example.net") || strings.Contains(string(again.Raw), DraftBccHeader) {
		t.Errorf("the resumed message to send carries the Bcc:\n%s", again.Raw)
	}
	if n := len(again.Recipients); n != 2 || again.Recipients[1] != "sam@example.net" {
		t.Errorf("envelope %v, want bob and sam", again.Recipients)
	}
}
