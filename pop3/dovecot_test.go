package pop3_test

// Integration tests against a real Dovecot (internal/dovecottest): every
// command, STLS, implicit TLS, each login mechanism, pipelining and the
// QUIT commit, checked on the server's own Maildir.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/pop3"
)

// dovecotCtx bounds each test's conversation with Dovecot.
func dovecotCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// dovecotOptions trusts the server's own certificate only.
func dovecotOptions(srv *dovecottest.Server) *pop3.Options {
	return &pop3.Options{TLSConfig: &tls.Config{RootCAs: srv.CertPool()}}
}

// dovecotLogin connects with STLS and logs in as the default user.
func dovecotLogin(t *testing.T, ctx context.Context, srv *dovecottest.Server) *pop3.Client {
	t.Helper()
	c, err := pop3.DialStartTLS(ctx, srv.Addr(), dovecotOptions(srv))
	if err != nil {
		t.Fatalf("DialStartTLS: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := c.Login(ctx, pop3.Credentials{Username: srv.User, Password: srv.Password}); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// lf is what the client returns for a stored message: CRLF turned into LF.
func lf(raw []byte) []byte { return bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")) }

// virtualSize is the size POP3 reports: every bare LF counted as CRLF.
func virtualSize(raw []byte) int64 {
	return int64(len(lf(raw)) + bytes.Count(lf(raw), []byte("\n")))
}

// readAll returns a function that reads a body (the results of Retr or Top)
// and closes it: readAll(t)(c.Retr(ctx, n)).
func readAll(t *testing.T) func(rc io.ReadCloser, err error) []byte {
	return func(rc io.ReadCloser, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// trickyMessages exercise dot-stuffing, long lines, 8-bit headers and both
// line-end conventions.
func trickyMessages() [][]byte {
	long := strings.Repeat("0123456789", 10_000) // a 100,000-byte line
	return [][]byte{
		[]byte("From: a@example.org\nSubject: plain LF\n\nhello\n"),
		[]byte("From: b@example.org\r\nSubject: CRLF\r\n\r\nline one\r\nline two\r\n"),
		[]byte("Subject: dots\n\n.\n..\n...\n.hidden\n..double\n. space\nend.\n.\n"),
		[]byte("Subject: long line\n\n" + long + "\n." + long + "\n"),
		[]byte("Subject: =?UTF-8?B?w6l0w6k=?= h\xc3\xa9llo \xe6\x97\xa5\xe6\x9c\xac\nX-Long: " + strings.Repeat("x", 5000) + "\n\nbody \xe2\x82\xac\n\n\n"),
	}
}

func TestDovecotEveryCommand(t *testing.T) {
	srv := dovecottest.Start(t)
	msgs := trickyMessages()
	for _, m := range msgs {
		srv.Deliver(srv.User, m)
	}
	ctx := dovecotCtx(t)
	c := dovecotLogin(t, ctx, srv)

	caps := c.Caps()
	if !caps.Top || !caps.UIDL || !caps.Pipelining || !caps.RespCodes {
		t.Errorf("capabilities after login: %+v, want TOP UIDL PIPELINING RESP-CODES", caps)
	}

	count, size, err := c.Stat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wantSize int64
	for _, m := range msgs {
		wantSize += virtualSize(m)
	}
	if count != len(msgs) || size != wantSize {
		t.Fatalf("STAT = %d %d, want %d %d", count, size, len(msgs), wantSize)
	}

	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(msgs) {
		t.Fatalf("LIST: %d entries, want %d", len(list), len(msgs))
	}
	uidls, err := c.UIDL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(uidls) != len(msgs) {
		t.Fatalf("UIDL: %d entries, want %d", len(uidls), len(msgs))
	}
	seen := map[string]bool{}
	for i, m := range msgs {
		n := i + 1
		t.Run(fmt.Sprintf("message %d", n), func(t *testing.T) {
			if list[i] != (pop3.MessageInfo{Number: n, Size: virtualSize(m)}) {
				t.Errorf("LIST entry %+v, want %d %d", list[i], n, virtualSize(m))
			}
			one, err := c.ListOne(ctx, n)
			if err != nil || one != list[i] {
				t.Errorf("LIST %d = %+v, %v; want %+v", n, one, err, list[i])
			}
			u := uidls[i]
			if u.Number != n || len(u.UID) != 16 || seen[u.UID] {
				t.Errorf("UIDL entry %+v: want number %d and a unique %%08Xu%%08Xv UID", u, n)
			}
			seen[u.UID] = true
			uo, err := c.UIDLOne(ctx, n)
			if err != nil || uo != u {
				t.Errorf("UIDL %d = %+v, %v; want %+v", n, uo, err, u)
			}

			got := readAll(t)(c.Retr(ctx, n))
			if !bytes.Equal(got, lf(m)) {
				t.Errorf("RETR %d: got %d bytes, want the %d bytes delivered (CRLF as LF)\ngot  %.200q\nwant %.200q", n, len(got), len(lf(m)), got, lf(m))
			}
			header, _, _ := bytes.Cut(lf(m), []byte("\n\n"))
			top := readAll(t)(c.Top(ctx, n, 0))
			if want := append(append([]byte{}, header...), "\n\n"...); !bytes.Equal(top, want) {
				t.Errorf("TOP %d 0 = %.200q, want the header block %.200q", n, top, want)
			}
			top2 := readAll(t)(c.Top(ctx, n, 2))
			if !bytes.HasPrefix(lf(m), top2) || len(top2) <= len(header)+1 {
				t.Errorf("TOP %d 2 = %.200q, want the header and the first two body lines", n, top2)
			}
		})
	}

	// An unread body is drained by the next command.
	rc, err := c.Retr(ctx, 4)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP after a half-read RETR: %v", err)
	}

	if err := c.Dele(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var perr *pop3.Error
	if _, err := c.ListOne(ctx, 1); !errors.As(err, &perr) {
		t.Errorf("LIST of a deleted message: %v, want a *pop3.Error", err)
	}
	if _, err := c.Retr(ctx, 1); !errors.As(err, &perr) || perr.Command != "RETR 1" {
		t.Errorf("RETR of a deleted message: %v, want a *pop3.Error for RETR 1", err)
	}
	if _, err := c.Retr(ctx, 99); !errors.As(err, &perr) {
		t.Errorf("RETR 99: %v, want a *pop3.Error", err)
	}
	if count, _, _ := c.Stat(ctx); count != len(msgs)-1 {
		t.Errorf("STAT after DELE: %d messages, want %d", count, len(msgs)-1)
	}
	if err := c.Rset(ctx); err != nil {
		t.Fatal(err)
	}
	if count, _, _ := c.Stat(ctx); count != len(msgs) {
		t.Errorf("STAT after RSET: %d messages, want %d", count, len(msgs))
	}
	if err := c.Dele(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count(srv.User); n != len(msgs) {
		t.Fatalf("before QUIT the server holds %d messages, want %d", n, len(msgs))
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatalf("QUIT: %v", err)
	}
	if n := srv.Count(srv.User); n != len(msgs)-1 {
		t.Fatalf("after QUIT the server holds %d messages, want %d", n, len(msgs)-1)
	}
	if srv.HasMessage(srv.User, msgs[1]) || !srv.HasMessage(srv.User, msgs[0]) {
		t.Errorf("QUIT expunged the wrong message")
	}
	if err := c.Noop(ctx); err == nil {
		t.Errorf("NOOP after QUIT succeeded")
	}
}

func TestDovecotTLS(t *testing.T) {
	srv := dovecottest.Start(t)
	other := dovecottest.Start(t) // a valid certificate, but not this server's
	srv.Deliver(srv.User, []byte("Subject: tls\n\nsecret mail\n"))
	ctx := dovecotCtx(t)
	wrongCA := &pop3.Options{TLSConfig: &tls.Config{RootCAs: other.CertPool()}}
	tests := []struct {
		name    string
		dial    func(ctx context.Context, addr string, opts *pop3.Options) (*pop3.Client, error)
		addr    string
		opts    *pop3.Options
		wantErr bool
	}{
		{"implicit TLS", pop3.DialTLS, srv.TLSAddr(), dovecotOptions(srv), false},
		{"STLS", pop3.DialStartTLS, srv.Addr(), dovecotOptions(srv), false},
		{"implicit TLS, wrong CA", pop3.DialTLS, srv.TLSAddr(), wrongCA, true},
		{"STLS, wrong CA", pop3.DialStartTLS, srv.Addr(), wrongCA, true},
		{"implicit TLS, system roots", pop3.DialTLS, srv.TLSAddr(), &pop3.Options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.dial(ctx, tt.addr, tt.opts)
			if tt.wantErr {
				var verr *tls.CertificateVerificationError
				if err == nil {
					c.Close()
					t.Fatal("connected despite an untrusted certificate")
				}
				if !errors.As(err, &verr) {
					t.Errorf("error %v, want a certificate verification error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			st, ok := c.TLS()
			if !ok || !st.HandshakeComplete {
				t.Fatal("TLS() reports no TLS")
			}
			if c.Caps().STLS {
				t.Errorf("STLS still advertised inside TLS")
			}
			if _, err := c.Login(ctx, pop3.Credentials{Username: srv.User, Password: srv.Password}); err != nil {
				t.Fatal(err)
			}
			got := readAll(t)(c.Retr(ctx, 1))
			if string(got) != "Subject: tls\n\nsecret mail\n" {
				t.Errorf("RETR over TLS = %q", got)
			}
			if err := c.Quit(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	if !strings.Contains(srv.Log(), "TLS") {
		t.Errorf("the server log shows no TLS session")
	}
}

func TestDovecotMechanisms(t *testing.T) {
	srv := dovecottest.Start(t)
	srv.Deliver(srv.User, []byte("Subject: auth\n\nx\n"))
	ctx := dovecotCtx(t)
	tests := []struct {
		mech, want string
		tls        bool
	}{
		{"", pop3.MechPlain, true},
		{pop3.MechUser, pop3.MechUser, true},
		{pop3.MechPlain, pop3.MechPlain, true},
		{pop3.MechLogin, pop3.MechLogin, true},
		{pop3.MechCRAMMD5, pop3.MechCRAMMD5, true},
		{pop3.MechAPOP, pop3.MechAPOP, true},
		{pop3.MechUser, pop3.MechUser, false},
		{pop3.MechAPOP, pop3.MechAPOP, false},
	}
	for _, tt := range tests {
		name := tt.want + map[bool]string{true: " over STLS", false: " in cleartext, allowed"}[tt.tls]
		if tt.mech == "" {
			name = "auto over STLS"
		}
		for _, wrong := range []bool{false, true} {
			name := name
			if wrong {
				name += ", wrong password"
			}
			t.Run(name, func(t *testing.T) {
				var c *pop3.Client
				var err error
				if tt.tls {
					c, err = pop3.DialStartTLS(ctx, srv.Addr(), dovecotOptions(srv))
				} else {
					c, err = pop3.Dial(ctx, srv.Addr(), dovecotOptions(srv))
				}
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				pass := srv.Password
				if wrong {
					pass = "Wr0ng-" + srv.Password
				}
				mech, err := c.Login(ctx, pop3.Credentials{
					Username: srv.User, Password: pass, Mechanism: tt.mech, AllowCleartext: !tt.tls,
				})
				if mech != tt.want {
					t.Errorf("mechanism %q, want %q", mech, tt.want)
				}
				if wrong {
					var perr *pop3.Error
					if !errors.As(err, &perr) {
						t.Fatalf("wrong password: %v, want a *pop3.Error", err)
					}
					if perr.Code != pop3.CodeAuth || perr.Temporary() {
						t.Errorf("wrong password: code %q temporary %v, want [AUTH], permanent", perr.Code, perr.Temporary())
					}
					if strings.Contains(err.Error(), pass) {
						t.Errorf("the error %q carries the password", err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				if n, _, err := c.Stat(ctx); err != nil || n != 1 {
					t.Errorf("STAT after login = %d, %v", n, err)
				}
				if err := c.Quit(ctx); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestDovecotRefusesCleartextLogin(t *testing.T) {
	srv := dovecottest.Start(t)
	ctx := dovecotCtx(t)
	for _, mech := range []string{"", pop3.MechUser, pop3.MechPlain, pop3.MechAPOP, pop3.MechCRAMMD5} {
		t.Run("mechanism "+mech, func(t *testing.T) {
			c, err := pop3.Dial(ctx, srv.Addr(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Login(ctx, pop3.Credentials{Username: srv.User, Password: srv.Password, Mechanism: mech})
			if !errors.Is(err, pop3.ErrCleartext) {
				t.Fatalf("Login in cleartext: %v, want ErrCleartext", err)
			}
		})
	}
	if err := srv.WaitIdle(time.Minute); err != nil {
		t.Fatal(err)
	}
	if log := srv.Log(); strings.Contains(log, "Login: user=") || strings.Contains(log, "auth failed") {
		t.Errorf("credentials reached the server:\n%s", log)
	}
}

func TestDovecotPipelinedTopAll(t *testing.T) {
	srv := dovecottest.Start(t)
	const n = 500
	gen := func(i int) []byte {
		return []byte(fmt.Sprintf("From: sender%d@example.org\nSubject: message %d\nMessage-ID: <%d@example.org>\n\n%s\n",
			i, i+1, i, strings.Repeat(fmt.Sprintf(".line %d\n", i), 50)))
	}
	if err := srv.Fill(srv.User, n, gen); err != nil {
		t.Fatal(err)
	}
	ctx := dovecotCtx(t)
	c := dovecotLogin(t, ctx, srv)
	if !c.Caps().Pipelining {
		t.Fatal("Dovecot does not advertise PIPELINING")
	}
	nums := make([]int, n)
	for i := range nums {
		nums[i] = i + 1
	}
	next := 1
	err := c.TopMany(ctx, nums, 0, func(num int, body io.Reader, err error) error {
		if err != nil {
			return err
		}
		if num != next {
			return fmt.Errorf("reply for %d, want %d", num, next)
		}
		next++
		got, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		header, _, _ := bytes.Cut(gen(num-1), []byte("\n\n"))
		if want := string(header) + "\n\n"; string(got) != want {
			return fmt.Errorf("TOP %d 0 = %q, want %q", num, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("TopMany: %v", err)
	}
	if next != n+1 {
		t.Fatalf("TopMany delivered %d replies, want %d", next-1, n)
	}

	retrieved := 0
	err = c.RetrMany(ctx, nums[:100], func(num int, body io.Reader, err error) error {
		if err != nil {
			return err
		}
		got, err := io.ReadAll(body)
		if err == nil && !bytes.Equal(got, gen(num-1)) {
			err = fmt.Errorf("RETR %d: %q differs from what was delivered", num, got)
		}
		retrieved++
		return err
	})
	if err != nil || retrieved != 100 {
		t.Fatalf("RetrMany: %d messages, %v", retrieved, err)
	}

	deleted := 0
	err = c.DeleMany(ctx, nums[:n/2], func(num int, err error) error {
		deleted++
		return err
	})
	if err != nil || deleted != n/2 {
		t.Fatalf("DeleMany: %d messages, %v", deleted, err)
	}
	if got := srv.Count(srv.User); got != n {
		t.Fatalf("before QUIT the server holds %d messages, want %d", got, n)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := srv.Count(srv.User); got != n-n/2 {
		t.Fatalf("after QUIT the server holds %d messages, want %d", got, n-n/2)
	}
	if srv.HasMessage(srv.User, gen(0)) || !srv.HasMessage(srv.User, gen(n-1)) {
		t.Errorf("QUIT expunged the wrong messages")
	}
}

func TestDovecotQuitCommit(t *testing.T) {
	tests := []struct {
		name        string
		end         func(ctx context.Context, c *pop3.Client) error
		wantDeleted bool
	}{
		{"DELE then QUIT", func(ctx context.Context, c *pop3.Client) error { return c.Quit(ctx) }, true},
		{"DELE, RSET, QUIT", func(ctx context.Context, c *pop3.Client) error {
			if err := c.Rset(ctx); err != nil {
				return err
			}
			return c.Quit(ctx)
		}, false},
		{"DELE then dropped connection", func(ctx context.Context, c *pop3.Client) error { return c.Close() }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := dovecottest.Start(t)
			for i := 0; i < 3; i++ {
				srv.Deliver(srv.User, []byte(fmt.Sprintf("Subject: %d\n\nbody %d\n", i, i)))
			}
			ctx := dovecotCtx(t)
			c := dovecotLogin(t, ctx, srv)
			if err := c.DeleMany(ctx, []int{1, 3}, func(int, error) error { return nil }); err != nil {
				t.Fatal(err)
			}
			if err := tt.end(ctx, c); err != nil {
				t.Fatal(err)
			}
			// The session is over on the server side too before we look.
			if err := srv.WaitIdle(time.Minute); err != nil {
				t.Fatal(err)
			}
			want := 3
			if tt.wantDeleted {
				want = 1
			}
			if got := srv.Count(srv.User); got != want {
				t.Fatalf("the server holds %d messages, want %d", got, want)
			}
			// A new session sees the same.
			c2 := dovecotLogin(t, ctx, srv)
			if n, _, err := c2.Stat(ctx); err != nil || n != want {
				t.Fatalf("STAT in a new session = %d, %v; want %d", n, err, want)
			}
		})
	}
}

func TestDovecotMailboxInUse(t *testing.T) {
	t.Parallel() // Dovecot waits 10 s for its session lock before [IN-USE]
	srv := dovecottest.Start(t, dovecottest.WithLockSession())
	srv.Deliver(srv.User, []byte("Subject: locked\n\nx\n"))
	ctx := dovecotCtx(t)
	first := dovecotLogin(t, ctx, srv)
	c, err := pop3.DialStartTLS(ctx, srv.Addr(), dovecotOptions(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Login(ctx, pop3.Credentials{Username: srv.User, Password: srv.Password})
	var perr *pop3.Error
	if !errors.As(err, &perr) || perr.Code != pop3.CodeInUse || !perr.Temporary() {
		t.Fatalf("second session: %v, want a temporary [IN-USE] *pop3.Error", err)
	}
	if err := first.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitIdle(time.Minute); err != nil {
		t.Fatal(err)
	}
	dovecotLogin(t, ctx, srv) // the maildrop is free again
}
