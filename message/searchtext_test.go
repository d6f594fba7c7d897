package message

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// searchCases are messages whose attachments SearchText skips: base64 and
// quoted-printable attachments, one inside an attached message, a broken
// base64 part followed by text, and an attachment at the top level.
func searchCases() map[string][]byte {
	blob := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("binary\x00data "), 5000))
	return map[string][]byte{
		"mixed": []byte("From: a@example.com\nSubject: report\nContent-Type: multipart/mixed; boundary=b\n\n" +
			"--b\nContent-Type: text/plain\n\nsee the attached quarterly report\n" +
			"--b\nContent-Type: application/pdf; name=r.pdf\nContent-Transfer-Encoding: base64\n\n" + blob + "\n" +
			"--b\nContent-Type: text/html\n\n<p>and a <a href=\"https://example.com/x\">link</a> after it</p>\n--b--\n"),
		"nested": []byte("From: a@example.com\nContent-Type: multipart/mixed; boundary=o\n\n" +
			"--o\nContent-Type: message/rfc822\n\nFrom: b@example.com\nSubject: inner\nContent-Type: multipart/mixed; boundary=i\n\n" +
			"--i\nContent-Type: text/plain\n\ninner words\n--i\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n" + blob + "\n--i--\n" +
			"--o\nContent-Type: text/plain\n\nouter words after\n--o--\n"),
		"broken-base64": []byte("From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n" +
			"--b\nContent-Type: application/zip\nContent-Transfer-Encoding: base64\n\n!!!not base64 at all???\n" +
			"--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 text\n--b--\n"),
		// The plain alternative is shown; the HTML one after it is not
		// rendered but its inline image is still listed.
		"alternative-related": []byte("From: a@example.com\nContent-Type: multipart/alternative; boundary=a\n\n" +
			"--a\nContent-Type: text/plain\n\nplain words https://example.com/p\n" +
			"--a\nContent-Type: multipart/related; boundary=r\n\n--r\nContent-Type: text/html\n\n<p>html <a href=\"https://example.com/h\">words</a></p>\n" +
			"--r\nContent-Type: image/png\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n" + blob + "\n--r--\n" +
			"--a\nContent-Type: text/html\n\n<p>last html</p>\n--a--\n"),
		"alternative-blank-plain": []byte("From: a@example.com\nContent-Type: multipart/alternative; boundary=a\n\n" +
			"--a\nContent-Type: text/plain\n\n   \n--a\nContent-Type: text/html\n\n<p>only the html <a href=\"https://example.com/h\">speaks</a></p>\n--a--\n"),
		"top-attachment": []byte("From: a@example.com\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + blob + "\n"),
	}
}

// TestSearchTextMatchesParse indexes the corpus both ways: SearchText must
// give exactly the text of Parse(...).Text() and the same answer about
// attachments, so that skipping attachments changes no search result.
func TestSearchTextMatchesParse(t *testing.T) {
	msgs := corpus(t)
	for name, data := range searchCases() {
		msgs["search-"+name] = data
	}
	withAttachments := 0
	for name, data := range msgs {
		m, err := Parse(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatalf("%s: Parse: %v", name, err)
		}
		text, attach, err := SearchText(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: SearchText: %v", name, err)
		}
		if text != m.Text() {
			t.Errorf("%s: SearchText differs from Parse().Text():\n%q\nwant\n%q", name, text, m.Text())
		}
		if attach != (len(m.Attachments) > 0) {
			t.Errorf("%s: attachments %v, Parse lists %d", name, attach, len(m.Attachments))
		}
		if attach {
			withAttachments++
		}
	}
	if withAttachments < 5 {
		t.Fatalf("only %d messages with attachments: the comparison proves little", withAttachments)
	}
	text, _, _ := SearchText(bytes.NewReader(searchCases()["mixed"]))
	if !strings.Contains(text, "quarterly report") || !strings.Contains(text, "link") || strings.Contains(text, "binary") {
		t.Fatalf("mixed: %q", text)
	}
	text, attach, _ := SearchText(bytes.NewReader(searchCases()["alternative-related"]))
	if !strings.Contains(text, "plain words") || strings.Contains(text, "html") || !attach {
		t.Fatalf("alternative-related: %q, attachments %v", text, attach)
	}
	if text, _, _ := SearchText(bytes.NewReader(searchCases()["alternative-blank-plain"])); !strings.Contains(text, "only the html speaks") {
		t.Fatalf("alternative-blank-plain: %q", text)
	}
}

// TestSearchTextReadError returns the input's read error, as Parse does.
func TestSearchTextReadError(t *testing.T) {
	r := &failingReader{data: searchCases()["mixed"][:200]}
	if _, _, err := SearchText(r); err == nil {
		t.Fatal("no error from a failing reader")
	}
}
