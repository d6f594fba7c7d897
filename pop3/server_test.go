package pop3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/pop3/pop3test"
)

// sampleMessages makes n small messages with unique UIDs.
func sampleMessages(n int) []pop3test.Message {
	msgs := make([]pop3test.Message, n)
	for i := range msgs {
		msgs[i] = pop3test.Message{
			UID: fmt.Sprintf("uid-%05d", i+1),
			Data: []byte(fmt.Sprintf("From: a@example.org\r\nSubject: message %d\r\nMessage-ID: <%d@example.org>\r\n\r\n"+
				"Body of %d.\r\n.leading dot\r\n..two dots\r\n.\r\nlast\r\n", i+1, i+1, i+1)),
		}
	}
	return msgs
}

// lf turns CRLF into LF: what Retr returns.
func lf(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }

// TestServerFullSession: a whole session over STLS against pop3test.
func TestServerFullSession(t *testing.T) {
	srvTLS, cliTLS, _, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	msgs := sampleMessages(5)
	srv := pop3test.NewTest(t, pop3test.Config{
		TLS: srvTLS, Maildrop: pop3test.NewMaildrop(msgs...), UTF8: true,
		CapaAfterAuthOnly: []string{"TOP", "PIPELINING"},
	})
	c, err := DialStartTLS(bg, srv.Addr(), &Options{TLSConfig: cliTLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Caps().Top {
		t.Fatal("TOP advertised before login: test server not configured as expected")
	}
	mech, err := c.Login(bg, Credentials{Username: pop3test.DefaultUser, Password: pop3test.DefaultPassword})
	if err != nil || mech != MechPlain {
		t.Fatalf("Login = %q, %v", mech, err)
	}
	if caps := c.Caps(); !caps.Top || !caps.Pipelining {
		t.Fatalf("capabilities after login = %+v: CAPA not asked again", caps)
	}
	if n, _, err := c.Stat(bg); n != 5 || err != nil {
		t.Fatalf("Stat = %d, %v", n, err)
	}
	list, err := c.List(bg)
	if err != nil || len(list) != 5 {
		t.Fatalf("List = %v, %v", list, err)
	}
	uids, err := c.UIDL(bg)
	if err != nil || len(uids) != 5 || uids[4].UID != "uid-00005" {
		t.Fatalf("UIDL = %v, %v", uids, err)
	}
	for i, m := range msgs {
		if got := readAll(t)(c.Retr(bg, i+1)); got != lf(m.Data) {
			t.Fatalf("RETR %d = %q, want %q", i+1, got, lf(m.Data))
		}
	}
	if got := readAll(t)(c.Top(bg, 2, 0)); !strings.HasPrefix(got, "From:") || strings.Contains(got, "Body") {
		t.Fatalf("TOP 2 0 = %q", got)
	}
	if err := c.Dele(bg, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
	if got := srv.Maildrop().Len(); got != 4 {
		t.Fatalf("maildrop has %d messages after QUIT, want 4", got)
	}
	for _, cmd := range srv.Log() {
		if !cmd.TLS {
			if cmd.Verb == "AUTH" || cmd.Verb == "USER" || cmd.Verb == "PASS" {
				t.Fatalf("%s sent in cleartext", cmd.Verb)
			}
		}
	}
	// RFC 6856: UTF8 inside TLS, before authenticating; CAPA before STLS,
	// after STLS and after authentication.
	if got := strings.Join(srv.Commands(), " "); !strings.HasPrefix(got, "CAPA STLS CAPA UTF8 AUTH CAPA ") {
		t.Fatalf("commands %q, want CAPA STLS CAPA UTF8 AUTH CAPA first", got)
	}
}

// TestServerCommit: deletions take effect only on QUIT +OK.
func TestServerCommit(t *testing.T) {
	tests := []struct {
		name string
		end  func(c *Client) error
		left int
	}{
		{name: "quit commits", end: func(c *Client) error { return c.Quit(bg) }, left: 1},
		{name: "close deletes nothing", end: func(c *Client) error { return c.Close() }, left: 3},
		{name: "rset then quit", end: func(c *Client) error {
			if err := c.Rset(bg); err != nil {
				return err
			}
			return c.Quit(bg)
		}, left: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(sampleMessages(3)...)})
			c := dial(t, srv.Addr(), nil)
			if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true}); err != nil {
				t.Fatal(err)
			}
			var got []int
			if err := c.DeleMany(bg, []int{1, 3}, func(n int, err error) error { got = append(got, n); return err }); err != nil || len(got) != 2 {
				t.Fatalf("DeleMany = %v (%v)", err, got)
			}
			if err := tt.end(c); err != nil {
				t.Fatal(err)
			}
			c.Close()
			srv.Close() // waits for the session to end
			if n := srv.Maildrop().Len(); n != tt.left {
				t.Fatalf("%d messages left, want %d", n, tt.left)
			}
		})
	}
}

