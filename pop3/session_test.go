package pop3

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

var bg = context.Background()

func TestGreeting(t *testing.T) {
	tests := []struct {
		name     string
		greeting string
		text     string
		stamp    string
		code     string // *Error code expected ("-" for none)
		protocol error  // *ProtocolError cause expected
	}{
		{name: "plain", greeting: "+OK POP3 ready", text: "POP3 ready"},
		{name: "bare ok", greeting: "+OK", text: ""},
		{name: "apop stamp", greeting: "+OK ready <1.2@host>", text: "ready <1.2@host>", stamp: "<1.2@host>"},
		{name: "escapes", greeting: "+OK \x1b]0;pwned\x07hi", text: "]0;pwnedhi"},
		{name: "refused", greeting: "-ERR [SYS/TEMP] too busy", code: CodeSysTemp},
		{name: "not pop3", greeting: "SSH-2.0-OpenSSH", protocol: nil},
		{name: "too long", greeting: "+OK " + strings.Repeat("x", MaxStatusLength), protocol: ErrLineTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send(tt.greeting)
				p.eof()
			})
			c, err := Dial(bg, addr, nil)
			if tt.code != "" {
				var se *Error
				if !errors.As(err, &se) || se.Code != tt.code || se.Command != "greeting" {
					t.Fatalf("err = %v, want *Error [%s]", err, tt.code)
				}
				return
			}
			if strings.HasPrefix(tt.name, "not") || tt.protocol != nil {
				var pe *ProtocolError
				if !errors.As(err, &pe) || (tt.protocol != nil && !errors.Is(err, tt.protocol)) {
					t.Fatalf("err = %v, want a ProtocolError (%v)", err, tt.protocol)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.Greeting() != tt.text || c.timestamp != tt.stamp {
				t.Fatalf("greeting %q stamp %q, want %q %q", c.Greeting(), c.timestamp, tt.text, tt.stamp)
			}
			if _, ok := c.TLS(); ok {
				t.Fatal("TLS reported on a cleartext connection")
			}
			if caps := c.Caps(); caps == nil || caps.Known {
				t.Fatalf("Caps before CAPA = %+v, want empty", caps)
			}
		})
	}
}

// TestSession runs every RFC 1939 command against a scripted server.
func TestSession(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK ready")
		p.expect("CAPA")
		p.send("+OK", "TOP", "UIDL", "USER", "RESP-CODES", ".")
		p.expect("USER alice")
		p.send("+OK")
		p.expect("PASS s3cret")
		p.send("+OK logged in")
		p.expect("STAT")
		p.send("+OK 3 1300")
		p.expect("LIST")
		p.send("+OK 3 messages", "1 100", "2 200 extra", "3 1000", ".")
		p.expect("LIST 2")
		p.send("+OK 2 205")
		p.expect("UIDL")
		p.send("+OK", "1 aaa", "2 "+strings.Repeat("L", 100), "3 aaa", ".")
		p.expect("UIDL 3")
		p.send("+OK 3 aaa")
		p.expect("RETR 1")
		p.send("+OK 100 octets", "Subject: hi", "", "..dot", "line", ".")
		p.expect("TOP 2 0")
		p.send("+OK", "Subject: two", "", ".")
		p.expect("DELE 1")
		p.send("+OK marked")
		p.expect("DELE 9")
		p.send("-ERR no such message")
		p.expect("NOOP")
		p.send("+OK")
		p.expect("RSET")
		p.send("+OK")
		p.expect("QUIT")
		p.send("+OK bye")
	})
	c := dial(t, addr, nil)
	caps, err := c.Capa(bg)
	if err != nil || !caps.Known || !caps.Top || !caps.User || caps.Pipelining {
		t.Fatalf("Capa = %+v, %v", caps, err)
	}
	if err := c.User(bg, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.Pass(bg, "s3cret"); err != nil {
		t.Fatal(err)
	}
	if n, size, err := c.Stat(bg); n != 3 || size != 1300 || err != nil {
		t.Fatalf("Stat = %d %d %v", n, size, err)
	}
	list, err := c.List(bg)
	if want := []MessageInfo{{1, 100}, {2, 200}, {3, 1000}}; err != nil || !reflect.DeepEqual(list, want) {
		t.Fatalf("List = %v %v", list, err)
	}
	if mi, err := c.ListOne(bg, 2); err != nil || mi != (MessageInfo{2, 205}) {
		t.Fatalf("ListOne = %v %v", mi, err)
	}
	uids, err := c.UIDL(bg)
	if want := []UIDEntry{{Number: 1, UID: "aaa"}, {Number: 2, UID: strings.Repeat("L", 100)}, {Number: 3, UID: "aaa"}}; err != nil || !reflect.DeepEqual(uids, want) {
		t.Fatalf("UIDL = %v %v (duplicates and long UIDs must be kept as sent)", uids, err)
	}
	if e, err := c.UIDLOne(bg, 3); err != nil || e != (UIDEntry{Number: 3, UID: "aaa"}) {
		t.Fatalf("UIDLOne = %v %v", e, err)
	}
	if got := readAll(t)(c.Retr(bg, 1)); got != "Subject: hi\n\n.dot\nline\n" {
		t.Fatalf("Retr = %q", got)
	}
	if got := readAll(t)(c.Top(bg, 2, 0)); got != "Subject: two\n\n" {
		t.Fatalf("Top = %q", got)
	}
	if err := c.Dele(bg, 1); err != nil {
		t.Fatal(err)
	}
	err = c.Dele(bg, 9)
	var se *Error
	if !errors.As(err, &se) || se.Command != "DELE 9" || err.Error() != "pop3: DELE 9: no such message" {
		t.Fatalf("Dele 9 = %v", err)
	}
	if err := c.Noop(bg); err != nil {
		t.Fatalf("NOOP after a refusal: %v", err)
	}
	if err := c.Rset(bg); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatalf("Quit = %v, want nil (+OK commits)", err)
	}
	if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
		t.Fatalf("NOOP after QUIT = %v, want ErrClosed", err)
	}
}

