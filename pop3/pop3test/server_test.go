package pop3test

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestSessionBasics(t *testing.T) {
	md := NewMaildrop(sample...)
	srv := NewTest(t, Config{Maildrop: md})
	c, greeting := dial(t, srv)
	if !strings.HasPrefix(greeting, "+OK") {
		t.Fatalf("greeting %q", greeting)
	}
	caps := c.multi("CAPA")
	for _, want := range []string{"TOP", "UIDL", "USER", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE", "SASL PLAIN LOGIN CRAM-MD5", "IMPLEMENTATION pop3test"} {
		if !slices.Contains(caps, want) {
			t.Errorf("CAPA lacks %q: %q", want, caps)
		}
	}
	if slices.Contains(caps, "STLS") {
		t.Errorf("CAPA offers STLS without TLS: %q", caps)
	}
	if got := c.cmd("STAT"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("STAT before login: %q", got)
	}
	c.login(DefaultUser, DefaultPassword)
	if got := c.ok("STAT"); got != "+OK 3 "+fmt.Sprint(83+len("From: b@example.org\r\nSubject: two\r\n\r\nbody two\r\n")+36) {
		t.Errorf("STAT = %q", got)
	}
	if got, want := c.multi("LIST"), []string{"1 83", "2 47", "3 36"}; !slices.Equal(got, want) {
		t.Errorf("LIST = %q, want %q", got, want)
	}
	if got := c.ok("LIST 3"); got != "+OK 3 36" {
		t.Errorf("LIST 3 = %q", got)
	}
	if got, want := c.multi("UIDL"), []string{"1 uid-1", "2 uid-2", "3 uid-3"}; !slices.Equal(got, want) {
		t.Errorf("UIDL = %q, want %q", got, want)
	}
	if got := c.ok("UIDL 2"); got != "+OK 2 uid-2" {
		t.Errorf("UIDL 2 = %q", got)
	}
	body := c.multi("RETR 1")
	if want := []string{"From: a@example.org", "Subject: one", "", "first line", ".hidden dot", "..two dots", ".", "last"}; !slices.Equal(body, want) {
		t.Errorf("RETR 1 = %q, want %q", body, want)
	}
	if got, want := c.multi("RETR 3"), []string{"Subject: three", "", "no final newline"}; !slices.Equal(got, want) {
		t.Errorf("RETR 3 = %q, want %q", got, want)
	}
	if got, want := c.multi("TOP 1 0"), []string{"From: a@example.org", "Subject: one", ""}; !slices.Equal(got, want) {
		t.Errorf("TOP 1 0 = %q, want %q", got, want)
	}
	if got, want := c.multi("TOP 1 2"), []string{"From: a@example.org", "Subject: one", "", "first line", ".hidden dot"}; !slices.Equal(got, want) {
		t.Errorf("TOP 1 2 = %q, want %q", got, want)
	}
	for _, bad := range []string{"RETR 0", "RETR 4", "RETR x", "TOP 1", "DELE -1", "FROB"} {
		if got := c.cmd(bad); !strings.HasPrefix(got, "-ERR") {
			t.Errorf("%s = %q, want -ERR", bad, got)
		}
	}
	c.ok("DELE 2")
	if got := c.cmd("RETR 2"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("RETR of a deleted message = %q", got)
	}
	if got, want := c.multi("UIDL"), []string{"1 uid-1", "3 uid-3"}; !slices.Equal(got, want) {
		t.Errorf("UIDL after DELE = %q, want %q", got, want)
	}
	if md.Len() != 3 {
		t.Errorf("DELE took effect before QUIT: %d messages", md.Len())
	}
	c.ok("NOOP")
	c.ok("QUIT")
	if got, want := md.UIDs(), []string{"uid-1", "uid-3"}; !slices.Equal(got, want) {
		t.Errorf("after QUIT the maildrop holds %q, want %q", got, want)
	}
	wantVerbs := []string{"CAPA", "STAT", "USER", "PASS", "STAT", "LIST", "LIST", "UIDL", "UIDL", "RETR", "RETR", "TOP", "TOP",
		"RETR", "RETR", "RETR", "TOP", "DELE", "FROB", "DELE", "RETR", "UIDL", "NOOP", "QUIT"}
	if got := srv.Commands(); !slices.Equal(got, wantVerbs) {
		t.Errorf("Commands = %q\nwant %q", got, wantVerbs)
	}
	for _, cmd := range srv.Log() {
		if strings.Contains(cmd.Line, DefaultPassword) {
			t.Errorf("log shows the password: %q", cmd.Line)
		}
		if cmd.Conn != 1 || cmd.TLS {
			t.Errorf("log entry %+v: want Conn 1 without TLS", cmd)
		}
	}
}

