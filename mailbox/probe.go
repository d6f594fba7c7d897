package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/pop3"
)

// Probe reaches the account's server exactly as a sync does (the same dial,
// STLS, capabilities and login: dialAccount and authenticate), reports what
// it found, and quits. It needs no store: `popterm account add`, `account
// test` and the setup form use it. Its errors carry a mailapi.Kind; one that
// could not reach a POP3 server says in words what to check, and a
// certificate that does not verify is a *mailapi.UntrustedCertError in the
// chain (so the caller can offer to pin it).
func Probe(ctx context.Context, acct *config.Account, creds Credentials) (mailapi.ProbeResult, error) {
	res := mailapi.ProbeResult{Addr: acct.Addr(), TLSVersion: "none"}
	c, err := dialAccount(ctx, acct)
	if err != nil {
		return res, connectFailure(acct, err)
	}
	defer c.Close()
	if state, ok := c.TLS(); ok {
		res.TLSVersion = tls.VersionName(state.Version)
		if len(state.PeerCertificates) > 0 {
			res.CertSHA256 = config.CertSHA256(state.PeerCertificates[0].Raw)
		}
	}
	if !c.Caps().Known {
		if _, err := c.Capa(ctx); err != nil {
			return res, classified(fmt.Errorf("capa: %w", err))
		}
	}
	before := *c.Caps()
	res.Mechanisms = append([]string(nil), before.SASL...)
	mech, err := authenticate(ctx, c, acct, creds)
	if err != nil {
		return res, classified(err)
	}
	res.Mechanism = mech
	after := c.Caps()
	res.User = before.User || after.User
	res.Top = before.Top || after.Top
	res.UIDL = before.UIDL || after.UIDL
	res.Pipelining = before.Pipelining || after.Pipelining
	res.UTF8 = before.UTF8 || after.UTF8
	res.Implementation = after.Implementation
	if res.Implementation == "" {
		res.Implementation = before.Implementation
	}
	if err := c.Quit(ctx); err != nil {
		return res, classified(fmt.Errorf("quit: %w", err))
	}
	return res, nil
}

// connectFailure is a probe that could not reach a POP3 server, said in
// words with what to check instead of the dialer's chain ("pop3: connecting
// to ...: dial tcp: lookup ... on RESOLVER: ..."). The cause stays in the
// chain (a certificate that does not verify as *mailapi.UntrustedCertError).
func connectFailure(acct *config.Account, err error) error {
	var own *Error
	if errors.As(err, &own) {
		return err // a setting the engine already explained
	}
	prefix := fmt.Sprintf("connect to %s (%s): ", acct.Addr(), config.TLSModeName(acct.TLS))
	kind := Classify(err)
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && len(cv.UnverifiedCertificates) > 0 {
		leaf := cv.UnverifiedCertificates[0]
		uc := &mailapi.UntrustedCertError{SHA256: config.CertSHA256(leaf.Raw), Subject: leaf.Subject.String(), Err: cv.Err}
		return &Error{Kind: kind, Msg: prefix + uc.Error(), Err: uc, Whole: true}
	}
	var dns *net.DNSError
	var ne net.Error
	var rh tls.RecordHeaderError
	msg := err.Error()
	switch {
	case errors.As(err, &rh):
		msg = "the server does not speak TLS on this port: use STARTTLS (--tls starttls, usually port 110) or the implicit TLS port (usually 995)"
	case errors.Is(err, pop3.ErrWantsTLS):
		msg = "no greeting: this port expects TLS from the start: use implicit TLS (--tls implicit, usually port 995)"
	case errors.As(err, &dns) && dns.IsNotFound:
		msg = "no host named " + dns.Name + ": check the host name"
	case errors.Is(err, syscall.ECONNREFUSED):
		msg = "connection refused: check the port"
	case errors.As(err, &ne) && ne.Timeout():
		msg = "no answer in time: check the port and TLS mode (995 is usually implicit TLS, 110 STARTTLS), or try again later"
	}
	return &Error{Kind: kind, Msg: prefix + msg, Err: err, Whole: true}
}
