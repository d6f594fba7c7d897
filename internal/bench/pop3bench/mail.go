package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// words make plausible body text.
var words = strings.Fields(`the of and to in is that for it as was with be by on not he
this are or his from at which but have an they you were her she there been one
all we their has would when if so no out up into do any your what more about
them than some time could other these only two then first also new like after
meeting report invoice project budget schedule review draft attached please
thanks regards tomorrow quarter update shipment order customer ticket`)

// benchMessage returns message i (from 0) of the maildrop: a realistic
// 3-5 KB message with a header block of Received lines, addresses, MIME
// headers, and a text body with some dot-leading lines.
func benchMessage(i int) []byte {
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	date := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 17 * time.Minute)
	var b strings.Builder
	for h := 0; h < 3; h++ {
		fmt.Fprintf(&b, "Received: from mx%d.example.net (mx%d.example.net [192.0.2.%d])\n\tby mail.example.org (Postfix) with ESMTPS id %X\n\tfor <user@example.org>; %s\n",
			h, h, rng.IntN(250)+1, rng.Uint64(), date.Format(time.RFC1123Z))
	}
	fmt.Fprintf(&b, "Date: %s\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "From: Sender %d <sender%d@example.net>\n", i%97, i%97)
	b.WriteString("To: User <user@example.org>\n")
	fmt.Fprintf(&b, "Subject: Message %d: %s %s %s\n", i+1, word(rng), word(rng), word(rng))
	fmt.Fprintf(&b, "Message-ID: <%d.%x@example.net>\n", i, rng.Uint64())
	b.WriteString("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n")
	fmt.Fprintf(&b, "DKIM-Signature: v=1; a=rsa-sha256; d=example.net; s=sel; b=%x%x%x%x\n\n",
		rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
	target := 3000 + rng.IntN(2000)
	line := 0
	for b.Len() < target {
		if line%15 == 14 {
			b.WriteString(".leading dot line\n")
		}
		n := 8 + rng.IntN(6)
		for w := 0; w < n; w++ {
			if w > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word(rng))
		}
		b.WriteByte('\n')
		line++
	}
	return []byte(b.String())
}

func word(rng *rand.Rand) string { return words[rng.IntN(len(words))] }

// bigMessage streams a message of about size bytes: a header, then lines of
// 76 characters, every 100th starting with a dot.
type bigMessage struct {
	left   int64
	header string
	line   int
	buf    []byte
}

func newBigMessage(size int64) *bigMessage {
	h := "From: big@example.net\nTo: user@example.org\nSubject: a 100 MB message\nMessage-ID: <big@example.net>\n\n"
	return &bigMessage{left: size, header: h}
}

func (m *bigMessage) Read(p []byte) (int, error) {
	if len(m.buf) == 0 {
		if m.left <= 0 {
			return 0, io.EOF
		}
		if m.header != "" {
			m.buf = []byte(m.header)
			m.header = ""
		} else {
			m.line++
			lead := "x"
			if m.line%100 == 0 {
				lead = "."
			}
			m.buf = []byte(fmt.Sprintf("%s%074d\n", lead, m.line))
		}
		m.left -= int64(len(m.buf))
	}
	n := copy(p, m.buf)
	m.buf = m.buf[n:]
	return n, nil
}
