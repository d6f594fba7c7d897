package compose

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"path/filepath"
	"strings"
	"time"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
)

// maxHeaderLine is RFC 5322's line length limit; longer body lines force
// quoted-printable.
const maxHeaderLine = 998

// Attachment is one file or message carried by a Draft.
type Attachment struct {
	// Name is the file name the recipient sees (RFC 2231 encoded when it is
	// not ASCII). Only its last path element is used.
	Name string
	// Type is the MIME type; "" guesses it from Name, then from Data.
	Type string
	// Data is the attachment's content.
	Data []byte
}

// Draft is a message being written. Addresses use net/mail's Address (the
// type go-message's mail package aliases).
type Draft struct {
	From        *mail.Address
	To, Cc, Bcc []*mail.Address
	Subject     string
	Body        string // plain text; any line end
	InReplyTo   string // a message ID without angle brackets
	References  []string
	Attachments []Attachment
	// Date is the message date; zero means the time of Build.
	Date time.Time
	// MessageID is the message ID without angle brackets; "" generates one
	// in the domain of From.
	MessageID string
}

// Options make Build deterministic in tests.
type Options struct {
	// Now gives the date of a Draft without one (time.Now by default).
	Now func() time.Time
	// Rand gives the random bytes of Message-IDs and MIME boundaries
	// (crypto/rand by default).
	Rand io.Reader
	// Draft builds a Drafts copy: its Bcc is kept in a DraftBccHeader
	// field, which Resume reads back. Never set it for a message to queue
	// or send: that field would tell every recipient the Bcc.
	Draft bool
}

// DraftBccHeader is the field that keeps the Bcc of a Drafts copy (see
// Options.Draft); Resume restores it and builds without it.
const DraftBccHeader = "X-Popterm-Bcc"

// Built is a message ready for submission.
type Built struct {
	// Raw is the whole message with LF line ends, without Bcc.
	Raw []byte
	// From is the envelope sender (MAIL FROM): the address of Draft.From.
	From string
	// Recipients are the envelope recipients (RCPT TO): the addresses of To,
	// Cc and Bcc, each once, in that order.
	Recipients []string
	// MessageID is the Message-ID without angle brackets.
	MessageID string
}

// ErrNoRecipient is returned for a draft without To, Cc or Bcc.
var ErrNoRecipient = errors.New("compose: the message has no recipient: add a To, Cc or Bcc address")

// Build checks d and writes the message.
func Build(d *Draft, opts *Options) (*Built, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if d.From == nil || !validAddr(d.From.Address) {
		return nil, errors.New("compose: the message has no valid From address: set `from` for the account")
	}
	rcpts, err := recipients(d)
	if err != nil {
		return nil, err
	}
	id := d.MessageID
	if id == "" {
		if id, err = newMessageID(d.From.Address, o.Rand); err != nil {
			return nil, err
		}
	}
	date := d.Date
	if date.IsZero() {
		date = o.Now()
	}

	// go-message writes fields in the reverse order of setting them.
	text := []byte(Flowed(d.Body))
	var h gomail.Header
	var mixed string
	if len(d.Attachments) == 0 {
		setTextType(&h.Header, text)
	} else {
		if mixed, err = boundary(o.Rand); err != nil {
			return nil, err
		}
		h.SetContentType("multipart/mixed", map[string]string{"boundary": mixed})
	}
	h.Set("MIME-Version", "1.0")
	if len(d.References) > 0 {
		h.SetMsgIDList("References", d.References)
	}
	if d.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{d.InReplyTo})
	}
	h.SetMessageID(id)
	h.SetSubject(d.Subject)
	if o.Draft && len(d.Bcc) > 0 {
		h.SetAddressList(DraftBccHeader, d.Bcc)
	}
	h.SetAddressList("Cc", d.Cc)
	h.SetAddressList("To", d.To)
	h.SetAddressList("From", []*mail.Address{d.From})
	h.SetDate(date)

	var buf bytes.Buffer
	if len(d.Attachments) == 0 {
		w, err := gomessage.CreateWriter(&buf, h.Header)
		if err != nil {
			return nil, fmt.Errorf("compose: writing the header: %w", err)
		}
		if err := writeAll(w, text); err != nil {
			return nil, err
		}
	} else {
		w, err := gomessage.CreateWriter(&buf, h.Header)
		if err != nil {
			return nil, fmt.Errorf("compose: writing the header: %w", err)
		}
		var th gomessage.Header
		setTextType(&th, text)
		th.Set("Content-Disposition", "inline")
		if err := writePart(w, th, text); err != nil {
			return nil, err
		}
		for _, a := range d.Attachments {
			if err := writePart(w, attachmentHeader(a), a.Data); err != nil {
				return nil, fmt.Errorf("compose: attachment %q: %w", a.Name, err)
			}
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("compose: closing the message: %w", err)
		}
	}
	raw := bytes.ReplaceAll(buf.Bytes(), []byte("\r\n"), []byte("\n"))
	return &Built{Raw: raw, From: d.From.Address, Recipients: rcpts, MessageID: id}, nil
}