// TestServerPipelinedTops: 10,000 TOPs pipelined against pop3test.
func TestServerPipelinedTops(t *testing.T) {
	const total = 10000
	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(sampleMessages(total)...)})
	c := dial(t, srv.Addr(), nil)
	if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true}); err != nil {
		t.Fatal(err)
	}
	if !c.Caps().Pipelining {
		t.Fatal("pop3test does not advertise PIPELINING")
	}
	nums := make([]int, total)
	for i := range nums {
		nums[i] = i + 1
	}
	count := 0
	err := c.TopMany(bg, nums, 0, func(n int, body io.Reader, err error) error {
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(body)
		if want := fmt.Sprintf("Subject: message %d\n", n); !bytes.Contains(b, []byte(want)) {
			return fmt.Errorf("TOP %d: %q lacks %q", n, b, want)
		}
		count++
		return nil
	})
	if err != nil || count != total {
		t.Fatalf("TopMany = %v after %d", err, count)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
}

// TestServerFaults: real-world oddities are tolerated, broken replies are
// clear errors.
func TestServerFaults(t *testing.T) {
	login := func(c *Client) error {
		_, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true})
		return err
	}
	tests := []struct {
		name   string
		cfg    pop3test.Config
		faults pop3test.Faults
		run    func(t *testing.T, c *Client)
	}{
		{name: "bare LF and no text", faults: pop3test.Faults{BareLF: true, NoText: true}, run: func(t *testing.T, c *Client) {
			if err := login(c); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t)(c.Retr(bg, 1)); !strings.Contains(got, "\n.leading dot\n..two dots\n.\nlast\n") {
				t.Fatalf("RETR = %q", got)
			}
		}},
		{name: "sizes off", faults: pop3test.Faults{ListSizeDelta: -50}, run: func(t *testing.T, c *Client) {
			login(c)
			if _, err := c.List(bg); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t)(c.Retr(bg, 2)); !strings.Contains(got, "message 2") {
				t.Fatalf("RETR = %q", got)
			}
		}},
		{name: "duplicate and long UIDLs", faults: pop3test.Faults{DuplicateUIDLs: true}, run: func(t *testing.T, c *Client) {
			login(c)
			uids, err := c.UIDL(bg)
			if err != nil || len(uids) != 3 || uids[0].UID != uids[2].UID {
				t.Fatalf("UIDL = %v, %v", uids, err)
			}
		}},
		{name: "long UIDLs", faults: pop3test.Faults{LongUIDLs: 300}, run: func(t *testing.T, c *Client) {
			login(c)
			uids, err := c.UIDL(bg)
			if err != nil || len(uids) != 3 || len(uids[1].UID) != 300 {
				t.Fatalf("UIDL = %v, %v", uids, err)
			}
		}},
		{name: "closes after failed login", faults: pop3test.Faults{LoginError: "[AUTH] bad password", CloseAfterFailedLogin: true}, run: func(t *testing.T, c *Client) {
			err := login(c)
			var se *Error
			if !errors.As(err, &se) || se.Code != CodeAuth || se.Temporary() {
				t.Fatalf("Login = %v, want [AUTH]", err)
			}
			if err := c.Noop(bg); err == nil {
				t.Fatal("NOOP after the server closed succeeded")
			}
		}},
		{name: "in use", faults: pop3test.Faults{LoginError: "[IN-USE] locked"}, run: func(t *testing.T, c *Client) {
			var se *Error
			if err := login(c); !errors.As(err, &se) || !se.Temporary() || se.Code != CodeInUse {
				t.Fatalf("Login = %v, want [IN-USE]", err)
			}
		}},
		{name: "endless reply past its size", faults: pop3test.Faults{EndlessOn: "RETR"}, run: func(t *testing.T, c *Client) {
			login(c)
			c.List(bg)
			_, err := io.Copy(io.Discard, must(c.Retr(bg, 1)))
			if !errors.Is(err, ErrReplyTooLong) {
				t.Fatalf("RETR = %v, want ErrReplyTooLong", err)
			}
		}},
		{name: "dropped mid-reply", faults: pop3test.Faults{DropRetrAfter: 20}, run: func(t *testing.T, c *Client) {
			login(c)
			_, err := io.Copy(io.Discard, must(c.Retr(bg, 1)))
			if !errors.Is(err, ErrServerClosed) {
				t.Fatalf("RETR = %v, want ErrServerClosed", err)
			}
		}},
		{name: "stall", faults: pop3test.Faults{StallOn: "UIDL"}, run: func(t *testing.T, c *Client) {
			login(c)
			if _, err := c.UIDL(bg); !errors.Is(err, ErrTimeout) {
				t.Fatalf("UIDL = %v, want ErrTimeout", err)
			}
		}},
		{name: "no CAPA", cfg: pop3test.Config{NoCAPA: true}, run: func(t *testing.T, c *Client) {
			if err := login(c); err != nil || c.Caps().Known {
				t.Fatalf("Login without CAPA = %v, caps %+v", err, c.Caps())
			}
		}},
		{name: "APOP", cfg: pop3test.Config{APOP: true}, run: func(t *testing.T, c *Client) {
			if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", Mechanism: "apop", AllowCleartext: true}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "CRAM-MD5", run: func(t *testing.T, c *Client) {
			if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", Mechanism: "cram-md5", AllowCleartext: true}); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "LOGIN", cfg: pop3test.Config{SASL: []string{"LOGIN"}}, run: func(t *testing.T, c *Client) {
			if mech, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true}); err != nil || mech != MechLogin {
				t.Fatalf("Login = %q, %v", mech, err)
			}
		}},
		{name: "XOAUTH2 long token", cfg: pop3test.Config{Tokens: map[string]string{"user": strings.Repeat("t", 600)}, SASL: []string{"XOAUTH2"}}, run: func(t *testing.T, c *Client) {
			mech, err := c.Login(bg, Credentials{Username: "user", Token: tokenFunc(strings.Repeat("t", 600)), AllowCleartext: true})
			if err != nil || mech != MechXOAUTH2 {
				t.Fatalf("Login = %q, %v", mech, err)
			}
		}},
		{name: "OAUTHBEARER", cfg: pop3test.Config{Tokens: map[string]string{"user": "tok"}}, run: func(t *testing.T, c *Client) {
			mech, err := c.Login(bg, Credentials{Username: "user", Token: tokenFunc("tok"), AllowCleartext: true})
			if err != nil || mech != MechOAuthBearer {
				t.Fatalf("Login = %q, %v", mech, err)
			}
		}},
		{name: "OAUTHBEARER bad token", cfg: pop3test.Config{Tokens: map[string]string{"user": "tok"}}, run: func(t *testing.T, c *Client) {
			_, err := c.Login(bg, Credentials{Username: "user", Token: tokenFunc("wrong-token"), AllowCleartext: true})
			var se *Error
			if !errors.As(err, &se) || strings.Contains(err.Error(), "wrong-token") {
				t.Fatalf("Login = %v, want a refusal without the token", err)
			}
			if caps, err := c.Capa(bg); err != nil || !caps.Known {
				t.Fatalf("session after a failed OAUTHBEARER: %v", err)
			}
		}},
		{name: "UTF8", cfg: pop3test.Config{UTF8: true}, run: func(t *testing.T, c *Client) {
			login(c)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Maildrop = pop3test.NewMaildrop(sampleMessages(3)...)
			cfg.Faults = tt.faults
			srv := pop3test.NewTest(t, cfg)
			c := dial(t, srv.Addr(), &Options{CommandTimeout: 300 * time.Millisecond})
			tt.run(t, c)
			if tt.name == "UTF8" {
				var verbs []string
				for _, cmd := range srv.Log() {
					verbs = append(verbs, cmd.Verb)
				}
				if got := strings.Join(verbs, " "); !strings.HasPrefix(got, "CAPA UTF8 AUTH") {
					t.Fatalf("commands %q: UTF8 must come before authentication", got)
				}
			}
		})
	}
}

