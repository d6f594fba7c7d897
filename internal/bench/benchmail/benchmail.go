// Package benchmail makes synthetic but realistic mail for benchmarks, so
// that the store benchmark and the benchmark programs measure the same
// kind of header blocks.
package benchmail

import (
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
