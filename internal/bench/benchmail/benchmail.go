// Package benchmail makes synthetic but realistic mail for benchmarks, so
// that the store benchmark and the benchmark programs measure the same
// kind of header blocks.
package benchmail

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Header returns a header block of about 1 KB for message i (LF line ends,
// no blank line after it): Return-Path, Received, DKIM-Signature, an RFC 2047
// encoded sender, To and sometimes Cc, subject, a date within five years of
// 2020, Message-ID, every fourth message a reply, and MIME headers.
func Header(rng *rand.Rand, i int, subject string) []byte {
	d := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour))))
	var b strings.Builder
	fmt.Fprintf(&b, "Return-Path: <sender%d@example.org>\n", i%997)
	fmt.Fprintf(&b, "Received: from mx%d.example.org (mx%d.example.org [192.0.2.%d])\n\tby mail.example.net with ESMTPS id %08x\n\tfor <me@example.net>; %s\n", i%7, i%7, i%250, rng.Uint32(), d.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; h=from:to:subject:date; bh=%016x=; b=%032x\n", rng.Uint64(), rng.Uint64())
	fmt.Fprintf(&b, "From: =?UTF-8?B?7ZmN6ri464+Z?= %d <sender%d@example.org>\n", i%997, i%997)
	fmt.Fprintf(&b, "To: Me <me@example.net>, team%d@example.net\n", i%13)
	if i%3 == 0 {
		b.WriteString("Cc: boss@example.net\n")
	}
	fmt.Fprintf(&b, "Subject: %s\n", subject)
	fmt.Fprintf(&b, "Date: %s\n", d.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%d.%x@example.org>\n", i, rng.Uint64())
	if i%4 == 0 {
		fmt.Fprintf(&b, "In-Reply-To: <%d.parent@example.org>\nReferences: <%d.root@example.org> <%d.parent@example.org>\n", i, i, i)
	}
	b.WriteString("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n")
	return []byte(b.String())
}

// words make plausible body text.
var words = strings.Fields(`the of and to in is that for it as was with be by on not this are or
from at which but have an they you were there been one all we their has would when if so no
out up into do any your what more about them than some time could other these only two then
first also new like after meeting report invoice project budget schedule review draft
attached please thanks regards tomorrow quarter update shipment order customer ticket
Zürich café naïve résumé coördinate`)

// Message returns message i of a realistic maildrop (CRLF-free, LF line
// ends): a Header block and a body whose size follows a mix seen in real
// mailboxes, about 20 KB on average: 60% plain text of 1-10 KB, 30% text
// and HTML alternatives of 8-40 KB, 10% with a base64 attachment of 27-220
// KB. The same i and seed give the same bytes.
func Message(seed uint64, i int) []byte {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	subject := sentence(rng, 3+rng.IntN(6))
	h := Header(rng, i, subject)
	var b strings.Builder
	kind := rng.IntN(10)
	switch {
	case kind < 6:
		b.Write(h)
		b.WriteString("\n")
		text(&b, rng, 1000+rng.IntN(9000))
	case kind < 9:
		b.Write(withType(h, `multipart/alternative; boundary="alt-b"`))
		b.WriteString("\nThis is a multi-part message in MIME format.\n\n--alt-b\nContent-Type: text/plain; charset=utf-8\n\n")
		n := 3000 + rng.IntN(12000)
		text(&b, rng, n)
		b.WriteString("\n--alt-b\nContent-Type: text/html; charset=utf-8\n\n<html><body>\n")
		for b.Len() < 2*n+2000 {
			b.WriteString("<p style=\"margin:0;font-family:Arial,sans-serif\">")
			b.WriteString(sentence(rng, 8+rng.IntN(10)))
			b.WriteString("</p>\n")
		}
		b.WriteString("</body></html>\n--alt-b--\n")
	default:
		b.Write(withType(h, `multipart/mixed; boundary="mix-b"`))
		b.WriteString("\n--mix-b\nContent-Type: text/plain; charset=utf-8\n\n")
		text(&b, rng, 500+rng.IntN(3000))
		b.WriteString("\n--mix-b\nContent-Type: application/pdf; name=\"report.pdf\"\nContent-Disposition: attachment; filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n")
		raw := make([]byte, 57)
		for range (20000 + rng.IntN(140000)) / 57 {
			for j := range raw {
				raw[j] = byte(rng.Uint32())
			}
			b.WriteString(base64.StdEncoding.EncodeToString(raw))
			b.WriteByte('\n')
		}
		b.WriteString("--mix-b--\n")
	}
	return []byte(b.String())
}

// withType replaces the header block's Content-Type and transfer encoding.
func withType(h []byte, ctype string) []byte {
	var out []string
	for _, l := range strings.SplitAfter(string(h), "\n") {
		if strings.HasPrefix(l, "Content-Type:") || strings.HasPrefix(l, "Content-Transfer-Encoding:") {
			continue
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "") + "Content-Type: " + ctype + "\n")
}

// text writes lines of words until about n bytes, some lines quoted and
// some starting with a dot (which POP3 stuffs).
func text(b *strings.Builder, rng *rand.Rand, n int) {
	for end := b.Len() + n; b.Len() < end; {
		switch rng.IntN(20) {
		case 0:
			b.WriteString("> ")
		case 1:
			b.WriteString(".")
		}
		b.WriteString(sentence(rng, 6+rng.IntN(8)))
		b.WriteByte('\n')
	}
}

// sentence joins n random words.
func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}
