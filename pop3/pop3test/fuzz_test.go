package pop3test

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// FuzzSession feeds arbitrary command lines to a server: it must answer
// every session to the end (a QUIT after the input) without a panic or a
// hang, whatever came before.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"USER user\r\nPASS pass\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 2 1\r\nDELE 1\r\nRSET",
		"CAPA\r\nAUTH PLAIN\r\nAHVzZXIAcGFzcw==\r\nSTAT",
		"AUTH LOGIN dXNlcg==\r\ncGFzcw==\r\nLIST 99999999999999999999",
		"AUTH CRAM-MD5\r\nnot base64",
		"AUTH XOAUTH2 dXNlcj11c2VyAWF1dGg9QmVhcmVyIHgBAQ==",
		"APOP user 0123456789abcdef0123456789abcdef\r\nUTF8\r\nSTLS",
		"USER\r\nPASS\r\nTOP -1 -1\r\n\r\n \r\n\x00\xff",
	} {
		f.Add(seed)
	}
	srv, err := Start(Config{
		Maildrop: NewMaildrop(sample...),
		Tokens:   map[string]string{"user": "tok"},
		APOP:     true,
		UTF8:     true,
		NoLock:   true,
	})
	if err != nil {
		f.Fatal(err)
	}
	defer srv.Close()
	f.Fuzz(func(t *testing.T, input string) {
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			// "*" ends a SASL exchange the input may have left open.
			io.WriteString(conn, input+"\r\n*\r\nQUIT\r\n")
		}()
		out, err := io.ReadAll(conn)
		if err != nil && !isReset(err) {
			t.Fatalf("reading the replies: %v (server hung?)", err)
		}
		if !strings.HasPrefix(string(out), "+OK") {
			t.Fatalf("no greeting: %q", out)
		}
	})
}
