package submit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/emersion/go-smtp"

	"github.com/popterm/popterm/message"
)

// Kind classifies a failure by what the caller should do about it.
type Kind int

// Kinds of failure.
const (
	// Temporary failures (4xx replies, timeouts, an unreachable server) go
	// away by themselves: keep the message and retry later.
	Temporary Kind = iota
	// Permanent failures (5xx replies to MAIL, RCPT or DATA, a message over
	// the server's SIZE) will not go away for this message.
	Permanent
	// Credentials means the server refused the login.
	Credentials
	// Setup means the account's settings must change: TLS failed or cannot
	// be had, the server offers no usable AUTH mechanism.
	Setup
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Temporary:
		return "temporary"
	case Permanent:
		return "permanent"
	case Credentials:
		return "credentials"
	case Setup:
		return "setup"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Conditions the client refuses by itself; they come wrapped in an *Error of
// Kind Setup.
var (
	// ErrNoSTARTTLS: the account asks for STARTTLS and the server does not
	// offer it, so nothing was sent.
	ErrNoSTARTTLS = errors.New("the server does not offer STARTTLS, so popterm sent nothing (set tls = \"implicit\" with the server's implicit TLS port, usually 465)")
	// ErrCleartext: credentials would have crossed a connection without TLS.
	ErrCleartext = errors.New("refusing to send credentials without TLS (set allow_cleartext_auth = true only for a trusted local server)")
	// ErrNoMechanism: no AUTH mechanism fits the server and the credentials.
	ErrNoMechanism = errors.New("no usable authentication mechanism")
)

// Error is a failed step of a submission.
type Error struct {
	// Op is the step: "connect", "tls", "auth", "mail", "rcpt", "data"...
	Op   string
	Kind Kind
	// Code and Enhanced are the server's reply code (e.g. 550, "5.1.1"),
	// zero when the failure was not a server reply.
	Code     int
	Enhanced string
	// Err is the cause; a server reply is an *smtp.SMTPError.
	Err error
	// MaybeSent is set when the whole message reached the server but the
	// connection failed before its reply: the server may have accepted it.
	// Such a message must not be sent again without asking the user.
	MaybeSent bool
}

// Error gives a one-line message with the server's text sanitized.
func (e *Error) Error() string {
	var se *smtp.SMTPError
	if errors.As(e.Err, &se) {
		msg := fmt.Sprintf("smtp %s: the server replied %d", e.Op, se.Code)
		if e.Enhanced != "" {
			msg += " " + e.Enhanced
		}
		return msg + ": " + message.SanitizeLine(se.Message)
	}
	return "smtp " + e.Op + ": " + message.SanitizeLine(e.Err.Error())
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err: its *Error's, else Temporary for a
// context or network error and Permanent for anything else.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.As(err, &ne) {
		return Temporary
	}
	return Permanent
}

// wrap classifies err from step op. ctxErr, when not nil, replaces the
// error of a connection the context closed.
func wrap(op string, err error, ctxErr error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if ctxErr != nil {
		return &Error{Op: op, Kind: Temporary, Err: ctxErr}
	}
	out := &Error{Op: op, Err: err}
	var se *smtp.SMTPError
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.As(err, &se):
		out.Code = se.Code
		if se.EnhancedCode != smtp.NoEnhancedCode && se.EnhancedCode != (smtp.EnhancedCode{}) {
			out.Enhanced = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
		}
		switch {
		case op == "auth" && (se.Code == 535 || se.Code == 534):
			out.Kind = Credentials
		case op == "auth" && se.Code >= 500:
			out.Kind = Setup
		case se.Code >= 400 && se.Code < 500:
			out.Kind = Temporary
		default:
			out.Kind = Permanent
		}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		out.Kind = Setup
	case op == "tls" && !errors.As(err, &ne):
		out.Kind = Setup
	case op == "auth" && !errors.As(err, &ne) && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF):
		// The SASL client gave up on the server's answer, e.g. an
		// OAUTHBEARER error report for a refused token.
		out.Kind = Credentials
	default:
		out.Kind = Temporary // network, timeout, a connection closed
	}
	return out
}
