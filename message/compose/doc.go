// Package compose builds outgoing messages, the mirror of rendering: it turns
// a Draft into raw RFC 5322 bytes with github.com/emersion/go-message.
//
// What it writes: From, To and Cc with display names encoded as RFC 2047
// words, an RFC 2047 Subject, Date, a Message-ID in the sender's domain and
// MIME-Version; a text/plain; charset=utf-8; format=flowed body (RFC 3676),
// quoted-printable when it is not short-lined ASCII (RFC 2045); attachments
// in base64 with RFC 2231 file names and a guessed type, and attached
// messages as message/rfc822 (RFC 2046). Bcc never appears in the header: it
// is returned with the other recipients for the envelope (RFC 5322 section
// 3.6.3, the "Bcc removed" form); only a Drafts copy (Options.Draft) keeps
// it, in an X-Popterm-Bcc field that Resume reads back.
//
// It also derives drafts from a received message (Reply, Forward: RFC 5322
// section 3.6.4 threading, Reply-To and Mail-Followup-To honoured) and reads
// and writes the editable text form a user edits in $EDITOR (EditText,
// ParseEdited).
//
// Built messages use LF line ends, the store's convention; the submission
// client turns them into CRLF on the wire.
package compose