// TestServerInjection: pop3test's injection fault is caught.
func TestServerInjection(t *testing.T) {
	srvTLS, cliTLS, _, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Faults: pop3test.Faults{InjectAfterSTLS: "+OK injected\r\n"}})
	ctx, cancel := context.WithTimeout(bg, 10*time.Second)
	defer cancel()
	if _, err := DialStartTLS(ctx, srv.Addr(), &Options{TLSConfig: cliTLS}); !errors.Is(err, ErrTLSUnavailable) {
		t.Fatalf("DialStartTLS = %v, want ErrTLSUnavailable", err)
	}
	for _, cmd := range srv.Log() {
		if cmd.Verb != "CAPA" && cmd.Verb != "STLS" {
			t.Fatalf("client sent %s after an injection", cmd.Verb)
		}
	}
}

// TestServerImplicitTLS: DialTLS against pop3test on implicit TLS.
func TestServerImplicitTLS(t *testing.T) {
	srvTLS, cliTLS, _, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Implicit: true, Maildrop: pop3test.NewMaildrop(sampleMessages(2)...)})
	c, err := DialTLS(bg, srv.Addr(), &Options{TLSConfig: cliTLS})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
}

// TestServerNoCleartextCredentials: a client that requires TLS never sends
// USER, PASS, APOP or AUTH in cleartext, whether STLS is missing, refused,
// attacked or fails its handshake. The proof is the server's own log of the
// commands it received, read after every session has ended.
func TestServerNoCleartextCredentials(t *testing.T) {
	srvTLS, cliTLS, _, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	cred := func(mech string) Credentials {
		return Credentials{Username: pop3test.DefaultUser, Password: pop3test.DefaultPassword, Mechanism: mech,
			Token: func(context.Context) (string, error) { return "token", nil }}
	}
	mechs := []string{MechAuto, MechUser, MechAPOP, MechPlain, MechLogin, MechCRAMMD5, MechXOAUTH2, MechOAuthBearer}
	// dialThenLogin requires STLS with DialStartTLS; it must fail, and so
	// must every mechanism tried on a cleartext connection afterwards.
	dialThenLogin := func(opts *Options) func(t *testing.T, addr string) {
		return func(t *testing.T, addr string) {
			if c, err := DialStartTLS(bg, addr, opts); !errors.Is(err, ErrTLSUnavailable) {
				if c != nil {
					c.Close()
				}
				t.Fatalf("DialStartTLS = %v, want ErrTLSUnavailable", err)
			}
			c, err := Dial(bg, addr, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.StartTLS(bg, nil); err == nil {
				t.Fatal("StartTLS succeeded")
			}
			for _, mech := range mechs {
				if _, err := c.Login(bg, cred(mech)); !errors.Is(err, ErrCleartext) && !errors.Is(err, ErrClosed) {
					t.Fatalf("Login(%s) after a failed STLS = %v, want ErrCleartext or ErrClosed", mech, err)
				}
			}
		}
	}
	tests := []struct {
		name string
		cfg  pop3test.Config
		run  func(t *testing.T, addr string)
		// credentials: the control case, where they do go (over TLS)
		credentials bool
	}{
		{name: "STLS not offered", cfg: pop3test.Config{APOP: true}, run: dialThenLogin(&Options{TLSConfig: cliTLS})},
		{name: "STLS refused", cfg: pop3test.Config{APOP: true, TLS: srvTLS, Faults: pop3test.Faults{RefuseSTLS: true}},
			run: dialThenLogin(&Options{TLSConfig: cliTLS})},
		{name: "STLS response injection", cfg: pop3test.Config{APOP: true, TLS: srvTLS, Faults: pop3test.Faults{InjectAfterSTLS: "+OK injected\r\n"}},
			run: dialThenLogin(&Options{TLSConfig: cliTLS})},
		{name: "certificate not trusted", cfg: pop3test.Config{APOP: true, TLS: srvTLS},
			run: dialThenLogin(&Options{})},
		{name: "plain connection, every mechanism", cfg: pop3test.Config{APOP: true, TLS: srvTLS, Tokens: map[string]string{pop3test.DefaultUser: "token"}},
			run: func(t *testing.T, addr string) {
				c, err := Dial(bg, addr, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				for _, mech := range mechs {
					if _, err := c.Login(bg, cred(mech)); !errors.Is(err, ErrCleartext) {
						t.Fatalf("Login(%s) = %v, want ErrCleartext", mech, err)
					}
				}
				if err := c.Quit(bg); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "control: STLS works", cfg: pop3test.Config{TLS: srvTLS}, credentials: true,
			run: func(t *testing.T, addr string) {
				c, err := DialStartTLS(bg, addr, &Options{TLSConfig: cliTLS})
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := c.Login(bg, cred(MechUser)); err != nil {
					t.Fatal(err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pop3test.NewTest(t, tt.cfg)
			tt.run(t, srv.Addr())
			srv.Close() // every session has ended: the log is complete
			sent := 0
			for _, cmd := range srv.Log() {
				switch cmd.Verb {
				case "USER", "PASS", "APOP", "AUTH":
					sent++
					if !cmd.TLS {
						t.Errorf("the server received %q in cleartext", cmd.Line)
					}
				}
			}
			if tt.credentials != (sent > 0) {
				t.Errorf("credential commands received: %d (log %q)", sent, srv.Commands())
			}
		})
	}
}

// TestServerRefusalTextKept: the server's words stay readable when the
// password is short and appears inside them ("pass" in "password"), while
// the password standing alone is still redacted.
func TestServerRefusalTextKept(t *testing.T) {
	srv := pop3test.NewTest(t, pop3test.Config{Faults: pop3test.Faults{LoginError: "[AUTH] wrong password: pass"}})
	c, err := Dial(bg, srv.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Login(bg, Credentials{Username: pop3test.DefaultUser, Password: "pass", Mechanism: MechUser, AllowCleartext: true})
	if err == nil || err.Error() != "pop3: PASS: [AUTH] wrong password: [redacted]" {
		t.Fatalf("Login = %v, want the server's text with the password redacted", err)
	}
}

// TestServerOddUIDLs: unique-ids over 70 octets and duplicates are kept
// byte for byte; those with bytes outside 0x21-0x7E (control characters,
// an escape sequence, invalid UTF-8) or over MaxUIDLength are reported
// Unusable, without failing the listing, in listings and UIDL n alike.
func TestServerOddUIDLs(t *testing.T) {
	odd := []string{"ctl\x01\x7f", "esc\x1b[31mred", "bad\xff\xfeutf8", strings.Repeat("L", 200), "ctl\x01\x7f", strings.Repeat("M", 513), "ok"}
	usable := []bool{false, false, false, true, false, false, true}
	msgs := sampleMessages(len(odd))
	for i := range msgs {
		msgs[i].UID = odd[i]
	}
	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(msgs...)})
	c := dial(t, srv.Addr(), nil)
	if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true}); err != nil {
		t.Fatal(err)
	}
	uids, err := c.UIDL(bg)
	if err != nil || len(uids) != len(odd) {
		t.Fatalf("UIDL = %#v, %v", uids, err)
	}
	for i, u := range uids {
		want := odd[i]
		if !usable[i] {
			want = ""
		}
		if u.Number != i+1 || u.UID != want || (u.Unusable == "") != usable[i] {
			t.Errorf("entry %d = %d %q (%s), want %d %q", i, u.Number, u.UID, u.Unusable, i+1, want)
		}
		if one, err := c.UIDLOne(bg, i+1); err != nil || one != u {
			t.Errorf("UIDL %d = %#v, %v; want %#v", i+1, one, err, u)
		}
	}
}

// TestServerEndlessBody: a RETR or TOP reply that runs far past the size
// LIST gave is an error naming the command, after a bounded read (4 times
// the size plus 1 MiB), in the pipelined batch as in a single command.
func TestServerEndlessBody(t *testing.T) {
	tests := []struct {
		verb string
		run  func(c *Client) error
	}{
		{verb: "RETR", run: func(c *Client) error {
			rc, err := c.Retr(bg, 2)
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, rc)
			return err
		}},
		{verb: "TOP", run: func(c *Client) error {
			return c.TopMany(bg, []int{1, 2, 3}, 0, func(n int, body io.Reader, err error) error {
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, body)
				return err
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			srv := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(sampleMessages(3)...),
				Faults: pop3test.Faults{EndlessOn: tt.verb}})
			c := dial(t, srv.Addr(), nil)
			if _, err := c.Login(bg, Credentials{Username: "user", Password: "pass", AllowCleartext: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.List(bg); err != nil {
				t.Fatal(err)
			}
			err := tt.run(c)
			var pe *ProtocolError
			if !errors.Is(err, ErrReplyTooLong) || !errors.As(err, &pe) || !strings.HasPrefix(pe.Command, tt.verb+" ") {
				t.Fatalf("err = %v, want ErrReplyTooLong naming %s", err, tt.verb)
			}
			if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
				t.Fatalf("NOOP after the broken reply = %v, want ErrClosed", err)
			}
		})
	}
}
