// Package message turns raw RFC 5322 messages into sanitized terminal text:
// headers (RFC 5322, RFC 2047 encoded words, RFC 2231 parameters), MIME
// structure (RFC 2045-2049, with go-message's textproto reader), charsets
// read the way browsers read them (the WHATWG Encoding Standard), HTML
// converted to text with golang.org/x/net/html, format=flowed (RFC 3676),
// attachments (RFC 2183) and links. Nothing it returns contains a terminal
// control sequence: every string goes through Sanitize.
//
// Real mail is broken in many ways; this package never fails on content.
// Broken MIME, unknown charsets and parts over the limits (nesting depth,
// number of parts, header size, decoded size) render as notes (LineNote).
// Only an error reading the input is returned.
package message
