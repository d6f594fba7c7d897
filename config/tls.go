package config

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
)

// TLSConfig builds the verified TLS configuration for the account:
//
//   - By default the server certificate is verified against the system roots
//     and the host name; TLS 1.2 is the minimum.
//   - ca_file adds the certificates of a PEM file to the system roots.
//   - tls_cert_sha256 pins the server's leaf certificate: the connection is
//     accepted if and only if the SHA-256 of the certificate (DER) matches,
//     even when it is self-signed or names another host. This is what
//     `openssl x509 -noout -fingerprint -sha256` prints.
//   - tls_insecure_skip_verify turns verification off; it is never a default
//     (a pin, when set, is still checked).
func (a *Account) TLSConfig() (*tls.Config, error) {
	return tlsConfig(a.Name, "", a.Host, a.CAFile, a.TLSCertSHA256, a.TLSInsecureSkipVerify)
}

// tlsConfig builds a verified configuration for host; keyPrefix names the
// table in errors ("" or "smtp.").
func tlsConfig(account, keyPrefix, host, caFile, certSHA256 string, insecure bool) (*tls.Config, error) {
	cfg := &tls.Config{
		ServerName: host,
		MinVersion: tls.VersionTLS12,
	}
	if caFile != "" {
		pool, err := loadCAFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("account %q: %s%w", account, keyPrefix, err)
		}
		cfg.RootCAs = pool
	}
	if insecure {
		cfg.InsecureSkipVerify = true
	}
	if certSHA256 != "" {
		pin, err := NormalizeFingerprint(certSHA256)
		if err != nil {
			return nil, fmt.Errorf("account %q: %stls_cert_sha256: %w", account, keyPrefix, err)
		}
		want, _ := hex.DecodeString(pin)
		// The pin replaces chain and name verification; VerifyConnection
		// runs on every handshake, resumed ones included.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return checkPin(cs.PeerCertificates, want)
		}
	}
	return cfg, nil
}

// checkPin accepts the connection iff the leaf certificate's SHA-256 is want.
func checkPin(certs []*x509.Certificate, want []byte) error {
	if len(certs) == 0 {
		return errors.New("tls: the server sent no certificate to check against tls_cert_sha256")
	}
	got := sha256.Sum256(certs[0].Raw)
	if subtle.ConstantTimeCompare(got[:], want) != 1 {
		return fmt.Errorf("tls: the server certificate's SHA-256 is %s, not the pinned tls_cert_sha256 (if the server changed its certificate on purpose, update the pin)", hex.EncodeToString(got[:]))
	}
	return nil
}

// CertSHA256 returns the hex SHA-256 of a DER certificate, the form
// tls_cert_sha256 takes.
func CertSHA256(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// loadCAFile returns the system roots plus the PEM certificates of path.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificate found in it", path)
	}
	return pool, nil
}
