package pop3test

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFaultGreeting(t *testing.T) {
	srv := NewTest(t, Config{Faults: Faults{Greeting: "-ERR [SYS/TEMP] not today"}})
	c, greeting := dial(t, srv)
	if greeting != "-ERR [SYS/TEMP] not today" {
		t.Errorf("greeting %q", greeting)
	}
	if rest := c.rest(); rest != "" {
		t.Errorf("after a -ERR greeting the server sent %q, want a closed connection", rest)
	}
}

func TestFaultStall(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...), Faults: Faults{StallOn: "UIDL"}})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	c.ok("STAT")
	fmt.Fprintf(c.conn, "UIDL\r\nNOOP\r\n")
	waitLogged(t, srv, "UIDL")
	srv.Close()
	if rest := c.rest(); rest != "" {
		t.Errorf("a stalled server answered %q", rest)
	}
	if got := srv.Commands(); slices.Contains(got, "NOOP") {
		t.Errorf("commands after the stall were processed: %q", got)
	}
}

func TestFaultStallGreeting(t *testing.T) {
	srv := NewTest(t, Config{Faults: Faults{StallOn: "GREETING"}})
	conn, r := rawDial(t, srv)
	fmt.Fprintf(conn, "CAPA\r\n")
	for srv.Connections() == 0 {
		time.Sleep(time.Millisecond)
	}
	srv.Close()
	if b, _ := io.ReadAll(r); len(b) != 0 {
		t.Errorf("a stalled greeting sent %q", b)
	}
}

func TestFaultDelayKeepsReplies(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...), Faults: Faults{Delay: time.Millisecond}})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	if got := c.ok("UIDL 2"); got != "+OK 2 uid-2" {
		t.Errorf("UIDL 2 = %q", got)
	}
}

func TestFaultDropMidRetr(t *testing.T) {
	md := NewMaildrop(sample...)
	srv := NewTest(t, Config{Maildrop: md, Faults: Faults{DropRetrAfter: 30}})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	c.ok("DELE 2")
	// Commands pipelined after RETR stay unread: the partial reply must
	// still arrive (a graceful close, not a reset).
	fmt.Fprintf(c.conn, "RETR 1\r\nNOOP\r\nNOOP\r\nQUIT\r\n")
	if got := c.readLine(); got != "+OK 83 octets" {
		t.Fatalf("RETR = %q", got)
	}
	got := c.rest()
	want := "From: a@example.org\r\nSubject: one\r\n"[:30]
	if got != want {
		t.Errorf("RETR sent %q before dropping, want %q", got, want)
	}
	srv.Close()
	if md.Len() != 3 {
		t.Errorf("a dropped connection deleted messages: %d left", md.Len())
	}
}

func TestFaultEndlessReply(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...), Faults: Faults{EndlessOn: "uidl"}})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	c.ok("UIDL")
	for i := 0; i < 20000; i++ {
		if line := c.readLine(); line == "." {
			t.Fatalf("the endless reply ended after %d lines", i)
		}
	}
	c.conn.Close() // the server stops writing when the client goes
}

func TestFaultSizesAndUIDLs(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...)})
	srv.SetFaults(Faults{ListSizeDelta: -5, DuplicateUIDLs: true})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	if got, want := c.multi("LIST"), []string{"1 78", "2 42", "3 31"}; !slices.Equal(got, want) {
		t.Errorf("LIST = %q, want %q", got, want)
	}
	if got := c.ok("STAT"); got != "+OK 3 151" {
		t.Errorf("STAT = %q", got)
	}
	if got := c.ok("RETR 3"); got != "+OK 31 octets" {
		t.Errorf("RETR status = %q", got)
	}
	if lines, _ := c.tp.ReadDotLines(); len(lines) != 3 {
		t.Errorf("RETR 3 body changed by the size fault: %q", lines)
	}
	if got, want := c.multi("UIDL"), []string{"1 uid-1", "2 uid-1", "3 uid-1"}; !slices.Equal(got, want) {
		t.Errorf("UIDL = %q, want %q", got, want)
	}
	srv.SetFaults(Faults{LongUIDLs: 100})
	if got := srv.Faults().LongUIDLs; got != 100 {
		t.Errorf("Faults().LongUIDLs = %d", got)
	}
	uidls := c.multi("UIDL")
	seen := map[string]bool{}
	for _, l := range uidls {
		_, uid, _ := strings.Cut(l, " ")
		if len(uid) != 100 || seen[uid] {
			t.Errorf("UIDL line %q: want a unique UID of 100 characters", l)
		}
		seen[uid] = true
	}
}

