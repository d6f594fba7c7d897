package compose

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"github.com/popterm/popterm/message"
)

// maxReferences is how many message IDs a reply's References keeps: the
// thread's first and the newest nine, as mutt trims them.
const maxReferences = 10

// Identity is the user sending: the From of new messages, the addresses a
// reply-all leaves out, and the signature.
type Identity struct {
	From *mail.Address
	// Alternates are the user's other addresses (compared case-insensitively
	// with From's, which is always the user's).
	Alternates []string
	// Signature is appended below "-- " when not empty.
	Signature string
}

// isMe reports whether addr is one of the user's addresses.
func (id Identity) isMe(addr string) bool {
	if id.From != nil && strings.EqualFold(addr, id.From.Address) {
		return true
	}
	for _, a := range id.Alternates {
		if strings.EqualFold(addr, a) {
			return true
		}
	}
	return false
}

// Sign appends the signature, if any, to body below "-- ".
func (id Identity) Sign(body string) string {
	sig := strings.TrimRight(strings.ReplaceAll(id.Signature, "\r\n", "\n"), "\n")
	sig = strings.TrimPrefix(strings.TrimPrefix(sig, "-- \n"), "--\n")
	if sig == "" {
		return body
	}
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return body + "\n-- \n" + sig + "\n"
}

// New returns an empty draft from the user, signed.
func New(id Identity) *Draft {
	return &Draft{From: id.From, Body: id.Sign("\n")}
}

// original is a received message: its raw header and its rendering.
type original struct {
	h        gomail.Header
	rendered *message.Message
	raw      []byte
}

// parseOriginal reads raw for Reply and Forward.
func parseOriginal(raw []byte) (*original, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errNoOriginal
	}
	th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, fmt.Errorf("compose: reading the original's header: %w", err)
	}
	m, err := message.Parse(bytes.NewReader(raw), message.Options{})
	if err != nil {
		return nil, fmt.Errorf("compose: reading the original: %w", err)
	}
	return &original{h: gomail.Header{Header: gomessage.Header{Header: th}}, rendered: m, raw: raw}, nil
}

// addresses returns a header's address list, or nil when it is missing or
// unparseable.
func (o *original) addresses(key string) []*mail.Address {
	l, err := o.h.AddressList(key)
	if err != nil {
		return nil
	}
	return l
}

// replyPrefix matches the reply prefixes mail clients put in front of a
// subject ("Re:", "RE[2]:", "Aw:", "Sv:").
var replyPrefix = regexp.MustCompile(`(?i)^\s*(re|aw|sv)(\[\d+\])?\s*:\s*`)

// ReplySubject puts one "Re: " before the original subject.
func ReplySubject(subject string) string {
	for replyPrefix.MatchString(subject) {
		subject = replyPrefix.ReplaceAllString(subject, "")
	}
	return "Re: " + strings.TrimSpace(subject)
}

// ForwardSubject puts "Fwd: " before the original subject, unless the
// subject already starts with it.
func ForwardSubject(subject string) string {
	subject = strings.TrimSpace(subject)
	if l := strings.ToLower(subject); strings.HasPrefix(l, "fwd:") || strings.HasPrefix(l, "fw:") {
		return subject
	}
	return "Fwd: " + subject
}

// Reply returns a reply to the raw message orig, signed by id.
//
// The reply goes to Reply-To, else From (to the original recipients when the
// user sent the original). A reply to all goes to Mail-Followup-To when the
// original has one, else it copies the original's To and Cc; the user's own
// addresses are left out. The subject gets one "Re: ", In-Reply-To and
// References thread it (References trimmed to ten IDs), and the body is the
// original's rendered text quoted with "> " under an attribution line.
func Reply(orig []byte, id Identity, all bool) (*Draft, error) {
	o, err := parseOriginal(orig)
	if err != nil {
		return nil, err
	}
	d := &Draft{From: id.From}
	subject, _ := o.h.Subject()
	d.Subject = ReplySubject(subject)

	from := o.addresses("From")
	fromMe := len(from) > 0 && id.isMe(from[0].Address)
	switch mft := o.addresses("Mail-Followup-To"); {
	case all && len(mft) > 0:
		d.To = mft
	case len(o.addresses("Reply-To")) > 0:
		d.To = o.addresses("Reply-To")
	case fromMe:
		d.To = o.addresses("To")
	default:
		d.To = from
	}
	if all && len(o.addresses("Mail-Followup-To")) == 0 {
		d.Cc = append(o.addresses("To"), o.addresses("Cc")...)
	}
	seen := map[string]bool{}
	d.To = dedupe(d.To, id, seen)
	d.Cc = dedupe(d.Cc, id, seen)
	if len(d.To) == 0 && len(d.Cc) > 0 {
		d.To, d.Cc = d.Cc[:1], d.Cc[1:]
	}
	if len(d.To) == 0 && fromMe {
		d.To = from // a note to self
	}

	if msgID, err := o.h.MessageID(); err == nil && msgID != "" {
		d.InReplyTo = msgID
		refs, _ := o.h.MsgIDList("References")
		if len(refs) == 0 {
			refs, _ = o.h.MsgIDList("In-Reply-To")
		}
		d.References = trimReferences(append(refs, msgID))
	}
	d.Body = id.Sign(attribution(o) + "\n" + quote(o.rendered) + "\n")
	return d, nil
}

