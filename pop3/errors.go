package pop3

import "errors"

// Extended response codes (RFC 2449, RFC 3206).
const (
	CodeInUse      = "IN-USE"
	CodeLoginDelay = "LOGIN-DELAY"
	CodeSysTemp    = "SYS/TEMP"
	CodeSysPerm    = "SYS/PERM"
	CodeAuth       = "AUTH"
	CodeUTF8       = "UTF8"
)

// Error is a server refusal (-ERR) to a command.
type Error struct {
	// Command is the verb refused, e.g. "PASS" (never its secret argument).
	Command string
	// Code is the extended response code, e.g. CodeInUse, or "".
	Code string
	// Text is the server's text, sanitized and with secrets redacted.
	Text string
}

func (e *Error) Error() string { panic("unimplemented") }

// Temporary reports whether trying later may succeed ([IN-USE],
// [LOGIN-DELAY], [SYS/TEMP]).
func (e *Error) Temporary() bool { panic("unimplemented") }

// Fixed conditions.
var (
	// ErrCleartext: credentials would go over a connection without TLS.
	ErrCleartext = errors.New("pop3: refusing to send credentials without TLS")
	// ErrTLSUnavailable: STLS is not offered or failed; no cleartext fallback.
	ErrTLSUnavailable = errors.New("pop3: server does not offer STLS")
	// ErrInjection: the server sent bytes after +OK to STLS, before the handshake.
	ErrInjection = errors.New("pop3: server sent data before the TLS handshake (response injection)")
	// ErrNoMechanism: no acceptable authentication mechanism.
	ErrNoMechanism = errors.New("pop3: no acceptable authentication mechanism")
	// ErrLineTooLong: a reply line exceeded the bound.
	ErrLineTooLong = errors.New("pop3: reply line too long")
	// ErrClosed: the client was closed or the connection broke earlier.
	ErrClosed = errors.New("pop3: connection closed")
)

// ProtocolError is a broken or unreadable stream (not a refusal).
type ProtocolError struct {
	Command string
	Err     error
}

func (e *ProtocolError) Error() string { panic("unimplemented") }
func (e *ProtocolError) Unwrap() error { return e.Err }
