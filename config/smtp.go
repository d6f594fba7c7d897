package config

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"slices"
	"strings"
	"time"
)

// Default submission ports (RFC 8314 and RFC 6409).
const (
	// PortSubmissionImplicit is the default port of an implicit-TLS
	// submission server.
	PortSubmissionImplicit = 465
	// PortSubmission is the default port with STARTTLS or no TLS.
	PortSubmission = 587
)

// AuthNone is the SMTP auth value of a server that needs no login (a local
// relay): nothing is sent.
const AuthNone = "none"

// maxSignature bounds the signature file read.
const maxSignature = 64 << 10

// SMTP is an account's [account.smtp] table: the submission server its
// messages go through.
type SMTP struct {
	Host string
	Port int    // default 465 with implicit TLS, 587 otherwise
	TLS  string // TLSImplicit (default), TLSStartTLS or TLSNone
	// Username defaults to the account's.
	Username string
	// Auth is auto, plain, login, xoauth2, oauthbearer (with the account's
	// oauth2_token_cmd) or none.
	Auth string
	// PasswordCmd prints the SMTP password; when empty the keyring's SMTP
	// secret, then the account's own password source, are used
	// (SMTPPassword).
	PasswordCmd        string
	CAFile             string
	TLSCertSHA256      string // normalised like the account's
	AllowCleartextAuth bool
	// Timeout bounds every step of a submission (default: the account's).
	Timeout time.Duration
}

// fileSMTP is [account.smtp] as TOML sees it.
type fileSMTP struct {
	Host               string `toml:"host,omitempty"`
	Port               *int   `toml:"port,omitempty"`
	TLS                string `toml:"tls,omitempty"`
	Username           string `toml:"username,omitempty"`
	Auth               string `toml:"auth,omitempty"`
	PasswordCmd        string `toml:"password_cmd,omitempty"`
	CAFile             string `toml:"ca_file,omitempty"`
	TLSCertSHA256      string `toml:"tls_cert_sha256,omitempty"`
	AllowCleartextAuth *bool  `toml:"allow_cleartext_auth,omitempty"`
	Timeout            string `toml:"timeout,omitempty"`
}

// smtpKeys are the keys allowed in an [account.smtp] table.
func smtpKeys() map[string]string {
	return map[string]string{
		"host":                 "a host name",
		"port":                 "a port number from 1 to 65535",
		"tls":                  `"implicit", "starttls" or "none"`,
		"username":             expectString,
		"auth":                 `one of "auto", "plain", "login", "xoauth2", "oauthbearer", "none"`,
		"password_cmd":         expectCommand,
		"ca_file":              "a path to a PEM file (string)",
		"tls_cert_sha256":      "the certificate's SHA-256 as 64 hex digits (colons allowed)",
		"allow_cleartext_auth": expectBool,
		"timeout":              expectDuration,
	}
}

// DefaultSMTPPort is the submission port used when none is given.
func DefaultSMTPPort(tlsMode string) int {
	if tlsMode == TLSStartTLS || tlsMode == TLSNone {
		return PortSubmission
	}
	return PortSubmissionImplicit
}

// sending reads from, signature_file and [account.smtp] into a.
func (fa *fileAccount) sending(a *Account, base string) []fieldErr {
	var errs []fieldErr
	a.From = fa.From
	var err error
	if a.SignatureFile, err = expandPath(fa.SignatureFile, base); err != nil {
		errs = append(errs, fieldf("signature_file", "%v", err))
	}
	fs := fa.SMTP
	if fs == nil {
		return errs
	}
	s := &SMTP{Host: fs.Host, TLS: TLSImplicit, Username: fs.Username, Auth: AuthAuto,
		PasswordCmd: fs.PasswordCmd, TLSCertSHA256: fs.TLSCertSHA256}
	if fs.TLS != "" {
		s.TLS = strings.ToLower(fs.TLS)
	}
	s.Port = DefaultSMTPPort(s.TLS)
	if fs.Port != nil {
		s.Port = *fs.Port
	}
	if fs.Auth != "" {
		s.Auth = strings.ToLower(fs.Auth)
	}
	setBool(&s.AllowCleartextAuth, fs.AllowCleartextAuth)
	if fs.Timeout != "" {
		if s.Timeout, err = ParseDuration(fs.Timeout); err != nil {
			errs = append(errs, fieldf("smtp.timeout", "expected %s: %v", expectDuration, err))
		}
	}
	if s.CAFile, err = expandPath(fs.CAFile, base); err != nil {
		errs = append(errs, fieldf("smtp.ca_file", "%v", err))
	}
	a.SMTP = s
	return errs
}

