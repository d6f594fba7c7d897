package pop3

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/popterm/popterm/pop3/pop3test"
)

// BenchmarkDotReader measures decoding throughput of a dot-stuffed body
// (76-octet CRLF lines, one in fifty stuffed).
func BenchmarkDotReader(b *testing.B) {
	var wire bytes.Buffer
	line := strings.Repeat("abcdefghij", 7) + "klmnop"
	for wire.Len() < 8<<20 {
		for i := 0; i < 50; i++ {
			if i == 0 {
				wire.WriteString("..")
			}
			wire.WriteString(line)
			wire.WriteString("\r\n")
		}
	}
	wire.WriteString(".\r\n")
	data := wire.Bytes()
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := newDotReader(bufio.NewReaderSize(bytes.NewReader(data), 64<<10), MaxLineLength, 0)
		for {
			_, err := d.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkTopLoopback fetches the headers of 10,000 messages from pop3test
// over loopback: pipelined (TopMany) and one command at a time (Top), and
// reports messages per second.
func BenchmarkTopLoopback(b *testing.B) {
	const total = 10000
	srv := pop3test.NewTest(b, pop3test.Config{Maildrop: pop3test.NewMaildrop(sampleMessages(total)...)})
	c := dial(b, srv.Addr(), nil)
	if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true}); err != nil {
		b.Fatal(err)
	}
	nums := make([]int, total)
	for i := range nums {
		nums[i] = i + 1
	}
	b.Run("pipelined", func(b *testing.B) {
		for b.Loop() {
			err := c.TopMany(bg, nums, 0, func(n int, body io.Reader, err error) error {
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, body)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("one-at-a-time", func(b *testing.B) {
		for b.Loop() {
			for _, n := range nums {
				r, err := c.Top(bg, n, 0)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
}
