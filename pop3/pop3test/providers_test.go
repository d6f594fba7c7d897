package pop3test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// gmailUIDs lists the UIDs a fresh session of user sees.
func gmailUIDs(t *testing.T, srv *Server, user string, retr ...int) []string {
	t.Helper()
	c, _ := dial(t, srv)
	c.login(user, DefaultPassword)
	var uids []string
	for _, l := range c.multi("UIDL") {
		_, uid, _ := strings.Cut(l, " ")
		uids = append(uids, uid)
	}
	for _, n := range retr {
		c.multi(fmt.Sprintf("RETR %d", n))
	}
	c.ok("QUIT")
	return uids
}

// TestGmailListing: a Gmail session lists at most GmailBatch messages not
// yet handed out; those retrieved vanish from later default listings, and
// the "recent:" prefix lists everything.
func TestGmailListing(t *testing.T) {
	var msgs []Message
	for i := 1; i <= 5; i++ {
		msgs = append(msgs, Message{UID: fmt.Sprintf("g%d", i), Data: []byte(fmt.Sprintf("Subject: %d\r\n\r\nbody\r\n", i))})
	}
	srv := NewTest(t, Config{Gmail: true, GmailBatch: 2, Maildrop: NewMaildrop(msgs...)})
	if got := gmailUIDs(t, srv, DefaultUser, 1); fmt.Sprint(got) != "[g1 g2]" {
		t.Fatalf("first listing %v", got)
	}
	if got := gmailUIDs(t, srv, DefaultUser, 1, 2); fmt.Sprint(got) != "[g2 g3]" {
		t.Fatalf("second listing %v (g1 was retrieved)", got)
	}
	if got := gmailUIDs(t, srv, DefaultUser); fmt.Sprint(got) != "[g4 g5]" {
		t.Fatalf("third listing %v", got)
	}
	if got := gmailUIDs(t, srv, "recent:"+DefaultUser); fmt.Sprint(got) != "[g1 g2 g3 g4 g5]" {
		t.Fatalf("recent listing %v", got)
	}
	if srv.Maildrop().Len() != 5 {
		t.Fatal("handing out deleted messages")
	}
}

// TestIdleTimeout: a connection idle for IdleTimeout is dropped without a
// reply, and its deletions are not committed.
func TestIdleTimeout(t *testing.T) {
	srv := NewTest(t, Config{IdleTimeout: time.Second, Maildrop: NewMaildrop(Message{UID: "a", Data: []byte("Subject: a\r\n\r\nx\r\n")})})
	c, _ := dial(t, srv)
	c.login(DefaultUser, DefaultPassword)
	c.ok("DELE 1")
	time.Sleep(2500 * time.Millisecond)
	c.tp.PrintfLine("QUIT")
	if line, err := c.tp.ReadLine(); err == nil {
		t.Fatalf("QUIT after the idle time got %q", line)
	}
	if srv.Maildrop().Len() != 1 {
		t.Fatal("an idle drop committed a deletion")
	}
}

// TestNoInitialResponse: an AUTH line with an initial response is refused;
// the same exchange after the challenge succeeds.
func TestNoInitialResponse(t *testing.T) {
	srv := NewTest(t, Config{NoInitialResponse: true, Tokens: map[string]string{DefaultUser: "tok"}})
	c, _ := dial(t, srv)
	resp := b64("user=" + DefaultUser + "\x01auth=Bearer tok\x01\x01")
	if r := c.cmd("AUTH XOAUTH2 " + resp); !strings.HasPrefix(r, "-ERR") {
		t.Fatalf("initial response accepted: %q", r)
	}
	if r := c.cmd("AUTH XOAUTH2"); r != "+ " {
		t.Fatalf("challenge %q", r)
	}
	c.ok(resp)
}

// TestBadUIDL: the BadUIDL fault makes one UID oversized, the others intact.
func TestBadUIDL(t *testing.T) {
	srv := NewTest(t, Config{Faults: Faults{BadUIDL: 2}, Maildrop: NewMaildrop(
		Message{UID: "a", Data: []byte("Subject: a\r\n\r\nx\r\n")}, Message{UID: "b", Data: []byte("Subject: b\r\n\r\nx\r\n")})})
	c, _ := dial(t, srv)
	c.login(DefaultUser, DefaultPassword)
	lines := c.multi("UIDL")
	if len(lines) != 2 || lines[0] != "1 a" || len(lines[1]) < 600 || !strings.HasPrefix(lines[1], "2 b-") {
		t.Fatalf("UIDL = %.80q", lines)
	}
}

// TestTrickle: the Trickle fault sends every reply in small pieces (a
// tenth of a second's worth each), never in one write.
func TestTrickle(t *testing.T) {
	srv := NewTest(t, Config{Faults: Faults{Trickle: 100}})
	conn, _ := rawDial(t, srv)
	defer conn.Close()
	buf := make([]byte, 100)
	n, err := conn.Read(buf)
	if err != nil || n == 0 || n > 10 || buf[0] != '+' {
		t.Fatalf("first read %q, %v; want at most 10 bytes of the greeting", buf[:n], err)
	}
}
