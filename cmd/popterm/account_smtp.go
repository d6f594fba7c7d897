package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
)

// testSubmission is the sending half of `popterm account test`: it
// connects to [account.smtp] as a flush would, logs in and reports what the
// server offers, without sending anything. An account without the table
// is only told it cannot send.
func testSubmission(ctx context.Context, e *env, acct *config.Account) int {
	if acct.SMTP == nil {
		fmt.Fprintf(e.stdout, "account %s has no [account.smtp]: it cannot send\n", acct.Name)
		return exitOK
	}
	if err := reportProbe(ctx, e, acct, mailbox.NewOutbox(acct, nil, smtpCredentials(e, acct))); err != nil {
		return fail(e, exitFor(err), "account %s: sending test failed: %s", acct.Name, message.SanitizeLine(err.Error()))
	}
	fmt.Fprintf(e.stdout, "account %s can send\n", acct.Name)
	return exitOK
}

// reportProbe tests the submission server through ob and prints one line
// of what it offers.
func reportProbe(ctx context.Context, e *env, acct *config.Account, ob *mailbox.Outbox) error {
	addr := fmt.Sprintf("%s:%d", acct.SMTP.Host, acct.SMTP.Port)
	fmt.Fprintf(e.stderr, "testing SMTP %s (%s)...\n", addr, config.TLSModeName(acct.SMTP.TLS))
	r, err := submitProbe(ctx, acct, ob)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "  SMTP %s: %s\n", addr, message.SanitizeLine(strings.Join(r.Facts(), ", ")))
	return nil
}

// submitProbe tests acct's submission server through ob and says what it
// offers.
func submitProbe(ctx context.Context, acct *config.Account, ob *mailbox.Outbox) (mailapi.SubmitProbeResult, error) {
	p, err := ob.Probe(ctx)
	if err != nil {
		return mailapi.SubmitProbeResult{}, err
	}
	return mailapi.SubmitProbeResult{
		Addr:       net.JoinHostPort(acct.SMTP.Host, strconv.Itoa(acct.SMTP.Port)),
		TLSVersion: p.TLSVersion, Mechanism: p.Mechanism, Auth: p.Caps.Auth, Size: p.Caps.Size,
		EightBitMIME: p.Caps.EightBitMIME, UTF8: p.Caps.UTF8,
	}, nil
}

// probeSubmitAccount is the setup form's sending test (setup.SubmitProbeFunc):
// a's [account.smtp] with password (the POP3 one, which most providers
// share) or the account's token.
// A certificate that does not verify is a *mailapi.UntrustedCertError in
// the chain, as for POP3, so that the form can offer to pin it.
func probeSubmitAccount(ctx context.Context, a config.Account, password string) (mailapi.SubmitProbeResult, error) {
	r, err := submitProbe(ctx, &a, mailbox.NewOutbox(&a, nil, passwordCredentials(&a, password)))
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) && len(cv.UnverifiedCertificates) > 0 {
		leaf := cv.UnverifiedCertificates[0]
		uc := &mailapi.UntrustedCertError{SHA256: config.CertSHA256(leaf.Raw), Subject: leaf.Subject.String(), Err: cv.Err}
		err = &mailapi.Error{Kind: mailapi.KindOf(err), Msg: uc.Error(), Err: uc, Whole: true}
	}
	return r, err
}

// sendFlags are the sending flags of `account add`.
type sendFlags struct {
	from, host, tls, user string
	port                  int
}

func (f *sendFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.from, "from", "", `sender, like "Alice <alice@example.org>" (default: the user name when it is an address)`)
	fs.StringVar(&f.host, "smtp-host", "", "submission server (default: guessed from the address and tested)")
	fs.IntVar(&f.port, "smtp-port", 0, "submission port (default 465 with implicit TLS, 587 otherwise)")
	fs.StringVar(&f.tls, "smtp-tls", "", "implicit, starttls or none (default implicit)")
	fs.StringVar(&f.user, "smtp-user", "", "SMTP user name (default: the account's)")
}

// probeTimeout bounds each guessed submission server's test.
const probeTimeout = 10 * time.Second

