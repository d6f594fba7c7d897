package mailbox

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/popterm/popterm/pop3"
)

func TestReadHeader(t *testing.T) {
	long := "X-Long: " + strings.Repeat("a", 4096-len("X-Long: ")) // 4096 bytes, then "\n"
	tests := []struct {
		name, in, header, rest string
	}{
		{"plain", "A: 1\nB: 2\n\nbody\n", "A: 1\nB: 2\n\n", "body\n"},
		{"CRLF", "A: 1\r\n\r\nbody\r\n", "A: 1\r\n\r\n", "body\r\n"},
		{"no body", "A: 1\n", "A: 1\n", ""},
		{"empty header", "\nbody\n", "\n", "body\n"},
		{"line ending at a buffer boundary", long + "\nB: 2\n\nbody\n", long + "\nB: 2\n\n", "body\n"},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := bufio.NewReaderSize(strings.NewReader(tt.in), 4096)
			hb, err := readHeader(r)
			if err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(r)
			if string(hb.header) != tt.header || string(rest) != tt.rest {
				t.Fatalf("header %q rest %q", hb.header, rest)
			}
		})
	}
}

func TestReadHeaderIsBounded(t *testing.T) {
	in := strings.Repeat("X: "+strings.Repeat("y", 100)+"\n", 2*maxHeader/100)
	hb, err := readHeader(bufio.NewReader(strings.NewReader(in)))
	if err != nil || len(hb.header) != maxHeader || !bytes.HasPrefix([]byte(in), hb.raw) {
		t.Fatalf("len %d, err %v", len(hb.header), err)
	}
}

// TestReadHeaderKeepsWhatItRead: a header cut at maxHeader keeps, in raw,
// every byte taken from the reader, so raw followed by the rest is the whole
// message (a server without TOP stores it that way).
func TestReadHeaderKeepsWhatItRead(t *testing.T) {
	in := strings.Repeat("X: "+strings.Repeat("y", 1000)+"\n", 2*maxHeader/1000) + "\nbody\n"
	br := bufio.NewReaderSize(strings.NewReader(in), 64<<10)
	hb, err := readHeader(br)
	if err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(br)
	if len(hb.header) != maxHeader || string(hb.raw)+string(rest) != in {
		t.Fatalf("header %d bytes, raw+rest %d bytes, want %d and %d", len(hb.header), len(hb.raw)+len(rest), maxHeader, len(in))
	}
}

func TestListingNumbersDuplicates(t *testing.T) {
	l := newListing([]pop3.UIDEntry{{Number: 1, UID: "a"}, {Number: 2, UID: "b"}, {Number: 3, UID: "a"}, {Number: 5, UID: "a"}})
	for k, want := range map[key]int{{"a", 0}: 1, {"a", 1}: 3, {"b", 0}: 2, {"a", 2}: 5} {
		if n, ok := l.number(k); !ok || n != want {
			t.Fatalf("key %v: message %d (listed %v), want %d", k, n, ok, want)
		}
	}
	if _, ok := l.number(key{"a", 3}); ok {
		t.Fatal("a fourth a is listed")
	}
	if l.unique("a") || !l.unique("b") {
		t.Fatal("uniqueness wrong")
	}
}

func TestHashIdentityIgnoresLineEnds(t *testing.T) {
	a := hashIdentity([]byte("A: 1\r\nB: 2\r\n\r\n"), 10)
	b := hashIdentity([]byte("A: 1\nB: 2\n\n"), 10)
	if a != b || !strings.HasPrefix(a, hashPrefix) {
		t.Fatalf("%s != %s", a, b)
	}
	if hashIdentity([]byte("A: 1\n\n"), 11) == hashIdentity([]byte("A: 1\n\n"), 10) {
		t.Fatal("size not part of the identity")
	}
}