// validateSending checks from, signature_file and [account.smtp], and
// normalises the SMTP pin.
func (a *Account) validateSending() []fieldErr {
	var errs []fieldErr
	add := func(key, format string, args ...any) { errs = append(errs, fieldf(key, format, args...)) }
	if a.From != "" {
		if _, err := mail.ParseAddress(a.From); err != nil || hasControl(a.From) {
			add("from", "expected %s, got %q", accountKeys()["from"], a.From)
		}
	}
	if a.SignatureFile != "" && hasControl(a.SignatureFile) {
		add("signature_file", "control characters are not allowed")
	}
	s := a.SMTP
	if s == nil {
		return errs
	}
	checkServer(add, "smtp.", "the submission server's host name, e.g. smtp.example.com", s.Host, s.Port, s.TLS)
	if hasControl(s.Username) || len(s.Username) > 255 {
		add("smtp.username", "control characters and names over 255 bytes are not allowed")
	}
	auths := []string{AuthAuto, AuthPlain, AuthLogin, AuthXOAUTH2, AuthOAUTHBEARER, AuthNone}
	if !slices.Contains(auths, s.Auth) {
		msg := fmt.Sprintf("expected %s, got %q", smtpKeys()["auth"], s.Auth)
		if sug := suggest(s.Auth, auths); sug != "" {
			msg += fmt.Sprintf("; did you mean %q?", sug)
		}
		add("smtp.auth", "%s", msg)
	}
	if (s.Auth == AuthXOAUTH2 || s.Auth == AuthOAUTHBEARER) && a.OAuth2TokenCmd == "" {
		add("smtp.auth", "auth = %q uses the account's OAuth2 token: set oauth2_token_cmd in the [[account]]", s.Auth)
	}
	if s.TLS == TLSNone && s.Auth != AuthNone && !s.AllowCleartextAuth {
		add("smtp.tls", `"none" would send the login in cleartext: use "implicit" or "starttls", set auth = "none" for a server that needs no login, or allow_cleartext_auth = true if you accept that`)
	}
	if s.TLSCertSHA256 != "" {
		pin, err := NormalizeFingerprint(s.TLSCertSHA256)
		if err != nil {
			add("smtp.tls_cert_sha256", "%v", err)
		} else {
			s.TLSCertSHA256 = pin
		}
	}
	if s.Timeout < 0 {
		add("smtp.timeout", "expected a positive duration like \"30s\"")
	}
	if strings.ContainsRune(s.PasswordCmd, 0) {
		add("smtp.password_cmd", "NUL bytes are not allowed in commands")
	}
	return errs
}

// checkServer checks the host, port and tls keys of a server (keys named
// with prefix, "" or "smtp.").
func checkServer(add func(key, format string, args ...any), prefix, hostHint, host string, port int, tlsMode string) {
	switch {
	case host == "":
		add(prefix+"host", "missing: %s", hostHint)
	case !validHost(host):
		add(prefix+"host", "expected a host name or IP address, got %q", host)
	}
	if port < 1 || port > 65535 {
		add(prefix+"port", "expected a port number from 1 to 65535, got %d", port)
	}
	if !slices.Contains([]string{TLSImplicit, TLSStartTLS, TLSNone}, tlsMode) {
		add(prefix+"tls", "expected %s, got %q", smtpKeys()["tls"], tlsMode)
	}
}