// The wire form: CRLF line ends, dot-stuffing, final ".".
func TestRetrWireBytes(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...)})
	conn, r := rawDial(t, srv)
	io.WriteString(conn, "USER user\r\nPASS pass\r\nRETR 1\r\nQUIT\r\n")
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := "+OK 83 octets\r\nFrom: a@example.org\r\nSubject: one\r\n\r\nfirst line\r\n" +
		"..hidden dot\r\n...two dots\r\n..\r\nlast\r\n.\r\n"
	if !strings.Contains(string(b), want) {
		t.Errorf("RETR on the wire:\n%q\nwant it to contain\n%q", b, want)
	}
}

func TestNothingDeletedWithoutQuit(t *testing.T) {
	tests := []struct {
		name string
		end  func(c *client)
	}{
		{"dropped connection", func(c *client) { c.conn.Close() }},
		{"RSET then QUIT", func(c *client) { c.ok("RSET"); c.ok("QUIT") }},
		{"QUIT before login", func(c *client) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := NewMaildrop(sample...)
			srv := NewTest(t, Config{Maildrop: md})
			c, _ := dial(t, srv)
			if tt.name != "QUIT before login" {
				c.login("user", "pass")
				c.ok("DELE 1")
				c.ok("DELE 3")
			} else {
				c.ok("USER user")
				c.ok("QUIT")
			}
			tt.end(c)
			srv.Close() // waits for the session to end
			if md.Len() != 3 {
				t.Errorf("%d messages left, want 3", md.Len())
			}
			if md.Locked() {
				t.Error("maildrop still locked after the session")
			}
		})
	}
}

func TestInUseLock(t *testing.T) {
	md := NewMaildrop(sample...)
	srv := NewTest(t, Config{Maildrop: md})
	a, _ := dial(t, srv)
	a.login("user", "pass")
	a.ok("DELE 1")
	b, _ := dial(t, srv)
	b.ok("USER user")
	if got := b.cmd("PASS pass"); !strings.HasPrefix(got, "-ERR [IN-USE]") {
		t.Fatalf("second login = %q, want -ERR [IN-USE]", got)
	}
	a.ok("QUIT") // the lock is released before the reply
	b.ok("USER user")
	b.ok("PASS pass")
	if got, want := b.multi("UIDL"), []string{"1 uid-2", "2 uid-3"}; !slices.Equal(got, want) {
		t.Errorf("UIDL in the next session = %q, want %q", got, want)
	}

	// With NoLock both sessions may log in.
	srv2 := NewTest(t, Config{Maildrop: NewMaildrop(sample...), NoLock: true})
	x, _ := dial(t, srv2)
	x.login("user", "pass")
	y, _ := dial(t, srv2)
	y.login("user", "pass")
}

func TestLoginFailures(t *testing.T) {
	srv := NewTest(t, Config{Users: map[string]string{"alice": "s3cret"}})
	c, _ := dial(t, srv)
	if got := c.cmd("PASS s3cret"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("PASS without USER = %q", got)
	}
	c.ok("USER alice")
	if got := c.cmd("PASS wrong"); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("wrong password = %q, want -ERR [AUTH]", got)
	}
	c.ok("USER nobody")
	if got := c.cmd("PASS s3cret"); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("unknown user = %q, want -ERR [AUTH]", got)
	}
	c.login("alice", "s3cret")
	c.ok("STAT")
}

func TestPerUserMaildrops(t *testing.T) {
	shared := NewMaildrop(sample[0])
	bobs := NewMaildrop(sample[1], sample[2])
	srv := NewTest(t, Config{
		Users:     map[string]string{"alice": "a", "bob": "b"},
		Maildrop:  shared,
		Maildrops: map[string]*Maildrop{"bob": bobs},
	})
	a, _ := dial(t, srv)
	a.login("alice", "a")
	b, _ := dial(t, srv) // a different maildrop: no IN-USE
	b.login("bob", "b")
	if got := a.ok("STAT"); !strings.HasPrefix(got, "+OK 1 ") {
		t.Errorf("alice STAT = %q", got)
	}
	if got := b.ok("STAT"); !strings.HasPrefix(got, "+OK 2 ") {
		t.Errorf("bob STAT = %q", got)
	}
	if srv.Maildrop() != shared {
		t.Error("Maildrop() is not the configured shared maildrop")
	}
}

