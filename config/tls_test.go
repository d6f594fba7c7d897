package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned makes a self-signed certificate for 127.0.0.1 (or names) and
// returns it with its PEM encoding.
func selfSigned(t *testing.T, names ...string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "popterm test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              names,
	}
	if len(names) == 0 {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// handshake runs a TLS handshake against a real listener on 127.0.0.1.
func handshake(t *testing.T, cert tls.Certificate, client *tls.Config) error {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.(*tls.Conn).Handshake()
		c.Close()
	}()
	conn, err := tls.Dial("tcp", ln.Addr().String(), client)
	if err != nil {
		return err
	}
	return conn.Close()
}

func TestTLSConfig(t *testing.T) {
	cert, pemBytes := selfSigned(t)
	other, _ := selfSigned(t)
	pin := CertSHA256(cert.Certificate[0])
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pemBytes, 0o600)
	colonPin := strings.ToUpper(pin[:2]) + ":" + pin[2:]

	tests := []struct {
		name string
		acct Account
		cert tls.Certificate
		ok   bool
		err  string
	}{
		{"verified by default: self-signed refused", Account{Host: "127.0.0.1"}, cert, false, "certificate"},
		{"ca_file trusts it", Account{Host: "127.0.0.1", CAFile: caFile}, cert, true, ""},
		{"pin accepts the self-signed cert", Account{Host: "127.0.0.1", TLSCertSHA256: pin}, cert, true, ""},
		{"pin with colons", Account{Host: "127.0.0.1", TLSCertSHA256: colonPin}, cert, true, ""},
		{"pin accepts a cert for another name", Account{Host: "pop.example.com", TLSCertSHA256: CertSHA256(other.Certificate[0])}, other, true, ""},
		{"pin refuses another cert", Account{Host: "127.0.0.1", TLSCertSHA256: pin}, other, false, "not the pinned"},
		{"pin refuses even with insecure", Account{Host: "127.0.0.1", TLSCertSHA256: pin, TLSInsecureSkipVerify: true}, other, false, "not the pinned"},
		{"insecure accepts", Account{Host: "127.0.0.1", TLSInsecureSkipVerify: true}, other, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := tt.acct.TLSConfig()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.MinVersion != tls.VersionTLS12 {
				t.Errorf("MinVersion = %x", cfg.MinVersion)
			}
			err = handshake(t, tt.cert, cfg)
			if tt.ok != (err == nil) {
				t.Fatalf("handshake err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want it to mention %q", err, tt.err)
			}
		})
	}
	if _, err := (&Account{Host: "h", CAFile: filepath.Join(t.TempDir(), "none.pem")}).TLSConfig(); err == nil {
		t.Error("a missing ca_file was accepted")
	}
	if _, err := (&Account{Host: "h", CAFile: os.Args[0]}).TLSConfig(); err == nil || !strings.Contains(err.Error(), "no PEM") {
		t.Errorf("a non-PEM ca_file: %v", err)
	}
	if _, err := (&Account{Host: "h", TLSCertSHA256: "xyz"}).TLSConfig(); err == nil {
		t.Error("a bad pin was accepted")
	}
}
