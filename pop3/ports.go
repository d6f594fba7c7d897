package pop3

import (
	"bytes"
	"crypto/tls"
	"errors"
	"strings"
)

// Port mix-ups, detected quickly instead of after a long timeout.
var (
	// ErrWantsTLS means a cleartext connection got no greeting: the port
	// most likely expects a TLS handshake first (implicit TLS, port 995).
	ErrWantsTLS = errors.New("pop3: this port expects TLS from the start: use tls = implicit")
	// ErrPlainPort means a TLS handshake got a POP3 greeting instead: the
	// port speaks cleartext POP3 (port 110), where STLS upgrades it.
	ErrPlainPort = errors.New("pop3: this port speaks plain POP3: use tls = starttls (or none)")
)

// portError is a connection to the wrong kind of port: it says why popterm
// thinks so and matches ErrWantsTLS or ErrPlainPort, and its cause (a
// timeout, or a tls.RecordHeaderError) when there is one.
type portError struct {
	addr  string
	why   string
	err   error
	cause error
}

func (e *portError) Error() string {
	return "pop3: connecting to " + e.addr + ": " + e.why + ": " + strings.TrimPrefix(e.err.Error(), "pop3: ")
}

func (e *portError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.err}
	}
	return []error{e.err, e.cause}
}

// silent reports whether err is a timeout with nothing received.
func silent(err error) bool {
	var slow *SlowError
	return errors.Is(err, ErrTimeout) && !errors.As(err, &slow)
}

// plainPOP3 reports whether a failed TLS handshake read a POP3 status line
// ("+OK ..." or "-ERR ...") where the server's hello should have been.
func plainPOP3(err error) bool {
	var rh tls.RecordHeaderError
	if !errors.As(err, &rh) {
		return false
	}
	head := bytes.ToUpper(rh.RecordHeader[:])
	return bytes.HasPrefix(head, []byte("+OK")) || bytes.HasPrefix(head, []byte("-ERR"))
}

// ErrHandshake matches every failed TLS handshake, over implicit TLS and
// STARTTLS alike (a refused certificate, a pin mismatch, no common
// version); the error also wraps the crypto/tls cause.
var ErrHandshake = errors.New("pop3: TLS handshake failed")

// handshakeError makes err match ErrHandshake, and hides the crypto/x509
// diagnostics that mean nothing to a user ("possibly because of ... while
// trying to verify candidate authority certificate ...") while keeping the
// cause matchable with errors.As.
func handshakeError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, " (possibly because of "); i >= 0 {
		msg = msg[:i]
	}
	return &handshakeFailed{msg: msg, err: err}
}

// handshakeFailed is a failed TLS handshake with a plain message.
type handshakeFailed struct {
	msg string
	err error
}

func (e *handshakeFailed) Error() string        { return e.msg }
func (e *handshakeFailed) Unwrap() error        { return e.err }
func (e *handshakeFailed) Is(target error) bool { return target == ErrHandshake }
