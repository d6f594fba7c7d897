package pop3

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

// TestStartTLS: STLS upgrades, CAPA is asked again inside TLS (where the
// server advertises more), and credentials then go through.
func TestStartTLS(t *testing.T) {
	srvCfg, cliCfg := testCerts(t)
	addr := serve(t, func(p *peer) {
		p.send("+OK ready")
		p.expect("CAPA")
		p.send("+OK", "STLS", ".")
		p.expect("STLS")
		p.send("+OK begin TLS")
		p.startTLS(srvCfg)
		p.expect("CAPA")
		p.send("+OK", "USER", "TOP", "PIPELINING", ".")
		p.expect("USER bob")
		p.send("+OK")
		p.expect("PASS pw")
		p.send("+OK")
		p.expect("CAPA")
		p.send("+OK", "USER", "TOP", "PIPELINING", "UIDL", ".")
		p.expect("QUIT")
		p.send("+OK")
	})
	c, err := DialStartTLS(bg, addr, &Options{TLSConfig: cliCfg})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	st, ok := c.TLS()
	if !ok || !st.HandshakeComplete {
		t.Fatal("TLS not reported after STLS")
	}
	if caps := c.Caps(); caps.STLS || !caps.Pipelining {
		t.Fatalf("caps after STLS = %+v, want the post-TLS set", caps)
	}
	mech, err := c.Login(bg, Credentials{Username: "bob", Password: "pw"})
	if err != nil || mech != MechUser {
		t.Fatalf("Login = %q, %v", mech, err)
	}
	if !c.Caps().UIDL {
		t.Fatal("CAPA not asked again after login")
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
}

// TestSTLSInjection: bytes the server sends with its +OK to STLS are an
// attack (CVE-2021-38370 and friends): rejected, never read later.
func TestSTLSInjection(t *testing.T) {
	_, cliCfg := testCerts(t)
	addr := serve(t, func(p *peer) {
		p.send("+OK ready")
		p.expect("CAPA")
		p.send("+OK", "STLS", "USER", ".")
		p.expect("STLS")
		p.raw("+OK begin TLS\r\n+OK injected\r\n")
		p.eof()
	})
	_, err := DialStartTLS(bg, addr, &Options{TLSConfig: cliCfg})
	if !errors.Is(err, ErrInjection) || !errors.Is(err, ErrTLSUnavailable) {
		t.Fatalf("err = %v, want ErrInjection and ErrTLSUnavailable", err)
	}
}

// TestSTLSInjectionLate: injected bytes that arrive only after the client
// has started its handshake go to TLS, which rejects them: they are never
// read as a reply either.
func TestSTLSInjectionLate(t *testing.T) {
	_, cliCfg := testCerts(t)
	addr := serve(t, func(p *peer) {
		p.lenient = true
		p.send("+OK ready")
		p.expect("CAPA")
		p.send("+OK", "STLS", "USER", ".")
		p.expect("STLS")
		p.send("+OK begin TLS")
		if _, err := p.r.Peek(5); err != nil { // the ClientHello's record header
			p.t.Errorf("no ClientHello: %v", err)
			return
		}
		p.raw("+OK injected\r\n")
		io.Copy(io.Discard, p.r)
	})
	c, err := DialStartTLS(bg, addr, &Options{TLSConfig: cliCfg})
	if err == nil {
		c.Close()
	}
	if !errors.Is(err, ErrTLSUnavailable) || !strings.Contains(err.Error(), "TLS handshake") {
		t.Fatalf("err = %v, want a failed TLS handshake", err)
	}
}

func TestDialStartTLSFailures(t *testing.T) {
	srvCfg, _ := testCerts(t)
	tests := []struct {
		name   string
		script func(p *peer)
	}{
		{name: "not offered", script: func(p *peer) {
			p.send("+OK")
			p.expect("CAPA")
			p.send("+OK", "USER", ".")
			p.eof()
		}},
		{name: "refused", script: func(p *peer) {
			p.send("+OK")
			p.expect("CAPA")
			p.send("+OK", "STLS", ".")
			p.expect("STLS")
			p.send("-ERR [SYS/TEMP] no TLS today")
			p.eof()
		}},
		{name: "untrusted certificate", script: func(p *peer) {
			p.send("+OK")
			p.expect("CAPA")
			p.send("+OK", "STLS", ".")
			p.expect("STLS")
			p.send("+OK")
			tc := tls.Server(p.conn, srvCfg)
			tc.Handshake() // fails: the client does not trust the certificate
			p.eof()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, tt.script)
			_, err := DialStartTLS(bg, addr, &Options{}) // system roots: the test CA is not trusted
			if !errors.Is(err, ErrTLSUnavailable) {
				t.Fatalf("err = %v, want ErrTLSUnavailable", err)
			}
		})
	}
}

func TestDialTLS(t *testing.T) {
	srvCfg, cliCfg := testCerts(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", srvCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write([]byte("+OK implicit TLS\r\n"))
		buf := make([]byte, 100)
		n, _ := conn.Read(buf)
		if string(buf[:n]) == "QUIT\r\n" {
			conn.Write([]byte("+OK\r\n"))
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	// "localhost" checks that ServerName comes from the address.
	c, err := DialTLS(bg, "localhost:"+port, &Options{TLSConfig: cliCfg})
	if err != nil {
		if strings.Contains(err.Error(), "connecting") {
			t.Skipf("localhost does not resolve to 127.0.0.1 here: %v", err)
		}
		t.Fatal(err)
	}
	if st, ok := c.TLS(); !ok || st.ServerName != "localhost" {
		t.Fatalf("TLS state = %+v, %v", st.ServerName, ok)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
	<-done

	// An untrusted certificate fails the dial.
	ln2, err := tls.Listen("tcp", "127.0.0.1:0", srvCfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	go func() {
		if conn, err := ln2.Accept(); err == nil {
			conn.(*tls.Conn).Handshake()
			conn.Close()
		}
	}()
	if _, err := DialTLS(bg, ln2.Addr().String(), nil); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("DialTLS with an untrusted certificate = %v", err)
	}
}