func TestMaildropAddSeenByNextSession(t *testing.T) {
	md := NewMaildrop(sample[0])
	srv := NewTest(t, Config{Maildrop: md})
	a, _ := dial(t, srv)
	a.login("user", "pass")
	a.ok("DELE 1")
	md.Add(sample[1])
	if got := a.ok("STAT"); got != "+OK 0 0" {
		t.Errorf("STAT in the old session = %q, want its snapshot with 1 deleted", got)
	}
	a.ok("QUIT")
	if got, want := md.UIDs(), []string{"uid-2"}; !slices.Equal(got, want) {
		t.Errorf("maildrop = %q, want %q (the added message survives)", got, want)
	}
	msgs := md.Messages()
	msgs[0].Data[0] = 'X'
	if md.Messages()[0].Data[0] == 'X' {
		t.Error("Messages returned the maildrop's own bytes")
	}
}

func TestCapabilityOptions(t *testing.T) {
	days := 31
	never := -1
	tests := []struct {
		name         string
		cfg          Config
		before, auth []string // wanted in CAPA before and after login
		notBefore    []string
	}{
		{"gmail style", Config{CapaAfterAuthOnly: []string{"TOP", "pipelining"}, ExpireDays: &days},
			[]string{"UIDL", "USER", "EXPIRE 31"}, []string{"TOP", "PIPELINING", "EXPIRE 31"}, []string{"TOP", "PIPELINING"}},
		{"bare", Config{NoTOP: true, NoUIDL: true, NoPipelining: true, SASL: []string{}, ExpireDays: &never},
			[]string{"RESP-CODES", "USER", "EXPIRE NEVER"}, []string{"EXPIRE NEVER"}, []string{"TOP", "UIDL", "PIPELINING", "SASL"}},
		{"utf8 and login delay", Config{UTF8: true, LoginDelay: 900e9, Tokens: map[string]string{"user": "tok"}, Implementation: "Example"},
			[]string{"UTF8", "LOGIN-DELAY 900", "SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER", "IMPLEMENTATION Example"}, []string{"UTF8"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewTest(t, tt.cfg)
			c, _ := dial(t, srv)
			caps := c.multi("CAPA")
			for _, w := range tt.before {
				if !slices.Contains(caps, w) {
					t.Errorf("CAPA before login lacks %q: %q", w, caps)
				}
			}
			for _, w := range tt.notBefore {
				for _, got := range caps {
					if strings.HasPrefix(got, w) {
						t.Errorf("CAPA before login has %q", got)
					}
				}
			}
			c.login("user", "pass")
			caps = c.multi("CAPA")
			for _, w := range tt.auth {
				if !slices.Contains(caps, w) {
					t.Errorf("CAPA after login lacks %q: %q", w, caps)
				}
			}
		})
	}
}

func TestDisabledCommands(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...), NoCAPA: true, NoTOP: true, NoUIDL: true, NoUSER: true})
	c, _ := dial(t, srv)
	for _, cmd := range []string{"CAPA", "USER user", "UTF8", "APOP user 0123"} {
		if got := c.cmd(cmd); !strings.HasPrefix(got, "-ERR") {
			t.Errorf("%s = %q, want -ERR", cmd, got)
		}
	}
	c.ok("AUTH PLAIN AHVzZXIAcGFzcw==")
	for _, cmd := range []string{"TOP 1 0", "UIDL", "UIDL 1", "STLS"} {
		if got := c.cmd(cmd); !strings.HasPrefix(got, "-ERR") {
			t.Errorf("%s = %q, want -ERR", cmd, got)
		}
	}
	if got := c.cmd("UTF8"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("UTF8 after login = %q, want -ERR", got)
	}
	c.ok("STAT") // the server goes on after refusals
}

func TestLogfResetAndConnections(t *testing.T) {
	var trace []string
	var mu sync.Mutex
	srv := NewTest(t, Config{Logf: func(format string, args ...any) {
		mu.Lock()
		trace = append(trace, fmt.Sprintf(format, args...))
		mu.Unlock()
	}})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	c.ok("QUIT")
	srv.Close()
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(trace, "\n")
	if !strings.Contains(all, "C: USER user") || strings.Contains(all, "pass\n") || strings.Contains(all, "PASS pass") {
		t.Errorf("trace:\n%s", all)
	}
	if srv.Connections() != 1 || len(srv.Commands()) != 3 {
		t.Errorf("connections %d, commands %q", srv.Connections(), srv.Commands())
	}
	srv.ResetLog()
	if len(srv.Log()) != 0 {
		t.Error("ResetLog kept entries")
	}
}