// dedupe drops the user's addresses and those already seen.
func dedupe(list []*mail.Address, id Identity, seen map[string]bool) []*mail.Address {
	var out []*mail.Address
	for _, a := range list {
		key := strings.ToLower(a.Address)
		if seen[key] || id.isMe(a.Address) {
			continue
		}
		seen[key] = true
		out = append(out, a)
	}
	return out
}

// trimReferences keeps the first ID and the newest ones, ten in all.
func trimReferences(refs []string) []string {
	if len(refs) <= maxReferences {
		return refs
	}
	return append([]string{refs[0]}, refs[len(refs)-maxReferences+1:]...)
}

// attribution is the line above the quote: "On <date>, <sender> wrote:".
func attribution(o *original) string {
	who := "someone"
	if f := o.rendered.From; f.Addr != "" || f.Name != "" {
		who = f.String()
	}
	if o.rendered.Date.IsZero() {
		return who + " wrote:"
	}
	return "On " + o.rendered.Date.Format("Mon, 2 Jan 2006 15:04 -0700") + ", " + who + " wrote:"
}

// quote renders m's text with "> " before every line (one more per quote
// level), without popterm's notes, link footer and the signature.
func quote(m *message.Message) string {
	var b strings.Builder
	for _, l := range textLines(m) {
		b.WriteString(">")
		b.WriteString(strings.Repeat(">", l.QuoteLevel))
		if l.Text != "" {
			b.WriteString(" ")
			b.WriteString(l.Text)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// textLines are the lines of m worth quoting or forwarding.
func textLines(m *message.Message) []message.Line {
	var out []message.Line
	for _, l := range m.Body {
		switch l.Kind {
		case message.LineNote, message.LineLinkRef, message.LineSignature:
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1].Text) == "" && out[len(out)-1].QuoteLevel == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// Forward returns a draft forwarding the raw message orig, signed by id.
// Inline, the body holds the original's main header fields and its rendered
// text, and its attachments are attached again; asAttachment attaches the
// whole original as message/rfc822 instead.
func Forward(orig []byte, id Identity, asAttachment bool) (*Draft, error) {
	o, err := parseOriginal(orig)
	if err != nil {
		return nil, err
	}
	subject, _ := o.h.Subject()
	d := &Draft{From: id.From, Subject: ForwardSubject(subject)}
	if asAttachment {
		name := message.SafeFilename(strings.TrimSpace(subject))
		if name == "" {
			name = "message"
		}
		d.Attachments = []Attachment{{Name: name + ".eml", Type: "message/rfc822", Data: orig}}
		d.Body = id.Sign("\n")
		return d, nil
	}
	var b strings.Builder
	b.WriteString("\n\n---------- Forwarded message ----------\n")
	m := o.rendered
	field := func(key, value string) {
		if value != "" {
			b.WriteString(key + ": " + value + "\n")
		}
	}
	field("From", m.From.String())
	if !m.Date.IsZero() {
		field("Date", m.Date.Format("Mon, 2 Jan 2006 15:04:05 -0700"))
	}
	field("Subject", m.Subject)
	field("To", joinAddresses(m.To))
	field("Cc", joinAddresses(m.Cc))
	b.WriteString("\n")
	b.WriteString(plainText(textLines(m)))
	d.Body = id.Sign(b.String())
	if d.Attachments, err = attachmentsOf(o); err != nil {
		return nil, err
	}
	return d, nil
}

// plainText writes rendered lines back as text, quotes with ">" again.
func plainText(lines []message.Line) string {
	var b strings.Builder
	for _, l := range lines {
		if l.QuoteLevel > 0 {
			b.WriteString(strings.Repeat(">", l.QuoteLevel) + " ")
		}
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

// attachmentsOf decodes the attachments of a message, to send them again.
func attachmentsOf(o *original) ([]Attachment, error) {
	var out []Attachment
	for _, a := range o.rendered.Attachments {
		var data bytes.Buffer
		if err := message.WriteAttachment(bytes.NewReader(o.raw), a.Index, &data); err != nil {
			return nil, fmt.Errorf("compose: reading attachment %d: %w", a.Index+1, err)
		}
		out = append(out, Attachment{Name: a.Name, Type: a.Type, Data: data.Bytes()})
	}
	return out, nil
}

func joinAddresses(l []message.Address) string {
	s := make([]string, len(l))
	for i, a := range l {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// errNoOriginal is returned by Reply and Forward for an empty message.
var errNoOriginal = errors.New("compose: the original message is empty")