func TestFaultBareLFAndNoText(t *testing.T) {
	srv := NewTest(t, Config{Maildrop: NewMaildrop(sample...), Faults: Faults{BareLF: true, NoText: true}})
	conn, r := rawDial(t, srv)
	io.WriteString(conn, "USER user\r\nPASS pass\r\nRETR 2\r\nQUIT\r\n")
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := "+OK\n+OK\n+OK\n+OK\nFrom: b@example.org\nSubject: two\n\nbody two\n.\n+OK\n"
	if string(b) != want {
		t.Errorf("got %q\nwant %q", b, want)
	}
}

func TestFaultLoginRefusals(t *testing.T) {
	for _, code := range []string{"[SYS/TEMP] try later", "[IN-USE] locked", "[LOGIN-DELAY] wait", "[SYS/PERM] gone", "[AUTH] no"} {
		t.Run(code, func(t *testing.T) {
			srv := NewTest(t, Config{Faults: Faults{LoginError: code}, APOP: true})
			c, _ := dial(t, srv)
			c.ok("USER user")
			if got := c.cmd("PASS pass"); got != "-ERR "+code {
				t.Errorf("PASS = %q, want -ERR %s", got, code)
			}
			if got := c.cmd("AUTH PLAIN AHVzZXIAcGFzcw=="); got != "-ERR "+code {
				t.Errorf("AUTH = %q, want -ERR %s", got, code)
			}
			srv.SetFaults(Faults{})
			c.login("user", "pass")
		})
	}
}

func TestFaultCloseAfterFailedLogin(t *testing.T) {
	srv := NewTest(t, Config{Faults: Faults{CloseAfterFailedLogin: true}})
	c, _ := dial(t, srv)
	c.ok("USER user")
	if got := c.cmd("PASS nope"); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("PASS = %q", got)
	}
	if rest := c.rest(); rest != "" {
		t.Errorf("after a failed login the server sent %q, want a closed connection", rest)
	}
}

func TestSTLS(t *testing.T) {
	srvTLS, cliTLS, _, err := TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := NewTest(t, Config{TLS: srvTLS, Maildrop: NewMaildrop(sample...)})
	c, _ := dial(t, srv)
	if caps := c.multi("CAPA"); !slices.Contains(caps, "STLS") {
		t.Fatalf("CAPA lacks STLS: %q", caps)
	}
	c.startTLS(cliTLS)
	caps := c.multi("CAPA")
	if slices.Contains(caps, "STLS") {
		t.Errorf("CAPA over TLS still offers STLS: %q", caps)
	}
	if got := c.cmd("STLS"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("second STLS = %q", got)
	}
	c.login("user", "pass")
	c.ok("QUIT")
	for i, cmd := range srv.Log() {
		wantTLS := i >= 2 // CAPA and STLS came in cleartext
		if cmd.TLS != wantTLS {
			t.Errorf("%s: TLS=%v, want %v", cmd.Line, cmd.TLS, wantTLS)
		}
	}
}

// Cleartext the client pipelined after STLS must not be executed after the
// handshake (the server side of the injection attack).
func TestSTLSDropsPipelinedCleartext(t *testing.T) {
	srvTLS, cliTLS, _, err := TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := NewTest(t, Config{TLS: srvTLS})
	conn, r := rawDial(t, srv)
	r.ReadString('\n')
	io.WriteString(conn, "STLS\r\nUSER injected\r\n")
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "+OK") {
		t.Fatalf("STLS = %q", line)
	}
	tc := tls.Client(conn, cliTLS)
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(tc, "QUIT\r\n")
	io.ReadAll(tc)
	if got, want := srv.Commands(), []string{"STLS", "QUIT"}; !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
}

