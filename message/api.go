// Package message turns raw RFC 5322 messages into sanitized terminal text:
// headers (RFC 2047, RFC 2231), MIME structure (RFC 2045-2049), charsets read
// the way browsers read them (WHATWG), HTML converted to text, format=flowed
// (RFC 3676), attachments and links. Nothing it returns contains a terminal
// control sequence.
package message

// CONTRACT STUB: the exported names below are the package's contract with the
// rest of popterm (cache, mailbox, ui, cmd). The message owner replaces the
// bodies and may add to the API, but must not remove or rename these names.

import (
	"io"
	"time"
)

// Address is a decoded mailbox. String gives "Name <addr>" or "addr".
type Address struct {
	Name string
	Addr string
}

func (a Address) String() string { panic("unimplemented") }

// Summary holds the headers an index needs, decoded and sanitized.
type Summary struct {
	From       Address
	To, Cc     []Address
	Subject    string
	Date       time.Time // zero when missing or unparseable
	MessageID  string
	InReplyTo  string
	References []string
	// HasAttachments is a best guess from the header (multipart/mixed).
	HasAttachments bool
}

// ParseSummary decodes the summary from a header block (what TOP n 0 returns;
// a whole message works too). It never fails: broken headers give empty fields.
func ParseSummary(header []byte) Summary { panic("unimplemented") }

// Options tune rendering.
type Options struct {
	PreferHTML bool
	// Location for dates (default time.Local).
	Location *time.Location
}

// LineKind says what a rendered line is, so the UI can style it.
type LineKind int

// Line kinds.
const (
	LineText LineKind = iota
	LineQuote
	LineSignature
	LineNote // popterm's own remark, e.g. "[unknown charset x-foo]"
	LineHeader
	LineLinkRef
)

// Line is one rendered logical line (a paragraph when Flowed).
type Line struct {
	Text       string
	Kind       LineKind
	QuoteLevel int
	// Flowed lines may be reflowed to any width.
	Flowed bool
}

// Header is one header field, decoded and sanitized.
type Header struct{ Key, Value string }

// Attachment describes one attachment (or non-text part).
type Attachment struct {
	Index  int
	Name   string // sanitized, for display
	Type   string
	Size   int64 // decoded size
	Inline bool
}

// Link is a numbered reference found in the body.
type Link struct {
	Number int
	URL    string
	Text   string
}

// Message is a parsed, rendered message.
type Message struct {
	Summary
	Headers     []Header
	Body        []Line
	Attachments []Attachment
	Links       []Link
}

// Parse reads and renders a whole message. Broken MIME, unknown charsets and
// over-limit parts render as notes; only a read error is returned.
func Parse(r io.Reader, opts Options) (*Message, error) { panic("unimplemented") }

// Wrap lays the body out for a width, reflowing flowed lines.
func (m *Message) Wrap(width int) []Line { panic("unimplemented") }

// Text returns the body as plain text for full-text search.
func (m *Message) Text() string { panic("unimplemented") }

// WriteAttachment parses the raw message again and writes the decoded content
// of attachment index to w.
func WriteAttachment(raw io.Reader, index int, w io.Writer) error { panic("unimplemented") }

// SaveAttachment writes attachment index into dir under a safe, unused name
// and returns the path.
func SaveAttachment(raw io.Reader, index int, dir string) (string, error) {
	panic("unimplemented")
}

// Sanitize removes terminal control sequences, C0/C1 controls (but newline and
// tab) and bidi overrides from s.
func Sanitize(s string) string { panic("unimplemented") }

// SafeFilename reduces a name to a safe base name.
func SafeFilename(name string) string { panic("unimplemented") }

// DownloadDir returns $XDG_DOWNLOAD_DIR or ~/Downloads.
func DownloadDir() string { panic("unimplemented") }
