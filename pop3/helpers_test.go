package pop3

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// peer is the server side of a scripted session over real TCP.
type peer struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
	// lenient ends the script quietly when the client goes away.
	lenient bool
}

// errAbort stops a script after a failed expectation.
var errAbort = errors.New("script aborted")

// send writes each line with CRLF, in one write.
func (p *peer) send(lines ...string) {
	p.raw(strings.Join(lines, "\r\n") + "\r\n")
}

// raw writes s as is.
func (p *peer) raw(s string) {
	if _, err := io.WriteString(p.conn, s); err != nil {
		if p.lenient {
			panic(errAbort)
		}
		p.t.Errorf("server write: %v", err)
		panic(errAbort)
	}
}

// line reads one command line without its CRLF.
func (p *peer) line() string {
	s, err := p.r.ReadString('\n')
	if err != nil {
		if p.lenient {
			panic(errAbort)
		}
		p.t.Errorf("server read: %v (got %q)", err, s)
		panic(errAbort)
	}
	return strings.TrimRight(s, "\r\n")
}

// expect reads a command line and checks it.
func (p *peer) expect(want string) {
	if got := p.line(); got != want {
		p.t.Errorf("server got %q, want %q", got, want)
		panic(errAbort)
	}
}

// eof checks that the client sends nothing more and closes.
func (p *peer) eof() {
	if s, err := p.r.ReadString('\n'); err == nil || s != "" {
		p.t.Errorf("server got %q after the end of the script", s)
	}
}

// startTLS turns the server side into TLS.
func (p *peer) startTLS(cfg *tls.Config) {
	tc := tls.Server(p.conn, cfg)
	if err := tc.Handshake(); err != nil {
		p.t.Errorf("server handshake: %v", err)
		panic(errAbort)
	}
	p.conn, p.r = tc, bufio.NewReader(tc)
}

// serve listens on 127.0.0.1 and runs script on the first connection. The
// test waits for the script to end.
func serve(t testing.TB, script func(p *peer)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		p := &peer{t: t, conn: conn, r: bufio.NewReader(conn)}
		defer func() {
			if r := recover(); r != nil && r != errAbort {
				panic(r)
			}
			p.conn.Close()
		}()
		script(p)
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// dial connects a client to addr with short timeouts.
func dial(t testing.TB, addr string, opts *Options) *Client {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	if opts.CommandTimeout == 0 {
		opts.CommandTimeout = 10 * time.Second
	}
	c, err := Dial(context.Background(), addr, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testCerts makes a self-signed ECDSA certificate for 127.0.0.1 and
// returns the server's configuration and a client configuration that
// trusts it.
func testCerts(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pop3 test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return server, &tls.Config{RootCAs: pool}
}

// readAll returns a function that reads a body and closes it:
// readAll(t)(c.Retr(ctx, 1)).
func readAll(t testing.TB) func(io.ReadCloser, error) string {
	return func(r io.ReadCloser, err error) string {
		t.Helper()
		return readBody(t, r, err)
	}
}

// readBody reads a body and closes it.
func readBody(t testing.TB, r io.ReadCloser, err error) string {
	t.Helper()
	if err != nil {
		t.Fatalf("open body: %v", err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("close body: %v", err)
	}
	return string(b)
}
