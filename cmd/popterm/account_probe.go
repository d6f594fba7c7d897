package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/ui/setup"
)

// probeAccount connects to the account's server per its TLS mode, asks
// CAPA, logs in with password (or the OAuth2 token command), asks CAPA again
// and quits. It is the setup form's ProbeFunc and `account test`.
func probeAccount(ctx context.Context, a config.Account, password string) (setup.ProbeResult, error) {
	// A token only when the account has a token command: with auth = auto,
	// Login prefers OAuth2 whenever a Token is given.
	var token func(context.Context) (string, error)
	if a.OAuth2TokenCmd != "" {
		acct := a
		token = func(ctx context.Context) (string, error) { return config.Token(ctx, &acct) }
	}
	return probeLogin(ctx, a, password, token)
}

// probeLogin is probeAccount with the token source given (the built-in
// sign-in's, or nil for a password).
func probeLogin(ctx context.Context, a config.Account, password string, token func(context.Context) (string, error)) (setup.ProbeResult, error) {
	res := setup.ProbeResult{Addr: a.Addr(), TLSVersion: "none"}
	tlsCfg, err := a.TLSConfig()
	if err != nil {
		return res, err
	}
	opts := &pop3.Options{TLSConfig: tlsCfg, DialTimeout: a.Timeout, CommandTimeout: a.Timeout}
	dial := map[string]func(context.Context, string, *pop3.Options) (*pop3.Client, error){
		config.TLSImplicit: pop3.DialTLS,
		config.TLSStartTLS: pop3.DialStartTLS,
		config.TLSNone:     pop3.Dial,
	}[a.TLS]
	if dial == nil {
		return res, fmt.Errorf("account %q: unknown tls mode %q", a.Name, a.TLS)
	}
	c, err := dial(ctx, a.Addr(), opts)
	if err != nil {
		var cv *tls.CertificateVerificationError
		if errors.As(err, &cv) && len(cv.UnverifiedCertificates) > 0 {
			leaf := cv.UnverifiedCertificates[0]
			err = &setup.UntrustedCertError{SHA256: config.CertSHA256(leaf.Raw), Subject: leaf.Subject.String(), Err: cv.Err}
		}
		return res, &connectError{addr: a.Addr(), mode: a.TLS, err: err}
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
			return res, fmt.Errorf("capa: %w", err)
		}
	}
	before := *c.Caps()
	res.Mechanisms = append([]string(nil), before.SASL...)
	cred := pop3.Credentials{
		Username:       a.Username,
		Password:       password,
		Mechanism:      a.Auth,
		AllowCleartext: a.AllowCleartextAuth,
		Token:          token,
	}
	mech, err := c.Login(ctx, cred)
	if err != nil {
		return res, fmt.Errorf("log in as %s: %w", a.Username, err)
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
		return res, fmt.Errorf("quit: %w", err)
	}
	return res, nil
}

// tlsModeName says a TLS mode in words.
func tlsModeName(mode string) string {
	switch mode {
	case config.TLSImplicit:
		return "implicit TLS"
	case config.TLSStartTLS:
		return "STARTTLS"
	}
	return "no TLS"
}

// connectError is a probe that could not reach a POP3 server. Its message
// says in words what went wrong and what to check, instead of the dialer's
// chain ("pop3: connecting to ...: dial tcp: lookup ... on RESOLVER: ...").
type connectError struct {
	addr, mode string
	err        error
}

func (e *connectError) Error() string {
	prefix := fmt.Sprintf("connect to %s (%s): ", e.addr, tlsModeName(e.mode))
	var dns *net.DNSError
	var uc *setup.UntrustedCertError
	var ne net.Error
	var rh tls.RecordHeaderError
	switch {
	case errors.As(e.err, &uc):
		return prefix + uc.Error()
	case errors.As(e.err, &rh):
		return prefix + "the server does not speak TLS on this port: use STARTTLS (--tls starttls, usually port 110) or the implicit TLS port (usually 995)"
	case errors.As(e.err, &dns) && dns.IsNotFound:
		return prefix + "no host named " + dns.Name + ": check the host name"
	case errors.Is(e.err, syscall.ECONNREFUSED):
		return prefix + "connection refused: check the port"
	case errors.As(e.err, &ne) && ne.Timeout():
		return prefix + "no answer in time: check the port and TLS mode (995 is usually implicit TLS, 110 STARTTLS), or try again later"
	}
	return prefix + e.err.Error()
}

func (e *connectError) Unwrap() error { return e.err }
