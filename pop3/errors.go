package pop3

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

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
	// Commands on a message carry its number ("RETR 5", "TOP 5 0"); a
	// refused greeting is "greeting".
	Command string
	// Mechanism is the SASL mechanism of a refused AUTH, e.g. "PLAIN".
	Mechanism string
	// Code is the extended response code, e.g. CodeInUse, or "".
	Code string
	// Text is the server's text, sanitized and with secrets redacted.
	Text string
}

// Error returns "pop3: COMMAND: [CODE] text" ("pop3: AUTH PLAIN: ..." for
// AUTH).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pop3: ")
	b.WriteString(e.Command)
	if e.Mechanism != "" {
		b.WriteString(" " + e.Mechanism)
	}
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString("[" + e.Code + "] ")
	}
	if e.Text == "" {
		b.WriteString("refused by the server (-ERR)")
	} else {
		b.WriteString(e.Text)
	}
	return b.String()
}

// Temporary reports whether trying later may succeed ([IN-USE],
// [LOGIN-DELAY], [SYS/TEMP]).
func (e *Error) Temporary() bool {
	switch e.Code {
	case CodeInUse, CodeLoginDelay, CodeSysTemp:
		return true
	}
	return false
}

// Fixed conditions.
var (
	// ErrCleartext means credentials would have gone over a connection
	// without TLS, so they were not sent.
	ErrCleartext = errors.New("pop3: refusing to send credentials without TLS")
	// ErrTLSUnavailable means STLS was not offered or failed; the client
	// never falls back to cleartext.
	ErrTLSUnavailable = errors.New("pop3: server does not offer STLS")
	// ErrInjection means the server sent bytes after its +OK to STLS,
	// before the TLS handshake (a sign of response injection).
	ErrInjection = errors.New("pop3: server sent data before the TLS handshake (response injection)")
	// ErrNoMechanism means no authentication mechanism could be used with
	// what the server offers and the credentials given.
	ErrNoMechanism = errors.New("pop3: no acceptable authentication mechanism")
	// ErrLineTooLong means a reply line exceeded its bound
	// (MaxStatusLength, MaxLineLength or MaxUIDLength).
	ErrLineTooLong = errors.New("pop3: reply line too long")
	// ErrClosed means the client was closed or the connection broke
	// earlier.
	ErrClosed = errors.New("pop3: connection closed")
	// ErrTimeout means the server sent nothing (or accepted nothing) within
	// Options.CommandTimeout. The connection is closed afterwards. Errors
	// matching it also match os.ErrDeadlineExceeded.
	ErrTimeout = errors.New("pop3: timed out waiting for the server")
	// ErrReplyTooLong means a reply ran far past its bound (a message past
	// its LIST size or MaxMessageSize, a listing past MaxListEntries or
	// MaxListBytes).
	ErrReplyTooLong = errors.New("pop3: reply too long")
	// ErrServerClosed means the server closed the connection in the middle
	// of a command or reply. Errors matching it also match io.ErrUnexpectedEOF.
	ErrServerClosed = errors.New("pop3: server closed the connection")
)

// ProtocolError is a broken or unreadable stream (not a refusal). The
// connection is closed after one: no further command can succeed.
type ProtocolError struct {
	// Command is the command whose reply broke, e.g. "RETR 5".
	Command string
	// Err says what went wrong: ErrTimeout, ErrLineTooLong,
	// ErrReplyTooLong, ErrServerClosed, ErrInjection, a context error, a
	// network error or a malformed reply.
	Err error
}

// Error returns "pop3: COMMAND: what went wrong".
func (e *ProtocolError) Error() string {
	var slow *SlowError
	if errors.As(e.Err, &slow) && slow.Command == e.Command {
		return slow.Error() // it names the command already
	}
	msg := "<nil>"
	if e.Err != nil {
		msg = strings.TrimPrefix(e.Err.Error(), "pop3: ")
	}
	if e.Command == "" {
		return "pop3: " + msg
	}
	return "pop3: " + e.Command + ": " + msg
}

// Unwrap returns the underlying error.
func (e *ProtocolError) Unwrap() error { return e.Err }

// tlsFailedError is an STLS upgrade that failed: it matches
// ErrTLSUnavailable with errors.Is but says what went wrong.
type tlsFailedError struct{ err error }

func (e *tlsFailedError) Error() string {
	return "pop3: STLS failed, not continuing without TLS: " + strings.TrimPrefix(e.err.Error(), "pop3: ")
}

func (e *tlsFailedError) Is(target error) bool { return target == ErrTLSUnavailable }
func (e *tlsFailedError) Unwrap() error        { return e.err }

// SlowError is a server that sent a reply too slowly: a status line that did
// not arrive whole within the command timeout, or a multi-line reply below
// the minimum rate (Options.MinRate). It matches ErrTimeout and
// os.ErrDeadlineExceeded with errors.Is. The connection is closed after one.
type SlowError struct {
	// Command is the command whose reply was too slow, e.g. "RETR 12".
	Command string
	// Bytes is how much of the reply arrived, in Elapsed (time spent
	// waiting for the server).
	Bytes   int64
	Elapsed time.Duration
	// MinRate is the rate a multi-line reply had to keep (bytes per
	// second); 0 for a status line, which had to arrive Within.
	MinRate int64
	Within  time.Duration
}

// Error returns e.g. "pop3: server too slow: RETR 12 sent 400 bytes in 30s
// (minimum 8KB/s); try again later or raise min_rate".
func (e *SlowError) Error() string {
	if e.MinRate <= 0 {
		return fmt.Sprintf("pop3: server too slow: %s sent %d bytes in %s (a reply line must arrive within %s); try again later or raise timeout",
			e.Command, e.Bytes, e.Elapsed, e.Within)
	}
	return fmt.Sprintf("pop3: server too slow: %s sent %d bytes in %s (minimum %s/s); try again later or raise min_rate",
		e.Command, e.Bytes, e.Elapsed, formatRate(e.MinRate))
}

// Unwrap makes a SlowError match ErrTimeout and os.ErrDeadlineExceeded.
func (e *SlowError) Unwrap() []error { return []error{ErrTimeout, os.ErrDeadlineExceeded} }

// formatRate writes a byte count as the config does: "8KB", "1MB", "100B".
func formatRate(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