// fileSMTPOf writes [account.smtp] for Save (nil without one): host and
// tls always, the rest when not the default.
func fileSMTPOf(a *Account) *fileSMTP {
	s := a.SMTP
	if s == nil {
		return nil
	}
	fs := &fileSMTP{Host: s.Host, TLS: s.TLS, PasswordCmd: s.PasswordCmd, CAFile: s.CAFile, TLSCertSHA256: s.TLSCertSHA256}
	if fs.TLS == "" {
		fs.TLS = TLSImplicit
	}
	if s.Port != DefaultSMTPPort(fs.TLS) {
		fs.Port = ptr(s.Port)
	}
	if s.Username != a.Username {
		fs.Username = s.Username
	}
	if s.Auth != AuthAuto && s.Auth != "" {
		fs.Auth = s.Auth
	}
	if s.AllowCleartextAuth {
		fs.AllowCleartextAuth = ptr(true)
	}
	if s.Timeout > 0 && s.Timeout != a.Timeout {
		fs.Timeout = FormatDuration(s.Timeout)
	}
	return fs
}

// ErrNoFrom: the account has no from and its username is not an address.
var ErrNoFrom = errors.New("no sender address")

// FromAddress returns the sender: from, else the username when it is an
// address.
func (a *Account) FromAddress() (*mail.Address, error) {
	if a.From != "" {
		addr, err := mail.ParseAddress(a.From)
		if err != nil {
			return nil, fmt.Errorf("account %q: from: expected an address like \"Alice <alice@example.org>\": %w", a.Name, err)
		}
		return addr, nil
	}
	if strings.Contains(a.Username, "@") {
		if addr, err := mail.ParseAddress(a.Username); err == nil {
			return addr, nil
		}
	}
	return nil, fmt.Errorf("account %q: %w: set from = \"Your Name <you@example.org>\" in the account", a.Name, ErrNoFrom)
}

// Signature returns the content of signature_file ("" when unset).
func (a *Account) Signature() (string, error) {
	if a.SignatureFile == "" {
		return "", nil
	}
	f, err := os.Open(a.SignatureFile)
	if err != nil {
		return "", fmt.Errorf("account %q: signature_file: %w", a.Name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSignature+1))
	if err != nil {
		return "", fmt.Errorf("account %q: signature_file: %w", a.Name, err)
	}
	if len(b) > maxSignature {
		return "", fmt.Errorf("account %q: signature_file %s is over 64 KB; is it the right file?", a.Name, a.SignatureFile)
	}
	return string(b), nil
}

// errNoSMTP is returned by the SMTP helpers of an account without
// [account.smtp].
func (a *Account) errNoSMTP() error {
	return fmt.Errorf("account %q has no [account.smtp] table, so it cannot send: add one with the provider's submission server (host, tls)", a.Name)
}

// SMTPUsername returns the SMTP login: smtp.username, else the account's.
func (a *Account) SMTPUsername() string {
	if a.SMTP != nil && a.SMTP.Username != "" {
		return a.SMTP.Username
	}
	return a.Username
}

// SMTPTimeout returns the bound of each submission step.
func (a *Account) SMTPTimeout() time.Duration {
	if a.SMTP != nil && a.SMTP.Timeout > 0 {
		return a.SMTP.Timeout
	}
	if a.Timeout > 0 {
		return a.Timeout
	}
	return DefaultTimeout
}

// SMTPTLSConfig builds the verified TLS configuration of the submission
// server, as TLSConfig does for POP3: smtp.ca_file (default: the account's
// ca_file) and smtp.tls_cert_sha256 (never inherited: a pin names one
// certificate).
func (a *Account) SMTPTLSConfig() (*tls.Config, error) {
	if a.SMTP == nil {
		return nil, a.errNoSMTP()
	}
	caFile := a.SMTP.CAFile
	if caFile == "" {
		caFile = a.CAFile // a private CA usually signs both servers
	}
	return tlsConfig(a.Name, "smtp.", a.SMTP.Host, caFile, a.SMTP.TLSCertSHA256, false)
}

