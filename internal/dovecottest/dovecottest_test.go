package dovecottest_test

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
)

// session is a minimal raw POP3 conversation, independent of package pop3.
type session struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, c net.Conn) *session {
	t.Helper()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	s := &session{t: t, c: c, r: bufio.NewReader(c)}
	if g := s.line(); !strings.HasPrefix(g, "+OK") {
		t.Fatalf("greeting %q", g)
	}
	return s
}

func (s *session) line() string {
	s.t.Helper()
	l, err := s.r.ReadString('\n')
	if err != nil {
		s.t.Fatalf("read: %v", err)
	}
	return strings.TrimRight(l, "\r\n")
}

func (s *session) cmd(format string, args ...any) string {
	s.t.Helper()
	fmt.Fprintf(s.c, format+"\r\n", args...)
	return s.line()
}

func (s *session) multi() []string {
	s.t.Helper()
	var lines []string
	for l := s.line(); l != "."; l = s.line() {
		lines = append(lines, l)
	}
	return lines
}

func (s *session) login(user, pass string) {
	s.t.Helper()
	if r := s.cmd("USER %s", user); !strings.HasPrefix(r, "+OK") {
		s.t.Fatalf("USER: %q", r)
	}
	if r := s.cmd("PASS %s", pass); !strings.HasPrefix(r, "+OK") {
		s.t.Fatalf("PASS: %q", r)
	}
}

func TestStartDeliverDeleteRestart(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Deliver(srv.User, []byte("Subject: one\n\nfirst\n"))
	srv.Deliver(srv.User, []byte("Subject: two\r\n\r\nsecond\r\n"))
	if n := srv.Count(srv.User); n != 2 {
		t.Fatalf("Count = %d, want 2", n)
	}

	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	s := dial(t, c)
	if r := s.cmd("CAPA"); r != "+OK" && !strings.HasPrefix(r, "+OK ") {
		t.Fatalf("CAPA: %q", r)
	}
	caps := strings.Join(s.multi(), " ")
	for _, want := range []string{"PIPELINING", "STLS", "TOP", "UIDL", "CRAM-MD5"} {
		if !strings.Contains(caps, want) {
			t.Errorf("CAPA %q lacks %s", caps, want)
		}
	}
	s.login(srv.User, srv.Password)
	if r := s.cmd("STAT"); !strings.HasPrefix(r, "+OK 2 ") {
		t.Fatalf("STAT: %q", r)
	}
	// W= in the file name: LIST sizes count CRLF line ends.
	if r := s.cmd("LIST 1"); r != "+OK 1 23" {
		t.Errorf("LIST 1: %q, want +OK 1 23", r)
	}
	s.cmd("UIDL")
	uidls := s.multi()
	if len(uidls) != 2 || len(strings.Fields(uidls[0])[1]) != 16 {
		t.Errorf("UIDL %q: want 2 entries of %%08Xu%%08Xv", uidls)
	}
	if r := s.cmd("DELE 1"); !strings.HasPrefix(r, "+OK") {
		t.Fatalf("DELE: %q", r)
	}
	if n := srv.Count(srv.User); n != 2 {
		t.Fatalf("Count before QUIT = %d, want 2", n)
	}
	if r := s.cmd("QUIT"); !strings.HasPrefix(r, "+OK") {
		t.Fatalf("QUIT: %q", r)
	}
	c.Close()
	if n := srv.Count(srv.User); n != 1 {
		t.Fatalf("Count after QUIT = %d, want 1", n)
	}
	if !srv.HasMessage(srv.User, []byte("Subject: two\r\n\r\nsecond\r\n")) {
		t.Errorf("the kept message changed on disk")
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	c, err = net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	s = dial(t, c)
	s.login(srv.User, srv.Password)
	if r := s.cmd("STAT"); !strings.HasPrefix(r, "+OK 1 ") {
		t.Fatalf("STAT after restart: %q", r)
	}
	c.Close()
}

func TestImplicitTLSAndUsers(t *testing.T) {
	srv := dovecottest.Start(t)
	if err := srv.AddUser("bob", "b0b pass"); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddUser("../x", "p"); err == nil {
		t.Errorf("AddUser accepted a path as a name")
	}
	conn, err := tls.Dial("tcp", srv.TLSAddr(), srv.TLSConfig())
	if err != nil {
		t.Fatalf("implicit TLS: %v", err)
	}
	st := conn.ConnectionState()
	if got := sha256.Sum256(st.PeerCertificates[0].Raw); got != srv.CertSHA256() {
		t.Errorf("CertSHA256 does not match the served certificate")
	}
	s := dial(t, conn)
	s.login("bob", "b0b pass")
	conn.Close()

	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s = dial(t, c)
	s.cmd("USER bob")
	if r := s.cmd("PASS wrong"); !strings.HasPrefix(r, "-ERR [AUTH]") {
		t.Errorf("wrong password: %q", r)
	}

	// A user added right after a login can log in at once.
	if err := srv.AddUser("carol", "c4rol"); err != nil {
		t.Fatal(err)
	}
	c2, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	dial(t, c2).login("carol", "c4rol")
}

func TestKill(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Kill()
	if srv.Running() {
		t.Fatal("Running after Kill")
	}
	if c, err := net.DialTimeout("tcp", srv.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("port still open after Kill")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if !srv.Running() {
		t.Fatal("not Running after Restart")
	}
}

func TestOptions(t *testing.T) {
	srv := dovecottest.Start(t,
		dovecottest.WithUser("dave", "d4ve pass"),
		dovecottest.WithPlaintextAuth(),
		dovecottest.WithVerbose(),
		dovecottest.WithConfig("pop3_logout_format = bye-marker top=%t"))
	if srv.User != "dave" || srv.Password != "d4ve pass" {
		t.Fatalf("default user %q %q", srv.User, srv.Password)
	}
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	s := dial(t, c)
	s.login("dave", "d4ve pass")
	s.cmd("QUIT")
	c.Close()
	if err := srv.WaitIdle(time.Minute); err != nil {
		t.Fatal(err)
	}
	log := srv.Log()
	for _, want := range []string{"bye-marker top=0", "auth: Debug"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q (option not applied):\n%s", want, log)
		}
	}
}
