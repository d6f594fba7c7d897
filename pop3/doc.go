// Package pop3 is a POP3 client: RFC 1939 (the protocol), RFC 2449 (CAPA,
// extended response codes, PIPELINING), RFC 2595 (STLS), RFC 5034 (SASL AUTH),
// RFC 4616 (PLAIN), RFC 2195 (CRAM-MD5), RFC 7628 (OAUTHBEARER), RFC 3206
// (AUTH and SYS response codes), RFC 6856 (UTF8), RFC 8314 (implicit TLS).
// It knows nothing of the UI or the store.
//
// Stored bodies: Retr and Top return the message as the server sent it after
// dot-unstuffing, with every line ending normalised to LF ("\n"). A bare LF
// from the server is accepted as a line ending; a bare CR is kept as data.
// Lines of any length up to MaxLineLength come out whole.
//
// Bounds: a status line may be MaxStatusLength bytes, a body line
// MaxLineLength, a unique-id MaxUIDLength, a listing MaxListEntries entries
// and MaxListBytes bytes, a message Options.MaxMessageSize bytes and, once LIST has given its size,
// four times that size plus 1 MiB. Anything past a bound is an error, never
// unbounded memory.
//
// Errors: a refusal (-ERR) is an *Error carrying the RFC 2449/3206 response
// code; the connection stays usable. A broken stream (timeout, malformed
// reply, server gone, cancelled context) is a *ProtocolError and closes the
// connection: later commands fail with ErrClosed. Server text in errors and
// in the trace is sanitized for a terminal, and the passwords, tokens and
// SASL payloads the client sent are replaced by "[redacted]": wherever they
// appear, or, for a secret under 8 bytes, wherever it stands as a word of its
// own (so that the password "pass" leaves "wrong password" readable).
//
// A Client is not safe for concurrent use, except Close, which may be called
// from any goroutine to abort a command in progress.
package pop3