// apply sets the account's from and [account.smtp]: the one the flags give
// (tested unless noProbe), else, when probing, the first guess that works.
// Nothing found is not an error: the account can read, and says how to
// add sending.
func (f *sendFlags) apply(ctx context.Context, e *env, acct *config.Account, password string, noProbe bool) int {
	acct.From = f.from
	if f.host != "" {
		s := &config.SMTP{Host: f.host, TLS: config.TLSImplicit, Username: f.user, Auth: config.AuthAuto}
		if f.tls != "" {
			s.TLS = strings.ToLower(f.tls)
		}
		s.Port = config.DefaultSMTPPort(s.TLS)
		if f.port != 0 {
			s.Port = f.port
		}
		acct.SMTP = s
	}
	if err := acct.Validate(); err != nil {
		return fail(e, exitUsage, "account add: %v", err)
	}
	if noProbe {
		return exitOK
	}
	if acct.SMTP != nil {
		if err := probeSubmission(ctx, e, acct, password, 0); err != nil {
			return fail(e, exitFor(err), "account add: sending test failed, nothing saved: %s", message.SanitizeLine(err.Error()))
		}
		return exitOK
	}
	for _, guess := range config.GuessSMTP(acct.Username, acct.Host) {
		acct.SMTP = &guess
		err := probeSubmission(ctx, e, acct, password, probeTimeout)
		if err == nil {
			return exitOK
		}
		fmt.Fprintf(e.stderr, "  not usable: %s\n", message.SanitizeLine(err.Error()))
	}
	acct.SMTP = nil
	fmt.Fprintf(e.stdout, "  no submission server found: to send from %s, add an [account.smtp] table (see docs/config.md)\n", acct.Name)
	return exitOK
}

// probeSubmission tests acct's [account.smtp] with password (the POP3 one,
// which most providers share) and prints what it found.
func probeSubmission(ctx context.Context, e *env, acct *config.Account, password string, timeout time.Duration) error {
	if timeout > 0 {
		s := *acct.SMTP
		s.Timeout = timeout
		a := *acct
		a.SMTP = &s
		acct = &a
	}
	return reportProbe(ctx, e, acct, mailbox.NewOutbox(acct, nil, passwordCredentials(acct, password)))
}

// passwordCredentials log in to acct's submission server with password,
// or with the account's token when it signs in with one.
func passwordCredentials(acct *config.Account, password string) mailbox.Credentials {
	return mailbox.Credentials{
		Password: func(context.Context) (string, error) { return password, nil },
		Token:    func(ctx context.Context) (string, error) { return config.Token(ctx, acct) },
	}
}

// storeSMTPPassword is `account passwd --smtp`: the SMTP password goes to
// the keyring under the account's SMTP key.
func storeSMTPPassword(e *env, acct *config.Account, fromStdin bool) int {
	if acct.SMTP == nil {
		return fail(e, exitUsage, "account passwd --smtp: account %s has no [account.smtp] table", acct.Name)
	}
	var pw string
	var err error
	switch {
	case fromStdin:
		pw, err = readSecretLine(e.stdin)
	case readerIsTerminal(e.stdin):
		pw, err = promptPassword(e, fmt.Sprintf("SMTP password for %s@%s: ", acct.SMTPUsername(), acct.SMTP.Host))
	default:
		err = errors.New("stdin is not a terminal: use --password-stdin")
	}
	if err == nil && pw == "" {
		err = errors.New("the password is empty")
	}
	if err != nil {
		return fail(e, exitUsage, "account passwd --smtp: %v", err)
	}
	if err := e.secrets().Set(acct.SMTPPasswordKey(), pw); err != nil {
		return fail(e, exitFailure, "account passwd --smtp: %v", err)
	}
	fmt.Fprintf(e.stdout, "stored the SMTP password of %s in the OS keyring (service %s, user %s)\n", acct.Name, config.KeyringService, acct.SMTPPasswordKey())
	if acct.SMTP.PasswordCmd != "" {
		fmt.Fprintf(e.stderr, "popterm: note: account %s has smtp.password_cmd, which takes precedence over the keyring\n", acct.Name)
	}
	return exitOK
}
