package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"+OK", "+OK 2 320", "-ERR [IN-USE] locked", "-ERR [SYS/TEMP]", "+ok", "-ERR [", "-ERR []", "+OKAY", "\x00", "-err [a/b/c] x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		st, err := parseStatus(line)
		if err != nil {
			if !utf8.ValidString(err.Error()) || strings.ContainsAny(err.Error(), "\x1b\x00") {
				t.Fatalf("unsafe error text %q", err)
			}
			return
		}
		if st.ok != bytes.HasPrefix(bytes.ToUpper(line), []byte("+OK")) {
			t.Fatalf("ok=%v for %q", st.ok, line)
		}
		if st.code != "" && (st.ok || st.code != strings.ToUpper(st.code) || strings.ContainsAny(st.code, " []")) {
			t.Fatalf("bad code %q for %q", st.code, line)
		}
		if len(st.text) > len(line) || !bytes.Contains(line, []byte(st.text)) {
			t.Fatalf("text %q not from %q", st.text, line)
		}
		e := &Error{Command: "X", Code: st.code, Text: sanitize(st.text, maxTextRunes)}
		if strings.ContainsAny(e.Error(), "\x1b\x00\r\n") || !utf8.ValidString(e.Error()) {
			t.Fatalf("unsafe error %q", e.Error())
		}
	})
}

func FuzzParseCapabilities(f *testing.F) {
	f.Add("TOP\nUIDL\nSASL PLAIN LOGIN\nLOGIN-DELAY 900\nEXPIRE NEVER\nIMPLEMENTATION x y")
	f.Add("EXPIRE 0 USER\nSASL \x1b[31m\nUTF8 USER\nPIPELINING")
	f.Add("LOGIN-DELAY 99999999999999999999999999\nEXPIRE -1")
	f.Fuzz(func(t *testing.T, text string) {
		c := ParseCapabilities(strings.Split(text, "\n"))
		if !c.Known || len(c.SASL) > maxSASL {
			t.Fatalf("caps %+v", c)
		}
		for _, m := range c.SASL {
			if m != strings.ToUpper(m) || len(m) > maxMechName || m == "" || !validMechName(m) {
				t.Fatalf("bad mechanism %q", m)
			}
		}
		if c.LoginDelay < 0 || c.ExpireDays < 0 || c.ExpireDays > maxExpireDays {
			t.Fatalf("bad numbers %+v", c)
		}
		if strings.ContainsFunc(c.Implementation, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) || !utf8.ValidString(c.Implementation) {
			t.Fatalf("unsanitized implementation %q", c.Implementation)
		}
	})
}

// refDecode is a plain line-by-line decoder of a multi-line reply, the
// specification the streaming dotReader must match: the decoded body, the
// bytes after the terminating line, and whether the reply is broken.
func refDecode(in []byte, maxLine int) (body, rest []byte, ok bool) {
	var out []byte
	for len(in) > 0 {
		i := bytes.IndexByte(in, '\n')
		if i < 0 {
			return nil, nil, false
		}
		line := bytes.TrimSuffix(in[:i], []byte("\r"))
		in = in[i+1:]
		if len(line) > 0 && line[0] == '.' {
			if len(line) == 1 {
				return out, in, true
			}
			line = line[1:]
		}
		if len(line) > maxLine {
			return nil, nil, false
		}
		out = append(append(out, line...), '\n')
	}
	return nil, nil, false
}

func FuzzDotReader(f *testing.F) {
	f.Add([]byte("a\r\n..b\r\n.\r\nrest"), uint8(8))
	f.Add([]byte("x\ny\n.\n"), uint8(1))
	f.Add([]byte(".\rx\r\n.\r\n"), uint8(3))
	f.Add([]byte("a\r\r\n\r\n.\r"), uint8(40))
	f.Add([]byte(strings.Repeat("z", 100)+"\r\n.\r\n"), uint8(99))
	f.Fuzz(func(t *testing.T, in []byte, maxLine uint8) {
		limit := int(maxLine)
		want, wantRest, ok := refDecode(in, limit)
		for _, br := range []*bufio.Reader{
			bufio.NewReaderSize(bytes.NewReader(in), 16),
			bufio.NewReaderSize(iotest.OneByteReader(bytes.NewReader(in)), 16),
			bufio.NewReaderSize(bytes.NewReader(in), 4096),
		} {
			d := newDotReader(br, limit, 0)
			got, err := io.ReadAll(d)
			if !ok {
				if err == nil {
					t.Fatalf("decoded a broken reply %q as %q", in, got)
				}
				if !errors.Is(err, ErrLineTooLong) && !errors.Is(err, ErrServerClosed) {
					t.Fatalf("unexpected error kind %v", err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("decode %q: %v (want %q)", in, err, want)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("decode %q = %q, want %q", in, got, want)
			}
			rest, _ := io.ReadAll(br)
			if !bytes.Equal(rest, wantRest) {
				t.Fatalf("rest %q, want %q", rest, wantRest)
			}
		}
	})
}

// FuzzRedact: whatever the server text, what clean returns is UTF-8 and never
// shows the secret: nowhere when it is minAnywhere bytes or longer, nowhere as
// a word of its own when shorter.
func FuzzRedact(f *testing.F) {
	f.Add("pass", "-ERR wrong password, pass")
	f.Add("hunter2", "hunter2\x1bhunter2 xhunter2")
	f.Add("topsecret", strings.Repeat("a", maxTextRunes-4)+"topsecret")
	f.Add("pä", "pä ßpä p\x01ä")
	f.Add("!x!", "a!x!b")
	f.Fuzz(func(t *testing.T, secret, text string) {
		var s secrets
		s.add(secret)
		got := s.clean(text)
		if !utf8.ValidString(got) {
			t.Fatalf("clean(%q) with secret %q = %q: not UTF-8", text, secret, got)
		}
		if secret == "" || strings.ContainsAny(secret, "[]") || !utf8.ValidString(secret) {
			return // "[redacted]" could spell such a secret; a broken one can match inside a character
		}
		for from := 0; ; {
			i := strings.Index(got[from:], secret)
			if i < 0 {
				return
			}
			i += from
			if len(secret) >= minAnywhere || standsAlone(got, i, i+len(secret)) {
				t.Fatalf("clean(%q) with secret %q = %q: the secret shows", text, secret, got)
			}
			from = i + 1
		}
	})
}
