// Package message turns raw RFC 5322 messages into sanitized terminal text:
// headers (RFC 5322, RFC 2047 encoded words, RFC 2231 parameters), MIME
// structure (RFC 2045-2049, with go-message's textproto reader), charsets
// read the way browsers read them (the WHATWG Encoding Standard, plus the
// aliases mail uses), HTML converted to text with golang.org/x/net/html,
// format=flowed (RFC 3676), attachments (RFC 2183) and links. Nothing it
// returns contains a terminal control sequence: every string goes through
// Sanitize.
//
// Real mail is broken in many ways; this package never fails on content.
// Broken MIME, unknown or wrong charsets and parts over the limits render
// as notes (LineNote). Only an error reading the input is returned. The
// limits: 20 levels of nesting, 500 parts, 1 MiB per header block, 32 MiB
// of decoded text per part, 2,000 links, and 1 MiB of search text.
//
// Nothing is fetched from the network: remote images are shown as their
// alt text, and only http, https, ftp and mailto links are collected.
//
// The package keeps no global state and never sets go-message's global
// message.CharsetReader: it decodes transfer encodings and charsets itself.
package message