func TestArgumentsRejected(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("QUIT")
		p.send("+OK")
	})
	c := dial(t, addr, nil)
	for _, bad := range []string{"a\r\nDELE 1", "a\nb", "a\x00b", "a\r"} {
		if err := c.User(bg, bad); err == nil || !strings.Contains(err.Error(), "CR, LF or NUL") {
			t.Errorf("User(%q) = %v, want a refusal", bad, err)
		}
		if err := c.Pass(bg, bad); err == nil || strings.Contains(err.Error(), bad) {
			t.Errorf("Pass(%q) = %v, want a refusal without the password", bad, err)
		}
	}
	if _, err := c.Retr(bg, 0); err == nil {
		t.Error("Retr(0) accepted")
	}
	if _, err := c.Top(bg, 1, -1); err == nil {
		t.Error("Top(1, -1) accepted")
	}
	if err := c.Quit(bg); err != nil {
		t.Fatalf("the session must still be usable: %v", err)
	}
}

// TestUndrainedBody: the next command drains a body left unread.
func TestUndrainedBody(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("RETR 1")
		p.send("+OK", "line 1", "line 2", strings.Repeat("z", 200000), ".")
		p.expect("RETR 2")
		p.send("+OK", "second", ".")
		p.expect("NOOP")
		p.send("+OK")
	})
	c := dial(t, addr, nil)
	r, err := c.Retr(bg, 1)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(r, buf); err != nil || string(buf) != "lin" {
		t.Fatalf("partial read %q %v", buf, err)
	}
	if got := readAll(t)(c.Retr(bg, 2)); got != "second\n" {
		t.Fatalf("second body = %q", got)
	}
	if err := c.Noop(bg); err != nil {
		t.Fatal(err)
	}
}

func TestQuit(t *testing.T) {
	tests := []struct {
		name   string
		reply  string // "" closes without a reply
		refuse bool
	}{
		{name: "committed", reply: "+OK"},
		{name: "refused", reply: "-ERR [SYS/PERM] some deleted messages not removed", refuse: true},
		{name: "dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect("QUIT")
				if tt.reply != "" {
					p.send(tt.reply)
				}
			})
			c := dial(t, addr, nil)
			err := c.Quit(bg)
			var se *Error
			switch {
			case tt.reply == "+OK" && err != nil:
				t.Fatalf("Quit = %v", err)
			case tt.refuse && (!errors.As(err, &se) || se.Code != CodeSysPerm):
				t.Fatalf("Quit = %v, want *Error SYS/PERM", err)
			case tt.reply == "" && !errors.Is(err, ErrServerClosed):
				t.Fatalf("Quit = %v, want ErrServerClosed (no commit)", err)
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close after Quit = %v", err)
			}
		})
	}
}

