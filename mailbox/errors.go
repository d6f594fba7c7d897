package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/pop3"
)

// loginCommands are the verbs whose refusal means the credentials were refused
// when the server gives no more specific response code.
var loginCommands = map[string]bool{"USER": true, "PASS": true, "APOP": true, "AUTH": true}

// Classify returns the kind of err.
func Classify(err error) Kind {
	if err == nil {
		return KindOther
	}
	var me *Error
	if errors.As(err, &me) {
		return me.Kind
	}
	if errors.Is(err, config.ErrSignInAgain) {
		return KindCredentials
	}
	var pe *pop3.Error
	if errors.As(err, &pe) {
		if strings.EqualFold(pe.Command, "STLS") {
			return KindConfig // like no STLS at all: never go on without TLS
		}
		switch pe.Code {
		case pop3.CodeAuth:
			return KindCredentials
		case pop3.CodeInUse, pop3.CodeLoginDelay, pop3.CodeSysTemp:
			return KindTryLater
		case pop3.CodeSysPerm:
			return KindOther
		}
		if pe.Code == "" && temporaryText(pe.Text) {
			return KindTryLater // servers without response codes (Outlook)
		}
		if loginCommands[strings.ToUpper(pe.Command)] {
			return KindCredentials
		}
		return KindOther
	}
	if errors.Is(err, cache.ErrLocked) {
		return KindTryLater
	}
	if errors.Is(err, pop3.ErrWantsTLS) || errors.Is(err, pop3.ErrPlainPort) {
		return KindConfig
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return KindConfig // the host name is wrong; an unreachable resolver is not this
	}
	// Before the settings: a failed STLS also matches ErrTLSUnavailable, but
	// when it failed on a timeout or a dropped connection, trying later is
	// the answer, not editing the account.
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, pop3.ErrTimeout) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, pop3.ErrClosed) {
		return KindTryLater
	}
	if errors.Is(err, pop3.ErrCleartext) || errors.Is(err, pop3.ErrTLSUnavailable) ||
		errors.Is(err, pop3.ErrHandshake) || errors.Is(err, pop3.ErrNoMechanism) {
		return KindConfig
	}
	if config.ErrNoPassword != nil && errors.Is(err, config.ErrNoPassword) {
		return KindConfig
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return KindConfig // the same over implicit TLS and STARTTLS: ca_file or tls_cert_sha256
	}
	var netErr net.Error
	var opErr *net.OpError
	if errors.As(err, &dnsErr) || errors.As(err, &opErr) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return KindTryLater
	}
	return KindOther
}

// classified gives err its kind (an *Error), so callers never look at the
// protocol's or the store's errors; nil stays nil.
func classified(err error) error {
	var own *Error
	if err == nil || errors.As(err, &own) {
		return err
	}
	return &Error{Kind: Classify(err), Err: err}
}

// isRefusal reports whether err is the server's -ERR (not a broken stream).
func isRefusal(err error) bool {
	var pe *pop3.Error
	return errors.As(err, &pe)
}

// temporaryTexts are what servers that send no response code say when
// they throttle or are down for a while (Outlook's "Server Unavailable",
// "Exceeded the login limit", Yahoo's "try again later"), lower case.
var temporaryTexts = []string{
	"try again later", "please try again", "temporarily", "temporary", "unavailable",
	"too many", "exceeded", "throttl", "rate limit", "busy", "overloaded",
}

// temporaryText reports whether a refusal without response code reads as
// "not now" rather than "never".
func temporaryText(text string) bool {
	t := strings.ToLower(text)
	for _, s := range temporaryTexts {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
