package mailapi

import (
	"fmt"
	"strings"
)

// ProbeResult is what a probe of a server found (`popterm account add` and
// `account test`, the setup form).
type ProbeResult struct {
	// Addr is the host:port probed.
	Addr string
	// TLSVersion is e.g. "TLS 1.3", or "none" for cleartext.
	TLSVersion string
	// CertSHA256 is the server certificate's fingerprint (hex), when TLS.
	CertSHA256 string
	// Mechanism is how the probe logged in, e.g. "PLAIN" or "USER".
	Mechanism string
	// Mechanisms lists the SASL mechanisms the server advertises.
	Mechanisms []string
	// Capabilities the reader relies on or benefits from.
	User, Top, UIDL, Pipelining, UTF8 bool
	// Implementation is the server's self-description (sanitized).
	Implementation string
}

// UntrustedCertError is returned by a probe when the server's certificate
// does not verify (self-signed, unknown CA, other name). The form then
// offers to pin the certificate by its SHA-256 (tls_cert_sha256).
type UntrustedCertError struct {
	// SHA256 is the hex fingerprint of the server's leaf certificate.
	SHA256 string
	// Subject describes the certificate (sanitized by the form).
	Subject string
	// Err is why the certificate did not verify.
	Err error
}

// Error says that the certificate is not trusted, why, and its SHA-256.
func (e *UntrustedCertError) Error() string {
	return fmt.Sprintf("the server's certificate is not trusted (%v); its SHA-256 is %s", e.Err, e.SHA256)
}

// Unwrap returns the verification error.
func (e *UntrustedCertError) Unwrap() error { return e.Err }

// Lines describes the result for a person, one fact a line.
func (r ProbeResult) Lines() []string {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	mechs := "none advertised"
	if len(r.Mechanisms) > 0 {
		mechs = strings.Join(r.Mechanisms, " ")
	}
	lines := []string{
		"server:      " + r.Addr,
		"encryption:  " + r.TLSVersion,
		"logged in:   with " + strings.ToUpper(r.Mechanism),
		"SASL:        " + mechs,
		fmt.Sprintf("TOP: %s  UIDL: %s  PIPELINING: %s  UTF8: %s", yes(r.Top), yes(r.UIDL), yes(r.Pipelining), yes(r.UTF8)),
	}
	if r.Implementation != "" {
		lines = append(lines, "software:    "+r.Implementation)
	}
	if r.CertSHA256 != "" {
		lines = append(lines, "certificate: sha256 "+r.CertSHA256)
	}
	return append(lines, r.Warnings()...)
}

// Warnings lists what will not work well with this server.
func (r ProbeResult) Warnings() []string {
	var w []string
	if !r.UIDL {
		w = append(w, "warning: no UIDL: popterm identifies messages by a hash of their headers instead")
	}
	if !r.Top {
		w = append(w, "warning: no TOP: headers need whole messages to be downloaded")
	}
	if r.TLSVersion == "none" || r.TLSVersion == "" {
		w = append(w, "warning: no TLS: the password and mail cross the network unencrypted")
	}
	return w
}

// SubmitProbeResult is what a probe of a submission (SMTP) server found:
// `account add` (the flags and the setup form) and `account test`.
type SubmitProbeResult struct {
	// Addr is the host:port probed.
	Addr string
	// TLSVersion is e.g. "TLS 1.3"; "" without TLS.
	TLSVersion string
	// Mechanism is the AUTH mechanism that logged in; "" without a login.
	Mechanism string
	// Auth lists the AUTH mechanisms the server offers.
	Auth []string
	// Size is the largest message the server accepts (SIZE); 0 when it
	// gives none.
	Size int64
	// EightBitMIME and UTF8 are the 8BITMIME and SMTPUTF8 extensions.
	EightBitMIME, UTF8 bool
}

// Facts lists what the server offers, shortest first, for one line.
func (r SubmitProbeResult) Facts() []string {
	var parts []string
	if r.TLSVersion != "" {
		parts = append(parts, r.TLSVersion)
	}
	if r.Mechanism != "" {
		parts = append(parts, "logged in with "+strings.ToUpper(r.Mechanism))
	}
	if len(r.Auth) > 0 {
		parts = append(parts, "AUTH "+strings.Join(r.Auth, " "))
	}
	if r.Size > 0 {
		parts = append(parts, "messages up to "+r.sizeText())
	}
	if r.EightBitMIME {
		parts = append(parts, "8BITMIME")
	}
	if r.UTF8 {
		parts = append(parts, "SMTPUTF8")
	}
	return parts
}

func (r SubmitProbeResult) sizeText() string {
	return fmt.Sprintf("%.1f MB", float64(r.Size)/(1<<20))
}

// Lines describes the result for a person, one fact a line.
func (r SubmitProbeResult) Lines() []string {
	enc, login, auth, size := "none", "no login", "none advertised", "no limit given"
	if r.TLSVersion != "" {
		enc = r.TLSVersion
	}
	if r.Mechanism != "" {
		login = "with " + strings.ToUpper(r.Mechanism)
	}
	if len(r.Auth) > 0 {
		auth = strings.Join(r.Auth, " ")
	}
	if r.Size > 0 {
		size = r.sizeText()
	}
	lines := []string{
		"server:      " + r.Addr,
		"encryption:  " + enc,
		"logged in:   " + login,
		"AUTH:        " + auth,
		"size limit:  " + size,
	}
	if r.TLSVersion == "" {
		lines = append(lines, "warning: no TLS: the password and mail cross the network unencrypted")
	}
	return lines
}
