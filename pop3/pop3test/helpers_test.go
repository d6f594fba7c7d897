package pop3test

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// client is a raw POP3 test client over net/textproto.
type client struct {
	t    testing.TB
	conn net.Conn
	tp   *textproto.Conn
}

// dial connects and reads the greeting, which it returns.
func dial(t testing.TB, srv *Server) (*client, string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, conn: conn, tp: textproto.NewConn(conn)}
	return c, c.readLine()
}

// readLine reads one line, failing the test on error.
func (c *client) readLine() string {
	c.t.Helper()
	line, err := c.tp.ReadLine()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return line
}

// cmd sends a command line and returns the status line.
func (c *client) cmd(line string) string {
	c.t.Helper()
	if err := c.tp.PrintfLine("%s", line); err != nil {
		c.t.Fatalf("send %q: %v", line, err)
	}
	return c.readLine()
}

// ok sends a command and fails unless the reply is +OK.
func (c *client) ok(line string) string {
	c.t.Helper()
	reply := c.cmd(line)
	if !strings.HasPrefix(reply, "+OK") {
		c.t.Fatalf("%s: got %q, want +OK", line, reply)
	}
	return reply
}

// multi sends a command expecting a multi-line reply and returns its lines,
// dot-unstuffed.
func (c *client) multi(line string) []string {
	c.t.Helper()
	c.ok(line)
	lines, err := c.tp.ReadDotLines()
	if err != nil {
		c.t.Fatalf("%s: %v", line, err)
	}
	return lines
}

// login logs in with USER and PASS.
func (c *client) login(user, pass string) {
	c.t.Helper()
	c.ok("USER " + user)
	c.ok("PASS " + pass)
}

// startTLS upgrades the connection after STLS answered +OK.
func (c *client) startTLS(cfg *tls.Config) {
	c.t.Helper()
	c.ok("STLS")
	tc := tls.Client(c.conn, cfg.Clone())
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("handshake: %v", err)
	}
	c.conn = tc
	c.tp = textproto.NewConn(tc)
}

// rest reads until the server closes the connection.
func (c *client) rest() string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, err := io.ReadAll(c.tp.R)
	if err != nil && !isReset(err) {
		c.t.Fatalf("read to EOF: %v", err)
	}
	return string(b)
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// rawDial connects without textproto, for byte-exact checks.
func rawDial(t testing.TB, srv *Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, bufio.NewReader(conn)
}

// waitLogged waits until the server has received verb (polling, no timing
// assertion: the test's own timeout bounds it).
func waitLogged(t testing.TB, srv *Server, verb string) {
	t.Helper()
	for {
		for _, v := range srv.Commands() {
			if v == verb {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

var sample = []Message{
	{UID: "uid-1", Data: []byte("From: a@example.org\nSubject: one\n\nfirst line\n.hidden dot\n..two dots\n.\nlast\n")},
	{UID: "uid-2", Data: []byte("From: b@example.org\r\nSubject: two\r\n\r\nbody two\r\n")},
	{UID: "uid-3", Data: []byte("Subject: three\n\nno final newline")},
}
