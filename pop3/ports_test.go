package pop3

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/pop3/pop3test"
)

// guard fails the test when a dial or command that should end quickly held
// on for 20 s: a failure guard, not a measurement.
func guard(t *testing.T, start time.Time) {
	t.Helper()
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("took %v", d)
	}
}

// TestCleartextAtImplicitPort: starttls or none aimed at an implicit-TLS
// port meets silence, and says to use tls = implicit without waiting for
// the whole command timeout.
func TestCleartextAtImplicitPort(t *testing.T) {
	srvTLS, _, _, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	srv := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Implicit: true})
	dials := map[string]func(context.Context, string, *Options) (*Client, error){
		"none": Dial, "starttls": DialStartTLS,
	}
	for name, dial := range dials {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			c, err := dial(bg, srv.Addr(), &Options{CommandTimeout: time.Second})
			guard(t, start)
			if c != nil {
				c.Close()
			}
			if !errors.Is(err, ErrWantsTLS) || errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want ErrWantsTLS (and not a timeout)", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "this port expects TLS from the start: use tls = implicit") || !strings.Contains(msg, srv.Addr()) {
				t.Fatalf("message %q", msg)
			}
		})
	}
}

// TestImplicitAtPlainPort: implicit TLS aimed at a cleartext POP3 port
// reads a greeting where the TLS hello should be, and says so.
func TestImplicitAtPlainPort(t *testing.T) {
	srv := pop3test.NewTest(t, pop3test.Config{})
	start := time.Now()
	c, err := DialTLS(bg, srv.Addr(), &Options{CommandTimeout: time.Hour})
	guard(t, start)
	if c != nil {
		c.Close()
	}
	if !errors.Is(err, ErrPlainPort) {
		t.Fatalf("err = %v, want ErrPlainPort", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "this port speaks plain POP3: use tls = starttls (or none)") {
		t.Fatalf("message %q", msg)
	}
}

// TestCertificateTextIsPlain: a certificate from another key under the
// same name (a regenerated self-signed certificate) is refused with a
// message free of crypto/x509's internal diagnostics, over implicit TLS and
// STARTTLS alike, and the error still matches the certificate error type.
func TestCertificateTextIsPlain(t *testing.T) {
	srvTLS, _, _, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	_, oldClient, _, err := pop3test.TLSConfigs() // same name, another key
	if err != nil {
		t.Fatal(err)
	}
	for _, implicit := range []bool{true, false} {
		srv := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Implicit: implicit})
		dial := DialStartTLS
		if implicit {
			dial = DialTLS
		}
		c, err := dial(bg, srv.Addr(), &Options{TLSConfig: oldClient, CommandTimeout: 10 * time.Second})
		if c != nil {
			c.Close()
			t.Fatal("the handshake succeeded with the wrong certificate")
		}
		var cv *tls.CertificateVerificationError
		if !errors.As(err, &cv) || !errors.Is(err, ErrHandshake) {
			t.Fatalf("implicit=%v: err = %v, want a certificate error", implicit, err)
		}
		if strings.Contains(err.Error(), "possibly because of") || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("implicit=%v: message %q", implicit, err)
		}
	}
}

// TestTrickleMode: against pop3test's slow mode, a RETR whose body arrives
// below the minimum rate ends with a one-line "server too slow" error
// naming the command, instead of running as long as the server likes.
func TestTrickleMode(t *testing.T) {
	body := "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef0123456789abcdef\r\n", 256)
	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(pop3test.Message{UID: "a", Data: []byte(body)})})
	c := dial(t, srv.Addr(), &Options{CommandTimeout: time.Second, MinRate: 4 << 10})
	if _, err := c.Login(bg, Credentials{Username: pop3test.DefaultUser, Password: pop3test.DefaultPassword, AllowCleartext: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.List(bg); err != nil {
		t.Fatal(err)
	}
	srv.SetFaults(pop3test.Faults{Trickle: 500})
	start := time.Now()
	err := c.RetrMany(bg, []int{1}, func(n int, r io.Reader, err error) error {
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, r)
		return err
	})
	guard(t, start)
	var slow *SlowError
	if !errors.As(err, &slow) || slow.Command != "RETR 1" || slow.MinRate != 4<<10 {
		t.Fatalf("err = %v, want a *SlowError for RETR 1", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "pop3: server too slow: RETR 1 sent ") || !strings.HasSuffix(msg, "(minimum 4KB/s); try again later or raise min_rate") {
		t.Fatalf("message %q", msg)
	}
}

// TestXOAUTH2WithoutInitialResponse: Outlook-sized tokens (over a kilobyte)
// do not fit an AUTH line, so XOAUTH2 goes after the "+ " challenge, which
// a server that refuses initial responses accepts.
func TestXOAUTH2WithoutInitialResponse(t *testing.T) {
	token := strings.Repeat("EwB4A8l6BAAU", 120) // about 1.4 KB, like Microsoft's
	srv := pop3test.NewTest(t, pop3test.Config{NoInitialResponse: true, SASL: []string{"XOAUTH2"},
		Tokens: map[string]string{"alice@outlook.example": token}})
	c := dial(t, srv.Addr(), nil)
	mech, err := c.Login(bg, Credentials{Username: "alice@outlook.example", Mechanism: "xoauth2", AllowCleartext: true,
		Token: func(context.Context) (string, error) { return token, nil }})
	if err != nil || !strings.EqualFold(mech, "XOAUTH2") {
		t.Fatalf("login = %q, %v", mech, err)
	}
	for _, cmd := range srv.Log() {
		if cmd.Verb == "AUTH" && cmd.Line != "AUTH XOAUTH2" {
			t.Fatalf("AUTH line %q carried an initial response", cmd.Line)
		}
	}
}

// TestSlowGreetingIsNotSilence: the short greeting bound is for silence
// only: a greeting that starts in time gets the whole command timeout.
func TestSlowGreetingIsNotSilence(t *testing.T) {
	addr := serve(t, func(p *peer) {
		for _, b := range []byte("+OK slow but here\r\n") {
			p.raw(string(b))
			time.Sleep(30 * time.Millisecond) // about 0.6 s in all
		}
		p.expect("NOOP")
		p.send("+OK")
	})
	c, err := Dial(bg, addr, &Options{GreetingTimeout: 200 * time.Millisecond, CommandTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("a greeting that started at once failed: %v", err)
	}
	defer c.Close()
	if c.Greeting() != "slow but here" {
		t.Fatalf("greeting %q", c.Greeting())
	}
	if err := c.Noop(bg); err != nil {
		t.Fatal(err)
	}
}