// smtpPasswordKeyPrefix starts the keyring key of an SMTP password (see
// the key scheme in keys.go).
const smtpPasswordKeyPrefix = "smtp-password:"

// SMTPPasswordKey is the keyring key of the account's own SMTP password,
// "smtp-password:NAME", for a provider whose SMTP password differs from the
// POP3 one (`popterm account passwd --smtp NAME`).
func (a *Account) SMTPPasswordKey() string { return smtpPasswordKeyPrefix + a.Name }

// SMTPPassword resolves the SMTP password: smtp.password_cmd if set, else
// the keyring's secret under SMTPPasswordKey, else (no such secret, or no
// keyring) the account's POP3 password as Password finds it, since most
// providers share one password. A nil keyring means the OS keyring.
func SMTPPassword(ctx context.Context, a *Account, keyring Store) (string, error) {
	if a.SMTP == nil {
		return "", a.errNoSMTP()
	}
	if a.SMTP.PasswordCmd != "" {
		return runSecretCmd(ctx, a, "smtp.password_cmd", a.SMTP.PasswordCmd)
	}
	if keyring == nil {
		keyring = Keyring()
	}
	pw, err := keyring.Get(a.SMTPPasswordKey())
	if err == nil && pw != "" {
		return pw, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrKeyringUnavailable) {
		return "", fmt.Errorf("account %q: smtp: %w", a.Name, err)
	}
	return Password(ctx, a, keyring)
}

// knownSMTP are the submission servers of providers whose names cannot be
// guessed from the mail domain.
var knownSMTP = map[string]SMTP{
	"gmail.com":      {Host: "smtp.gmail.com", Port: PortSubmissionImplicit, TLS: TLSImplicit},
	"googlemail.com": {Host: "smtp.gmail.com", Port: PortSubmissionImplicit, TLS: TLSImplicit},
	"outlook.com":    {Host: "smtp-mail.outlook.com", Port: PortSubmission, TLS: TLSStartTLS},
	"hotmail.com":    {Host: "smtp-mail.outlook.com", Port: PortSubmission, TLS: TLSStartTLS},
	"live.com":       {Host: "smtp-mail.outlook.com", Port: PortSubmission, TLS: TLSStartTLS},
	"msn.com":        {Host: "smtp-mail.outlook.com", Port: PortSubmission, TLS: TLSStartTLS},
}

// GuessSMTP returns the likely submission servers of an account, best
// first, from the domain of its username (else of its POP3 host, without a
// "pop." or "pop3." label): the provider's known server, else
// smtp.DOMAIN with implicit TLS on 465, then with STARTTLS on 587. It does
// no network I/O and returns nothing for an IP address.
func GuessSMTP(username, popHost string) []SMTP {
	domain := ""
	if at := strings.LastIndexByte(username, '@'); at >= 0 {
		domain = strings.ToLower(username[at+1:])
	} else if net.ParseIP(popHost) == nil && strings.Contains(popHost, ".") {
		domain = strings.ToLower(popHost)
		for _, p := range []string{"pop3.", "pop.", "mail."} {
			domain = strings.TrimPrefix(domain, p)
		}
	}
	if domain == "" || !validHost(domain) || !strings.Contains(domain, ".") {
		return nil
	}
	if s, ok := knownSMTP[domain]; ok {
		s.Auth = AuthAuto
		return []SMTP{s}
	}
	return []SMTP{
		{Host: "smtp." + domain, Port: PortSubmissionImplicit, TLS: TLSImplicit, Auth: AuthAuto},
		{Host: "smtp." + domain, Port: PortSubmission, TLS: TLSStartTLS, Auth: AuthAuto},
	}
}
