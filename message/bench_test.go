package message

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// benchPlain is a 1 MB plain-text message: paragraphs, quotes, URLs,
// Korean text, a signature.
func benchPlain() []byte {
	var b bytes.Buffer
	b.WriteString("From: Bench <bench@example.com>\nTo: you@example.com\nSubject: =?utf-8?q?Big_plain?=\n" +
		"Date: Tue, 10 Mar 2026 11:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "Paragraph %d: the quick brown fox jumps over the lazy dog, see https://example.com/%d for details.\n", i, i)
		b.WriteString("> quoted line with some words that go on for a while and then a bit more\n")
		b.WriteString("> > 한국어 인용문도 섞여 있습니다. 日本語の文もあります。\n\n")
	}
	b.WriteString("-- \nBench\n")
	return b.Bytes()
}

// benchHTML is a 1 MB HTML newsletter: nested tables, links, images, lists.
func benchHTML() []byte {
	var b bytes.Buffer
	b.WriteString("From: News <news@example.com>\nTo: you@example.com\nSubject: Big HTML\n" +
		"Date: Tue, 10 Mar 2026 11:00:00 +0000\nContent-Type: text/html; charset=utf-8\n\n" +
		"<html><head><style>td{color:red}</style></head><body><table>")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, `<tr><td><img src="https://cdn.example.com/%d.png" alt="Item %d"></td><td><h2>Story %d</h2>`+
			`<p>Some <b>bold</b> text &amp; an entity&nbsp;here, and <a href="https://example.com/story/%d">a link</a>.</p>`+
			`<ul><li>one</li><li>two</li></ul></td></tr>`+"\n", i, i, i, i)
	}
	b.WriteString("</table></body></html>\n")
	return b.Bytes()
}

// benchAttachment is a 1 MB message that is mostly a base64 attachment.
func benchAttachment() []byte {
	var b bytes.Buffer
	b.WriteString("From: a@example.com\nSubject: Attachment\nContent-Type: multipart/mixed; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\nSee attached.\n--b\nContent-Type: application/pdf; name=x.pdf\n" +
		"Content-Transfer-Encoding: base64\n\n")
	enc := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.4 binary data "), 760<<10/21))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n--b--\n")
	return b.Bytes()
}

// BenchmarkRender parses a 1 MB message and wraps it to 80 columns (the
// target is under 50 ms per message). Run it with -cpu 1 for a figure that
// matches one UI goroutine.
func BenchmarkRender(b *testing.B) {
	for _, c := range []struct {
		name string
		raw  []byte
	}{{"plain-1MB", benchPlain()}, {"html-1MB", benchHTML()}, {"attachment-1MB", benchAttachment()}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			cpu0, n := cpuNanos(), 0
			for b.Loop() {
				m, err := Parse(bytes.NewReader(c.raw), Options{})
				if err != nil {
					b.Fatal(err)
				}
				m.Wrap(80)
				n++
			}
			// CPU time per message (GC included) is steadier than wall
			// time when other work shares the machine.
			b.ReportMetric(float64(cpuNanos()-cpu0)/float64(n)/1e6, "cpu-ms/op")
		})
	}
}

// BenchmarkWrap measures re-wrapping alone (what the UI does on resize).
func BenchmarkWrap(b *testing.B) {
	m, err := Parse(bytes.NewReader(benchPlain()), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m.Wrap(100)
	}
}

// BenchmarkParseSummary measures the index's per-message header parse.
func BenchmarkParseSummary(b *testing.B) {
	hdr := []byte(strings.Repeat("Received: from a by b; Tue, 10 Mar 2026 11:00:00 +0000\n", 10) +
		"From: =?utf-8?b?7ZmN6ri464+Z?= <hong@example.kr>\nTo: a@example.com, \"B, C\" <b@example.com>\n" +
		"Subject: =?ks_c_5601-1987?B?x9Gx2w==?= test\nDate: Tue, 10 Mar 2026 11:00:00 +0900\n" +
		"Message-ID: <abc@example.com>\nContent-Type: multipart/mixed; boundary=x\n")
	for b.Loop() {
		ParseSummary(hdr)
	}
}