func TestFaultSTLS(t *testing.T) {
	srvTLS, cliTLS, _, err := TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := NewTest(t, Config{TLS: srvTLS, Faults: Faults{RefuseSTLS: true}})
	c, _ := dial(t, srv)
	if got := c.cmd("STLS"); !strings.HasPrefix(got, "-ERR") {
		t.Fatalf("refused STLS = %q", got)
	}
	c.multi("CAPA") // the session goes on in cleartext

	srv.SetFaults(Faults{InjectAfterSTLS: "+OK injected\r\n"})
	c2, _ := rawDial(t, srv)
	r := bufio.NewReader(c2)
	r.ReadString('\n')
	io.WriteString(c2, "STLS\r\n")
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "+OK Begin") {
		t.Fatalf("STLS = %q", line)
	}
	if line, _ := r.ReadString('\n'); line != "+OK injected\r\n" {
		t.Fatalf("after the STLS +OK got %q, want the injected line", line)
	}
	// The server still completes a handshake after the injection.
	tc := tls.Client(c2, cliTLS)
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake after injection: %v", err)
	}
}

func TestImplicitTLS(t *testing.T) {
	srvTLS, cliTLS, _, err := TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(Config{Implicit: true}); err == nil {
		t.Error("Start with Implicit and no TLS config succeeded")
	}
	srv := NewTest(t, Config{TLS: srvTLS, Implicit: true, Maildrop: NewMaildrop(sample...)})
	conn, err := tls.Dial("tcp", srv.Addr(), cliTLS)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	if line, _ := r.ReadString('\n'); !strings.HasPrefix(line, "+OK") {
		t.Fatalf("greeting %q", line)
	}
	io.WriteString(conn, "CAPA\r\nUSER user\r\nPASS pass\r\nSTAT\r\n")
	var all []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, line)
		if strings.HasPrefix(line, "+OK 3 ") {
			break
		}
	}
	if slices.Contains(all, "STLS\r\n") {
		t.Errorf("implicit TLS offers STLS: %q", all)
	}
	if log := srv.Log(); !log[len(log)-1].TLS {
		t.Errorf("log says cleartext: %+v", log)
	}
}

// STLS spelled oddly, with an argument, or inside a SASL exchange never
// leaves the reader and the session out of step.
func TestSTLSVariants(t *testing.T) {
	srv := NewTest(t, Config{})
	c, _ := dial(t, srv)
	for _, line := range []string{"stls", "STLS now", " STLS", "STLSX"} {
		if got := c.cmd(line); !strings.HasPrefix(got, "-ERR") {
			t.Errorf("%q = %q, want -ERR (no TLS configured)", line, got)
		}
	}
	c.tp.PrintfLine("AUTH PLAIN")
	c.readLine()
	if got := c.cmd("STLS"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("STLS as a SASL response = %q", got)
	}
	c.login("user", "pass")
}

func TestRequireTLS(t *testing.T) {
	srvTLS, cliTLS, _, err := TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := NewTest(t, Config{TLS: srvTLS, RequireTLS: true})
	c, _ := dial(t, srv)
	caps := c.multi("CAPA")
	if !slices.Contains(caps, "STLS") || slices.Contains(caps, "USER") || slices.ContainsFunc(caps, func(s string) bool { return strings.HasPrefix(s, "SASL") }) {
		t.Errorf("CAPA before TLS = %q", caps)
	}
	for _, cmd := range []string{"USER user", "PASS pass", "AUTH PLAIN AHVzZXIAcGFzcw==", "APOP user x"} {
		if got := c.cmd(cmd); !strings.HasPrefix(got, "-ERR [AUTH]") {
			t.Errorf("%s before TLS = %q", cmd, got)
		}
	}
	c.startTLS(cliTLS)
	if caps := c.multi("CAPA"); !slices.Contains(caps, "USER") {
		t.Errorf("CAPA after TLS = %q", caps)
	}
	c.login("user", "pass")
}
