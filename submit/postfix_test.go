package submit_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/postfixtest"
	"github.com/popterm/popterm/message/compose"
	"github.com/popterm/popterm/submit"
)

// servers is one Dovecot and one Postfix in front of it, shared by the
// subtests: alice and bob have mailboxes, busy@ gets 450 and the size limit
// is 1 MB.
type servers struct {
	dove *dovecottest.Server
	pf   *postfixtest.Server
}

func startServers(t *testing.T) *servers {
	t.Helper()
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	if err := dove.AddUser("bob", "bob-pass"); err != nil {
		t.Fatal(err)
	}
	pf := postfixtest.Start(t, dove, postfixtest.WithMainCF("message_size_limit = 1000000"))
	if err := pf.AddMailbox("bob@"+postfixtest.Domain, "bob"); err != nil {
		t.Fatal(err)
	}
	return &servers{dove: dove, pf: pf}
}

func (s *servers) opts(security submit.Security, port int) submit.Options {
	return submit.Options{
		Host: "127.0.0.1", Port: port, Security: security, TLS: s.dove.TLSConfig(),
		Username: s.dove.User, Password: s.dove.Password, Timeout: 10 * time.Second,
	}
}

func build(t *testing.T, d *compose.Draft) *compose.Built {
	t.Helper()
	b, err := compose.Build(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func addr(a string) *mail.Address { return &mail.Address{Address: a} }

func dial(t *testing.T, opts submit.Options) *submit.Client {
	t.Helper()
	c, err := submit.Dial(context.Background(), opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestPostfix(t *testing.T) {
	s := startServers(t)
	alice := s.dove.User + "@" + postfixtest.Domain
	bob := "bob@" + postfixtest.Domain

	for _, tc := range []struct {
		name     string
		security submit.Security
		port     int
	}{
		{"implicit", submit.Implicit, s.pf.SMTPSPort},
		{"starttls", submit.StartTLS, s.pf.SubmissionPort},
	} {
		t.Run("round trip "+tc.name, func(t *testing.T) {
			c := dial(t, s.opts(tc.security, tc.port))
			if c.Mechanism() != submit.MechPlain {
				t.Errorf("mechanism %q, want plain", c.Mechanism())
			}
			caps := c.Capabilities()
			if caps.Size != 1000000 || !caps.EightBitMIME || !caps.UTF8 {
				t.Errorf("capabilities %+v", caps)
			}
			built := build(t, &compose.Draft{
				From:    &mail.Address{Name: "Alice Ünïcode", Address: alice},
				To:      []*mail.Address{addr(alice)},
				Bcc:     []*mail.Address{addr(bob)},
				Subject: "Grüße " + tc.name + " ☕",
				Body:    "Привет!\n.\n.leading dot\n" + strings.Repeat("long line ", 20) + "\n",
				Attachments: []compose.Attachment{
					{Name: "données.bin", Data: bytes.Repeat([]byte{0, 1, 2, 0xff}, 3000)},
				},
			})
			called := false
			err := c.Send(context.Background(), submit.Message{
				From: built.From, To: built.Recipients, Raw: built.Raw,
				BeforeData: func() error { called = true; return nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			if !called {
				t.Error("BeforeData was not called")
			}
			got := s.pf.Fetch(t, s.dove.User, s.dove.Password, 1)[0]
			if !bytes.Equal(got, built.Raw) {
				t.Errorf("the delivered message differs from what was built: %s", postfixtest.FirstDiff(got, built.Raw))
			}
			bobs := s.pf.Fetch(t, "bob", "bob-pass", 1)[0]
			if !bytes.Equal(bobs, built.Raw) {
				t.Error("the Bcc recipient got another message")
			}
		})
	}

	t.Run("refused recipient then success on one connection", func(t *testing.T) {
		c := dial(t, s.opts(submit.Implicit, s.pf.SMTPSPort))
		bad := build(t, &compose.Draft{From: addr(alice), To: []*mail.Address{addr("nobody@" + postfixtest.Domain)}, Subject: "x", Body: "x"})
		before := false
		err := c.Send(context.Background(), submit.Message{From: bad.From, To: bad.Recipients, Raw: bad.Raw, BeforeData: func() error { before = true; return nil }})
		var e *submit.Error
		if !errors.As(err, &e) || e.Kind != submit.Permanent || e.Code != 550 {
			t.Fatalf("unknown recipient: %v (%#v), want a permanent 550", err, e)
		}
		if before {
			t.Error("BeforeData ran although a recipient was refused")
		}
		good := build(t, &compose.Draft{From: addr(alice), To: []*mail.Address{addr(alice)}, Subject: "second", Body: "ok"})
		if err := c.Send(context.Background(), submit.Message{From: good.From, To: good.Recipients, Raw: good.Raw}); err != nil {
			t.Fatalf("the next message on the same connection: %v", err)
		}
		if got := s.pf.Fetch(t, s.dove.User, s.dove.Password, 1)[0]; !bytes.Equal(got, good.Raw) {
			t.Error("the second message differs")
		}
	})

	t.Run("4xx is temporary, then accepted", func(t *testing.T) {
		if err := s.pf.SetRecipientAccess(bob + " 450 4.2.1 mailbox busy, try later"); err != nil {
			t.Fatal(err)
		}
		m := build(t, &compose.Draft{From: addr(alice), To: []*mail.Address{addr(bob)}, Subject: "busy", Body: "x"})
		c := dial(t, s.opts(submit.Implicit, s.pf.SMTPSPort))
		err := c.Send(context.Background(), submit.Message{From: m.From, To: m.Recipients, Raw: m.Raw})
		if submit.KindOf(err) != submit.Temporary || !strings.Contains(err.Error(), "450") {
			t.Fatalf("busy recipient: %v, want temporary 450", err)
		}
		if err := s.pf.SetRecipientAccess(); err != nil {
			t.Fatal(err)
		}
		c = dial(t, s.opts(submit.Implicit, s.pf.SMTPSPort))
		if err := c.Send(context.Background(), submit.Message{From: m.From, To: m.Recipients, Raw: m.Raw}); err != nil {
			t.Fatalf("after the 4xx cleared: %v", err)
		}
		s.pf.Fetch(t, "bob", "bob-pass", 1)
	})

	t.Run("over SIZE refused before MAIL", func(t *testing.T) {
		c := dial(t, s.opts(submit.Implicit, s.pf.SMTPSPort))
		m := build(t, &compose.Draft{From: addr(alice), To: []*mail.Address{addr(alice)}, Subject: "big", Body: "x",
			Attachments: []compose.Attachment{{Name: "big.bin", Data: make([]byte, 900000)}}})
		err := c.Send(context.Background(), submit.Message{From: m.From, To: m.Recipients, Raw: m.Raw})
		var e *submit.Error
		if !errors.As(err, &e) || e.Kind != submit.Permanent || e.Op != "size" {
			t.Fatalf("big message: %v, want a permanent size error", err)
		}
	})

	t.Run("no STARTTLS gets nothing", func(t *testing.T) {
		_, err := submit.Dial(context.Background(), s.opts(submit.StartTLS, s.pf.PlainPort))
		if !errors.Is(err, submit.ErrNoSTARTTLS) || submit.KindOf(err) != submit.Setup {
			t.Fatalf("dial: %v, want ErrNoSTARTTLS", err)
		}
	})

	t.Run("cleartext credentials", func(t *testing.T) {
		_, err := submit.Dial(context.Background(), s.opts(submit.None, s.pf.PlainPort))
		if !errors.Is(err, submit.ErrCleartext) {
			t.Fatalf("dial without TLS: %v, want ErrCleartext", err)
		}
		opts := s.opts(submit.None, s.pf.PlainPort)
		opts.AllowCleartext = true
		c := dial(t, opts)
		if c.Mechanism() == "" {
			t.Error("allowed cleartext login did not authenticate")
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		opts := s.opts(submit.Implicit, s.pf.SMTPSPort)
		opts.Password = "wrong"
		_, err := submit.Dial(context.Background(), opts)
		if submit.KindOf(err) != submit.Credentials {
			t.Fatalf("wrong password: %v (kind %v), want credentials", err, submit.KindOf(err))
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Error("the password leaked into the error")
		}
	})

	t.Run("unverified certificate", func(t *testing.T) {
		opts := s.opts(submit.Implicit, s.pf.SMTPSPort)
		opts.TLS = &tls.Config{ServerName: "127.0.0.1"} // system roots
		_, err := submit.Dial(context.Background(), opts)
		if submit.KindOf(err) != submit.Setup {
			t.Fatalf("self-signed certificate: %v (kind %v), want setup", err, submit.KindOf(err))
		}
		_, err = submit.Dial(context.Background(), func() submit.Options {
			o := s.opts(submit.StartTLS, s.pf.SubmissionPort)
			o.TLS = &tls.Config{ServerName: "127.0.0.1"}
			return o
		}())
		if submit.KindOf(err) != submit.Setup {
			t.Fatalf("STARTTLS with a self-signed certificate: %v, want setup", err)
		}
	})
}

func TestOfflineAndTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	// A server that accepts and never greets.
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, err = submit.Dial(context.Background(), submit.Options{Host: "127.0.0.1", Port: port, Security: submit.StartTLS, Timeout: 200 * time.Millisecond})
	if submit.KindOf(err) != submit.Temporary {
		t.Errorf("silent server: %v, want temporary", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err = submit.Dial(ctx, submit.Options{Host: "127.0.0.1", Port: port, Security: submit.Implicit, Timeout: time.Hour})
	if !errors.Is(err, context.Canceled) || submit.KindOf(err) != submit.Temporary {
		t.Errorf("cancelled: %v, want context.Canceled, temporary", err)
	}
	l.Close()
	_, err = submit.Dial(context.Background(), submit.Options{Host: "127.0.0.1", Port: port, Timeout: time.Second})
	if submit.KindOf(err) != submit.Temporary {
		t.Errorf("nobody listening: %v, want temporary", err)
	}
}
