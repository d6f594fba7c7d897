package message

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// attachment lists (or extracts) one non-text part; displayName is used
// when the part has no file name.
func (w *walker) attachment(p *part, body io.Reader, displayName string) error {
	name := SanitizeLine(p.name)
	if name == "" {
		name = displayName
	}
	a := Attachment{Index: len(w.attachments), Name: name, Type: SanitizeLine(p.mediaType), Inline: p.disp == "inline"}
	w.attachments = append(w.attachments, a)
	if w.skipAttachments {
		return nil // the enclosing reader skips the rest of the part
	}
	r, _ := decodeTransfer(p.encoding, body)
	if w.extract && a.Index == w.target {
		w.result = w.found(a, r)
		return errStop
	}
	n, _ := io.Copy(io.Discard, r)
	w.attachments[a.Index].Size = n
	return nil
}

// attachedMessage renders a message/rfc822 part nested, with its own
// header lines, one quote level deeper; it is also listed as an attachment
// so that it can be saved.
func (w *walker) attachedMessage(o *out, p *part, body io.Reader) error {
	r, note := decodeTransfer(p.encoding, body)
	idx := len(w.attachments)
	w.attachments = append(w.attachments, Attachment{Index: idx, Type: p.mediaType, Inline: p.disp != "attachment"})
	// Read the inner header through a recorder so that, when this is the
	// attachment being extracted, its bytes can be given back.
	rec := &recorder{r: r}
	counter := &countingReader{r: rec}
	br := bufio.NewReader(counter)
	inner, bodyStart, herr := readHeader(br)
	name := SanitizeLine(p.name)
	if name == "" {
		subject := decodeText(inner.get("Subject"))
		if subject == "" {
			subject = "message"
		}
		name = truncateBytes(subject, 100) + ".eml"
	}
	w.attachments[idx].Name = name
	if w.extract && idx == w.target {
		w.result = w.found(w.attachments[idx], io.MultiReader(bytes.NewReader(rec.buf.Bytes()), r))
		return errStop
	}
	rec.stop()
	if herr != nil {
		if !w.extract {
			o.note("[attached message with a header larger than 1 MiB: not shown]", p.quote)
		}
		_, _ = io.Copy(io.Discard, br)
		w.attachments[idx].Size = counter.n
		return nil
	}
	q := p.quote + 1
	if !w.extract {
		if note != "" {
			o.note(note, p.quote)
		}
		o.blank(p.quote)
		o.note("[attached message]", p.quote)
		for _, k := range []string{"From", "Date", "Subject", "To", "Cc"} {
			if v := decodeText(inner.get(k)); v != "" {
				o.add(Line{Text: k + ": " + v, Kind: LineHeader, QuoteLevel: q})
			}
		}
		o.add(Line{Kind: LineQuote, QuoteLevel: q})
	}
	var inBody io.Reader = br
	if bodyStart != "" {
		inBody = io.MultiReader(strings.NewReader(bodyStart), br)
	}
	err := w.entity(o, inner, inBody, p.depth+1, q, "text/plain")
	if err == nil {
		_, _ = io.Copy(io.Discard, br)
		w.attachments[idx].Size = counter.n
	}
	return err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// recorder keeps every byte read through it until stop is called.
type recorder struct {
	r       io.Reader
	buf     bytes.Buffer
	stopped bool
}

func (rc *recorder) Read(b []byte) (int, error) {
	n, err := rc.r.Read(b)
	if !rc.stopped {
		rc.buf.Write(b[:n])
	}
	return n, err
}

// stop ends recording and frees the buffer.
func (rc *recorder) stop() { rc.stopped, rc.buf = true, bytes.Buffer{} }
