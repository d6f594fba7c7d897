// Package submit is popterm's mail submission client (RFC 6409) over
// github.com/emersion/go-smtp: implicit TLS (RFC 8314) or STARTTLS (RFC
// 3207) verified with the caller's tls.Config, SMTP AUTH (RFC 4954) with
// PLAIN, LOGIN, XOAUTH2 or OAUTHBEARER (RFC 7628), 8BITMIME (RFC 6152) and
// SMTPUTF8 (RFC 6531) when offered, and the SIZE limit (RFC 1870) checked
// before DATA. One Client sends any number of messages on one connection.
//
// Security: credentials never cross a connection without TLS unless
// Options.AllowCleartext says so, and a server that does not offer STARTTLS
// to a STARTTLS account gets nothing (ErrNoSTARTTLS). Every step runs under
// Options.Timeout and the context.
//
// Errors are *Error values whose Kind says what the caller should do: retry
// later (Temporary: 4xx replies, timeouts, no network), give up on the
// message (Permanent: 5xx replies), ask for other credentials (Credentials),
// or fix the account's settings (Setup). Server text in errors is sanitized.
package submit
