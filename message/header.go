package message

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/textproto"
)

// maxHeaderBytes bounds one header block (the message's or a part's).
const maxHeaderBytes = 1 << 20

// errHeaderTooBig reports a header block over maxHeaderBytes.
var errHeaderTooBig = errors.New("header larger than 1 MiB")

// field is one raw header field: the key canonicalized, the value unfolded
// but not decoded.
type field struct {
	Key, Value string
}

// header is a header block in its original order.
type header []field

// get returns the first value of key, or "".
func (h header) get(key string) string {
	for _, f := range h {
		if strings.EqualFold(f.Key, key) {
			return f.Value
		}
	}
	return ""
}

// readHeader reads a header block with go-message's textproto reader,
// leniently, as mail readers do: a line with a bad key is skipped, and a line
// without a colon ends the header and is returned as the first body line
// (bodyStart). The error is a read error, or errHeaderTooBig when the block
// is over the limit; the fields read so far are returned with it.
func readHeader(br *bufio.Reader) (h header, bodyStart string, err error) {
	size := 0
	for {
		th, err := textproto.ReadHeader(br)
		n := len(h)
		h = appendFields(h, th)
		size += headerSize(h[n:])
		if size > maxHeaderBytes {
			return h, "", errHeaderTooBig
		}
		if err == nil {
			return h, "", nil
		}
		msg := err.Error()
		if line, ok := strings.CutPrefix(msg, "message: malformed MIME header line: "); ok {
			return h, line, nil
		}
		if !strings.HasPrefix(msg, "message: malformed MIME header") {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return h, "", nil // a header without a body
			}
			return h, "", err
		}
	}
}

// appendFields appends the fields of th (Fields iterates in the order
// they were read).
func appendFields(h header, th textproto.Header) header {
	for fs := th.Fields(); fs.Next(); {
		h = append(h, field{fs.Key(), fs.Value()})
	}
	return h
}

// headerSize is about (at most) the number of bytes h took in the message.
func headerSize(h header) int {
	n := 0
	for _, f := range h {
		n += len(f.Key) + len(f.Value) + 2
	}
	return n
}

// decodeField decodes a header value for display: undeclared 8-bit text is
// read as UTF-8 or a guessed charset (named in guessed), RFC 2047 words are
// decoded, and the result is sanitized to one line.
func decodeField(raw string) (text, guessed string) {
	if !utf8.ValidString(raw) {
		raw, guessed = guessDecode([]byte(raw))
	}
	return collapseSpace(SanitizeLine(decodeWords(raw))), guessed
}

// decodeText is decodeField without the guess's name.
func decodeText(raw string) string {
	s, _ := decodeField(raw)
	return s
}

// toUTF8 makes raw header bytes UTF-8 (guessing undeclared charsets) without
// decoding RFC 2047 words, for structured fields that are parsed first.
func toUTF8(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	s, _ := guessDecode([]byte(raw))
	return s
}

// collapseSpace trims s and turns runs of spaces into one.
func collapseSpace(s string) string {
	if !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// parseMsgIDs returns the <...> identifiers in v, sanitized; text without
// angle brackets is split on white space.
func parseMsgIDs(v string) []string {
	v = toUTF8(v)
	var ids []string
	for {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(v[i+1 : i+j]); id != "" {
			ids = append(ids, "<"+SanitizeLine(id)+">")
		}
		v = v[i+j+1:]
	}
	if len(ids) == 0 {
		for _, w := range strings.Fields(v) {
			ids = append(ids, SanitizeLine(w))
		}
	}
	return ids
}

// firstMsgID is the first identifier in v, or "".
func firstMsgID(v string) string {
	if ids := parseMsgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// ParseSummary decodes the summary from a header block (what TOP n 0 returns;
// a whole message works too). It never fails: broken headers give empty fields.
// Date keeps the zone the message was written in.
func ParseSummary(hdr []byte) Summary {
	if len(hdr) > maxHeaderBytes {
		hdr = hdr[:maxHeaderBytes]
	}
	h, _, _ := readHeader(bufio.NewReader(bytes.NewReader(hdr)))
	return summarize(h)
}

// summarize builds a Summary from a top-level header.
func summarize(h header) Summary {
	var s Summary
	if from := parseAddressList(h.get("From")); len(from) > 0 {
		s.From = from[0]
	} else if sender := parseAddressList(h.get("Sender")); len(sender) > 0 {
		s.From = sender[0]
	}
	s.To = parseAddressList(h.get("To"))
	s.Cc = parseAddressList(h.get("Cc"))
	s.Subject = decodeText(h.get("Subject"))
	s.Date = parseDate(toUTF8(h.get("Date")))
	s.MessageID = firstMsgID(h.get("Message-Id"))
	s.InReplyTo = firstMsgID(h.get("In-Reply-To"))
	s.References = parseMsgIDs(h.get("References"))
	s.HasAttachments = guessAttachments(h)
	return s
}

// guessAttachments guesses from the top-level header whether the message
// has attachments: multipart/mixed, a non-text single part, or Outlook's
// X-MS-Has-Attach.
func guessAttachments(h header) bool {
	if strings.EqualFold(strings.TrimSpace(h.get("X-MS-Has-Attach")), "yes") {
		return true
	}
	ct := h.get("Content-Type")
	if ct == "" {
		return false
	}
	mt, _ := parseMediaType(ct)
	switch {
	case mt == "multipart/mixed":
		return true
	case strings.HasPrefix(mt, "application/"), strings.HasPrefix(mt, "image/"),
		strings.HasPrefix(mt, "audio/"), strings.HasPrefix(mt, "video/"):
		return true
	}
	return false
}

// allHeaders decodes every field for the "show all headers" view.
func allHeaders(h header) []Header {
	out := make([]Header, 0, len(h))
	for _, f := range h {
		out = append(out, Header{Key: SanitizeLine(f.Key), Value: decodeText(f.Value)})
	}
	return out
}

// Address is a decoded mailbox. String gives "Name <addr>" or "addr".
type Address struct {
	Name string
	Addr string
}

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
