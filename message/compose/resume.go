package compose

import "github.com/popterm/popterm/message"

// Resume returns the draft a postponed message (from Drafts) was built
// from: its recipients (the Bcc from its DraftBccHeader), subject,
// threading, text and attachments, from id.
func Resume(raw []byte, id Identity) (*Draft, error) {
	o, err := parseOriginal(raw)
	if err != nil {
		return nil, err
	}
	subject, _ := o.h.Subject()
	d := &Draft{From: id.From, Subject: subject, To: o.addresses("To"), Cc: o.addresses("Cc"), Bcc: append(o.addresses("Bcc"), o.addresses(DraftBccHeader)...)}
	if ids, _ := o.h.MsgIDList("In-Reply-To"); len(ids) > 0 {
		d.InReplyTo = ids[0]
	}
	d.References, _ = o.h.MsgIDList("References")
	var lines []message.Line
	for _, l := range o.rendered.Body {
		if l.Kind != message.LineNote && l.Kind != message.LineLinkRef {
			lines = append(lines, l)
		}
	}
	d.Body = plainText(lines)
	if d.Attachments, err = attachmentsOf(o); err != nil {
		return nil, err
	}
	return d, nil
}
