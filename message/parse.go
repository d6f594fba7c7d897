package message

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// Limits that keep a hostile message from costing more than a note.
const (
	// maxDepth bounds how deeply multiparts and attached messages nest.
	maxDepth = 20
	// maxParts bounds the MIME parts of one message.
	maxParts = 500
	// maxTextBytes bounds the decoded size of one text part rendered.
	maxTextBytes = 32 << 20
	// maxSearchText bounds what Text returns.
	maxSearchText = 1 << 20
)

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

// Line is one rendered logical line (a paragraph when Flowed). Text never
// holds the quote markers: QuoteLevel says how deeply the line is quoted
// (quoted text, or the content of an attached message), and Wrap adds "> "
// per level.
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
	// Index is the attachment's position in Message.Attachments (from 0),
	// the number WriteAttachment and SaveAttachment take.
	Index int
	Name  string // sanitized, for display; "" when the part has no name
	Type  string
	Size  int64 // decoded size
	// Inline is true for parts marked Content-Disposition: inline (such as
	// images an HTML body refers to).
	Inline bool
}

// Link is a numbered reference found in the body. HTML links show as
// "text [Number]" in the body and are listed in the LineLinkRef footer; URLs
// in plain text are collected too (they are visible as they are).
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

// errStop ends a walk early (part limit reached, attachment found).
var errStop = errors.New("stop walking")

// Parse reads and renders a whole message. Broken MIME, unknown charsets and
// over-limit parts render as notes; only a read error is returned.
//
// Summary.Date is given in opts.Location (time.Local by default), and
// Summary.HasAttachments is no longer a guess: it says whether a part is
// listed in Attachments that is not marked inline.
func Parse(r io.Reader, opts Options) (*Message, error) {
	w := &walker{opts: opts}
	o := newOut()
	h, err := w.walkMessage(r, o)
	if err != nil {
		return nil, err
	}
	m := &Message{
		Summary:     summarize(h),
		Headers:     allHeaders(h),
		Attachments: w.attachments,
		Links:       o.links,
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	if !m.Date.IsZero() {
		m.Date = m.Date.In(loc)
	}
	m.HasAttachments = false
	for _, a := range m.Attachments {
		m.HasAttachments = m.HasAttachments || !a.Inline
	}
	m.Body = o.lines
	if notes := headerNotes(h); len(notes) > 0 {
		m.Body = append(notes, o.lines...)
	}
	if len(o.lines) == 0 {
		if n := len(m.Attachments); n > 0 {
			m.Body = append(m.Body, Line{Text: fmt.Sprintf("[no text: %d attachment(s)]", n), Kind: LineNote})
		} else {
			m.Body = append(m.Body, Line{Text: "[empty message]", Kind: LineNote})
		}
	}
	m.Body = appendLinkFooter(m.Body, o)
	return m, nil
}

// headerNotes says when summary headers had undeclared 8-bit text that was
// read with a guessed charset.
func headerNotes(h header) []Line {
	for _, k := range []string{"From", "Subject", "To", "Cc"} {
		if _, guessed := decodeField(h.get(k)); guessed != "" && guessed != "UTF-8" {
			return []Line{{Text: "[header text without a declared charset: read as " + guessed + " (a guess)]", Kind: LineNote}}
		}
	}
	return nil
}

// appendLinkFooter lists the links that HTML text refers to as [n].
func appendLinkFooter(body []Line, o *out) []Line {
	body = slices.Grow(body, len(o.refs)+1)
	first := true
	for _, l := range o.links {
		if !o.refs[l.Number] {
			continue
		}
		if first {
			if len(body) > 0 && body[len(body)-1].Text != "" {
				body = append(body, Line{})
			}
			first = false
		}
		body = append(body, Line{Text: fmt.Sprintf("[%d] %s", l.Number, l.URL), Kind: LineLinkRef})
	}
	return body
}

// walker walks the MIME tree of one message: rendering text parts and
// listing attachments, or (extract mode) finding one attachment.
type walker struct {
	opts        Options
	parts       int
	attachments []Attachment
	readErr     error

	// extract mode: when found is set, text is not rendered and found is
	// called with the decoded content of attachment target.
	extract bool
	target  int
	found   func(Attachment, io.Reader) error
	result  error

	// skipAttachments lists attachments without decoding them (their
	// Size stays 0): SearchText needs only the text. skipText leaves out
	// the text of an alternative that cannot be the one shown.
	skipAttachments, skipText bool
}

// walkMessage reads the top-level header and walks the body into o. It
// returns the header, or an error when reading the input failed.
func (w *walker) walkMessage(r io.Reader, o *out) (header, error) {
	src := &recordingReader{r: r, w: w}
	// readHeader enforces maxHeaderBytes exactly; the reader's own limit
	// only stops a header that never ends, with room for bufio's read-ahead
	// so that a header just under the limit is not cut short.
	lr := &limitedReader{r: src, n: maxHeaderBytes + 64<<10}
	br := bufio.NewReader(lr)
	h, bodyStart, err := readHeader(br)
	if w.readErr != nil {
		return nil, fmt.Errorf("read message: %w", w.readErr)
	}
	if errors.Is(err, errHeaderTooBig) || lr.n <= 0 {
		o.note("[the header is larger than 1 MiB: the message is not shown]", 0)
		return h, nil
	}
	lr.n = math.MaxInt64
	var body io.Reader = br
	if bodyStart != "" {
		body = io.MultiReader(strings.NewReader(bodyStart), br)
	}
	if err := w.entity(o, h, body, 0, 0, "text/plain"); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if w.readErr != nil {
		return nil, fmt.Errorf("read message: %w", w.readErr)
	}
	return h, nil
}

// recordingReader remembers the first read error of the input, so that an
// I/O failure is returned even when MIME parsing swallowed it.
type recordingReader struct {
	r io.Reader
	w *walker
}

func (rr *recordingReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF && rr.w.readErr == nil {
		rr.w.readErr = err
	}
	return n, err
}

// limitedReader is io.LimitedReader with a remaining count the caller can
// raise once the header has been read.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// SearchText reads a whole message and returns the text a search index
// keeps of it, the same as Parse(r, Options{}).Text(), and whether it has
// attachments (any part listed in Message.Attachments, inline ones
// included). It is cheaper than Parse: attachments are skipped undecoded
// and the header list, summary and link footer are not built. Only an
// error reading the input is returned.
func SearchText(r io.Reader) (text string, attachments bool, err error) {
	w := &walker{skipAttachments: true}
	o := newOut()
	if _, err := w.walkMessage(r, o); err != nil {
		return "", false, err
	}
	// The footer itself is not search text, but the blank line before it is.
	return searchText(appendLinkFooter(o.lines, o)), len(w.attachments) > 0, nil
}