// TestBounds: replies past their bounds are errors and close the connection.
func TestBounds(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		run  func(c *Client) error
		sent []string
		want error
	}{
		{name: "status line", cmd: "NOOP", run: func(c *Client) error { return c.Noop(bg) },
			sent: []string{"+OK " + strings.Repeat("x", MaxStatusLength+10)}, want: ErrLineTooLong},
		{name: "list line", cmd: "LIST", run: func(c *Client) error { _, err := c.List(bg); return err },
			sent: []string{"+OK", "1 " + strings.Repeat("9", MaxStatusLength), "."}, want: ErrLineTooLong},
		{name: "body line", cmd: "RETR 1", run: func(c *Client) error { _, err := io.Copy(io.Discard, must(c.Retr(bg, 1))); return err },
			sent: []string{"+OK", strings.Repeat("b", MaxLineLength+1), "."}, want: ErrLineTooLong},
		{name: "capa lines", cmd: "CAPA", run: func(c *Client) error { _, err := c.Capa(bg); return err },
			sent: append(append([]string{"+OK"}, repeat("X-JUNK", MaxCapaLines+1)...), "."), want: ErrReplyTooLong},
		{name: "malformed list", cmd: "LIST", run: func(c *Client) error { _, err := c.List(bg); return err },
			sent: []string{"+OK", "one hundred", "."}},
		{name: "malformed stat", cmd: "STAT", run: func(c *Client) error { _, _, err := c.Stat(bg); return err },
			sent: []string{"+OK lots"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect(tt.cmd)
				p.send(tt.sent...)
			})
			c := dial(t, addr, nil)
			err := tt.run(c)
			var pe *ProtocolError
			if !errors.As(err, &pe) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want ProtocolError %v", err, tt.want)
			}
			if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
				t.Fatalf("next command = %v, want ErrClosed", err)
			}
		})
	}
}

// TestRetrPastListSize: a reply that runs far past its LIST size stops.
func TestRetrPastListSize(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("LIST 1")
		p.send("+OK 1 10")
		p.expect("RETR 1")
		p.send("+OK")
		line := strings.Repeat("y", 1000) + "\r\n"
		for i := 0; i < 3000; i++ { // 3 MB, never terminated
			if _, err := io.WriteString(p.conn, line); err != nil {
				return // the client gave up: expected
			}
		}
	})
	c := dial(t, addr, nil)
	if _, err := c.ListOne(bg, 1); err != nil {
		t.Fatal(err)
	}
	_, err := io.Copy(io.Discard, must(c.Retr(bg, 1)))
	if !errors.Is(err, ErrReplyTooLong) {
		t.Fatalf("err = %v, want ErrReplyTooLong", err)
	}
	c.Close()
}

func TestCapaUnsupported(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("CAPA")
		p.send("-ERR unknown command")
		p.expect("NOOP")
		p.send("+OK")
	})
	c := dial(t, addr, nil)
	caps, err := c.Capa(bg)
	if err != nil || caps.Known || caps.Top || c.Caps() != caps {
		t.Fatalf("Capa = %+v, %v; want empty, unknown, no error", caps, err)
	}
	if err := c.Noop(bg); err != nil {
		t.Fatal(err)
	}
}

func TestErrorTextSanitized(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("RETR 1")
		p.send("-ERR [SYS/TEMP] \x1b[31mred\x1b[0m \u202egnp.exe\x07")
	})
	c := dial(t, addr, nil)
	_, err := c.Retr(bg, 1)
	var se *Error
	if !errors.As(err, &se) || se.Code != CodeSysTemp || !se.Temporary() {
		t.Fatalf("err = %v", err)
	}
	if se.Text != "[31mred[0m gnp.exe" || strings.ContainsAny(err.Error(), "\x1b\x07\u202e") {
		t.Fatalf("text not sanitized: %q", se.Text)
	}
}

func must(r io.ReadCloser, err error) io.ReadCloser {
	if err != nil {
		return io.NopCloser(errReader{err})
	}
	return r
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