// writePart writes one part of a multipart message.
func writePart(w *gomessage.Writer, h gomessage.Header, data []byte) error {
	pw, err := w.CreatePart(h)
	if err != nil {
		return fmt.Errorf("compose: creating a part: %w", err)
	}
	return writeAll(pw, data)
}

// writeAll writes data and closes w (which flushes its encoder).
func writeAll(w io.WriteCloser, data []byte) error {
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("compose: writing the body: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("compose: finishing the body: %w", err)
	}
	return nil
}

// setTextType sets the text part's type and the lightest transfer encoding
// that keeps it intact: 7bit for ASCII with short lines, else
// quoted-printable.
func setTextType(h *gomessage.Header, text []byte) {
	enc := "7bit"
	for _, line := range bytes.Split(text, []byte("\n")) {
		if len(line) > maxHeaderLine || !isASCII(line) {
			enc = "quoted-printable"
			break
		}
	}
	h.Set("Content-Transfer-Encoding", enc)
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8", "format": "flowed"})
}

// attachmentHeader gives an attachment's part header. A message/rfc822 part
// is sent as it is (RFC 2046 forbids encoding it), anything else in base64.
func attachmentHeader(a Attachment) gomessage.Header {
	var h gomessage.Header
	typ := a.Type
	if typ == "" {
		typ = GuessType(a.Name, a.Data)
	}
	name := filepath.Base(strings.ReplaceAll(a.Name, `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	mediaType, params, err := mime.ParseMediaType(typ)
	if err != nil {
		mediaType, params = "application/octet-stream", nil
	}
	h.SetContentType(mediaType, params)
	disp := map[string]string{}
	if name != "" {
		disp["filename"] = name
	}
	// mime.FormatMediaType writes a non-ASCII name as RFC 2231 says
	// (filename*=utf-8''...), where go-message would use RFC 2047 words.
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", disp))
	if strings.EqualFold(mediaType, "message/rfc822") {
		enc := "7bit"
		if !isASCII(a.Data) {
			enc = "8bit"
		}
		h.Set("Content-Transfer-Encoding", enc)
	} else {
		h.Set("Content-Transfer-Encoding", "base64")
	}
	return h
}

// GuessType guesses a MIME type from a file name's extension, then from the
// content (net/http's sniffing), else application/octet-stream.
func GuessType(name string, data []byte) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	if len(data) == 0 {
		return "application/octet-stream"
	}
	return http.DetectContentType(data)
}

// recipients lists the envelope recipients and checks every address.
func recipients(d *Draft) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]*mail.Address{d.To, d.Cc, d.Bcc} {
		for _, a := range list {
			if a == nil || !validAddr(a.Address) {
				return nil, fmt.Errorf("compose: %q is not a valid address", addrString(a))
			}
			key := strings.ToLower(a.Address)
			if !seen[key] {
				seen[key] = true
				out = append(out, a.Address)
			}
		}
	}
	if len(out) == 0 {
		return nil, ErrNoRecipient
	}
	return out, nil
}

func addrString(a *mail.Address) string {
	if a == nil {
		return ""
	}
	return a.Address
}

// validAddr checks an addr-spec: local@domain, no spaces, controls or
// brackets (a line break in it would inject SMTP commands).
func validAddr(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || len(addr) > 320 {
		return false
	}
	for _, r := range addr {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("<>,;", r) {
			return false
		}
	}
	return true
}

// Domain returns the domain of an address ("localhost" when it has none).
func Domain(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && at < len(addr)-1 {
		return addr[at+1:]
	}
	return "localhost"
}

// newMessageID returns a random ID in the domain of from.
func newMessageID(from string, r io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("compose: making a Message-ID: %w", err)
	}
	return "popterm." + hex.EncodeToString(b[:]) + "@" + Domain(from), nil
}

// boundary returns a random MIME boundary. "=_" cannot occur in
// quoted-printable or base64 text.
func boundary(r io.Reader) (string, error) {
	var b [15]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("compose: making a MIME boundary: %w", err)
	}
	return "=_" + hex.EncodeToString(b[:]), nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
