package pop3

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestDotReader(t *testing.T) {
	long := strings.Repeat("x", 100000)
	tests := []struct {
		name    string
		in      string
		want    string
		rest    string // what must remain unread after the reply
		maxLine int
		maxBody int64
		err     error
	}{
		{name: "empty body", in: ".\r\n", want: ""},
		{name: "crlf to lf", in: "a\r\nb\r\n.\r\nNEXT", want: "a\nb\n", rest: "NEXT"},
		{name: "bare lf", in: "a\nb\n.\nNEXT", want: "a\nb\n", rest: "NEXT"},
		{name: "mixed endings", in: "a\r\nb\nc\r\n.\r\n", want: "a\nb\nc\n"},
		{name: "stuffed dot", in: "..hidden\r\n...\r\n..\r\n.\r\n", want: ".hidden\n..\n.\n"},
		{name: "dot then text", in: ".x\r\n.\r\n", want: "x\n"},
		{name: "dot bare cr", in: ".\rx\r\n.\r\n", want: "\rx\n"},
		{name: "bare cr kept", in: "a\rb\r\n.\r\n", want: "a\rb\n"},
		{name: "double cr", in: "a\r\r\n.\r\n", want: "a\r\n"},
		{name: "empty lines", in: "\r\n\n\r\n.\r\n", want: "\n\n\n"},
		{name: "dot inside line", in: "a.\r\n.b.\r\n.\r\n", want: "a.\nb.\n"},
		{name: "long line not split", in: long + "\r\n.\r\n", want: long + "\n", maxLine: 100000},
		{name: "line too long", in: long + "\r\n.\r\n", maxLine: 99999, err: ErrLineTooLong},
		{name: "never ends", in: strings.Repeat("line\r\n", 1000), maxBody: 100, err: ErrReplyTooLong},
		{name: "eof inside", in: "a\r\nb", err: ErrServerClosed},
		{name: "eof after dot", in: "a\r\n.", err: ErrServerClosed},
		{name: "eof after dot cr", in: "a\r\n.\r", err: ErrServerClosed},
		{name: "eof at line start", in: "a\r\n", err: ErrServerClosed},
		{name: "utf8 and nul", in: "héllo\x00\r\n.\r\n", want: "héllo\x00\n"},
	}
	readers := map[string]func(string) *bufio.Reader{
		"big buffer": func(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 64<<10) },
		"tiny buffer": func(s string) *bufio.Reader {
			return bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(s)), 16)
		},
		"half reads": func(s string) *bufio.Reader {
			return bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(s)), 32)
		},
	}
	for _, tt := range tests {
		for rname, mk := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				maxLine := tt.maxLine
				if maxLine == 0 {
					maxLine = MaxLineLength
				}
				br := mk(tt.in)
				d := newDotReader(br, maxLine, tt.maxBody)
				var finished []error
				d.finish = func(err error) { finished = append(finished, err) }
				got, err := io.ReadAll(d)
				if tt.err != nil {
					if !errors.Is(err, tt.err) {
						t.Fatalf("err = %v, want %v", err, tt.err)
					}
					if len(finished) != 1 || !errors.Is(finished[0], tt.err) {
						t.Fatalf("finish got %v, want one call with %v", finished, tt.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("ReadAll: %v", err)
				}
				if string(got) != tt.want {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
				if len(finished) != 1 || finished[0] != nil {
					t.Fatalf("finish calls = %v, want one nil", finished)
				}
				rest, _ := io.ReadAll(br)
				if string(rest) != tt.rest {
					t.Fatalf("left %q unread, want %q", rest, tt.rest)
				}
				if n, err := d.Read(make([]byte, 10)); n != 0 || err != io.EOF {
					t.Fatalf("Read after end = %d, %v; want 0, EOF", n, err)
				}
			})
		}
	}
}

// TestDotReaderSmallReads reads one byte at a time: the decoder must keep
// its state across calls (a held CR, a line end without room for the LF).
func TestDotReaderSmallReads(t *testing.T) {
	in := "ab\r\n..c\r\n\r\nd\re\n.\r\n"
	d := newDotReader(bufio.NewReaderSize(strings.NewReader(in), 16), MaxLineLength, 0)
	got, err := io.ReadAll(iotest.OneByteReader(d))
	if err != nil {
		t.Fatal(err)
	}
	if want := "ab\n.c\n\nd\re\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
