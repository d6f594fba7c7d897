package message

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// rawFallbackBytes bounds the raw text shown for a multipart whose parts
// cannot be found.
const rawFallbackBytes = 64 << 10

// part is what the walker knows about one MIME entity.
type part struct {
	mediaType string
	params    map[string]string
	disp      string
	name      string // decoded file name, not yet sanitized
	encoding  string // Content-Transfer-Encoding, lower case
	depth     int
	quote     int
}

// newPart reads the MIME fields of h.
func newPart(h header, depth, quote int, defaultType string) *part {
	p := &part{depth: depth, quote: quote}
	ct := h.get("Content-Type")
	if strings.TrimSpace(ct) == "" {
		ct = defaultType
	}
	p.mediaType, p.params = parseMediaType(ct)
	if !strings.Contains(p.mediaType, "/") {
		if p.mediaType == "text" || p.mediaType == "" {
			p.mediaType = "text/plain"
		} else {
			p.mediaType = "application/octet-stream"
		}
	}
	disp, dparams := parseMediaType(h.get("Content-Disposition"))
	p.disp = disp
	p.name = dparams["filename"]
	if p.name == "" {
		p.name = p.params["name"]
	}
	p.encoding = strings.ToLower(strings.TrimSpace(h.get("Content-Transfer-Encoding")))
	return p
}

// inlineText reports text parts shown in the body.
func (p *part) inlineText() bool {
	if p.disp == "attachment" && p.depth > 0 {
		return false
	}
	switch p.mediaType {
	case "text/plain", "text/html", "text/enriched", "text/richtext", "text/markdown",
		"text/x-markdown", "text/rfc822-headers", "text/x-moz-deleted",
		"message/delivery-status", "message/disposition-notification": // bounce reports
		return true
	}
	return p.depth == 0 && strings.HasPrefix(p.mediaType, "text/")
}

// entity renders (or, in extract mode, searches) one MIME entity whose raw
// body is body. It recovers from a panic in parsing code and turns it into
// a note; it returns errStop to end the walk, or nil.
func (w *walker) entity(o *out, h header, body io.Reader, depth, quote int, defaultType string) (err error) {
	w.parts++
	if w.parts > maxParts {
		if w.parts == maxParts+1 && !w.extract {
			o.note(fmt.Sprintf("[more than %d parts: the rest is not shown]", maxParts), quote)
		}
		return errStop
	}
	if depth > maxDepth {
		if !w.extract {
			o.note(fmt.Sprintf("[parts nested more than %d levels deep are not shown]", maxDepth), quote)
		}
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			if !w.extract {
				o.note("[this part could not be shown: it broke the MIME parser]", quote)
			}
			err = nil
		}
	}()
	p := newPart(h, depth, quote, defaultType)
	switch {
	case strings.HasPrefix(p.mediaType, "multipart/"):
		return w.multipart(o, p, body)
	case p.mediaType == "message/rfc822" || p.mediaType == "message/global":
		return w.attachedMessage(o, p, body)
	case p.inlineText():
		if w.extract {
			return nil
		}
		w.textPart(o, p, body)
		return nil
	}
	return w.attachment(p, body, "")
}

// decodeTransfer undoes the Content-Transfer-Encoding. An unknown encoding
// gives the raw bytes and a note.
func decodeTransfer(enc string, body io.Reader) (io.Reader, string) {
	switch enc {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Filter{r: body}), ""
	case "quoted-printable":
		return quotedprintable.NewReader(body), ""
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit":
		return body, ""
	}
	return body, "[unknown transfer encoding " + sanitizeLine(truncateBytes(enc, 40)) + ": shown undecoded]"
}

// base64Filter drops everything but the base64 alphabet and "=", as mail
// readers do with line breaks, spaces and stray characters.
type base64Filter struct{ r io.Reader }

func (f *base64Filter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if isBase64Byte(c) || c == '=' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// readLimited reads up to limit bytes and reports whether there was more.
func readLimited(r io.Reader, limit int64) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, err
	}
	return data, false, err
}

// textPart decodes and renders one text part.
func (w *walker) textPart(o *out, p *part, body io.Reader) {
	o.blank(p.quote) // between consecutive inline parts
	r, note := decodeTransfer(p.encoding, body)
	if note != "" {
		o.note(note, p.quote)
	}
	data, truncated, err := readLimited(r, maxTextBytes)
	html := p.mediaType == "text/html"
	charset, declared := p.params["charset"]
	if html && !declared {
		charset = sniffHTMLCharset(data)
	}
	text, cnote := decodeCharset(data, charset)
	if cnote != "" {
		o.note(cnote, p.quote)
	}
	if html {
		o.sawHTML = true
		htmlLines(o, text, p.quote)
	} else {
		o.sawPlain = true
		flowed := strings.EqualFold(p.params["format"], "flowed")
		delsp := strings.EqualFold(p.params["delsp"], "yes")
		plainLines(o, text, p.quote, flowed, delsp)
	}
	if truncated {
		o.note("[this part is larger than 32 MiB: the rest is not shown]", p.quote)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		o.note("[this part is damaged ("+sanitizeLine(truncateBytes(err.Error(), 80))+"): the rest is not shown]", p.quote)
	}
}

// attachment lists (or extracts) one non-text part; displayName is used
// when the part has no file name.
func (w *walker) attachment(p *part, body io.Reader, displayName string) error {
	name := sanitizeLine(p.name)
	if name == "" {
		name = displayName
	}
	a := Attachment{Index: len(w.attachments), Name: name, Type: sanitizeLine(p.mediaType), Inline: p.disp == "inline"}
	w.attachments = append(w.attachments, a)
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
	name := sanitizeLine(p.name)
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

// prefixRecorder keeps the first bytes read through it.
type prefixRecorder struct {
	r   io.Reader
	buf bytes.Buffer
}

func (p *prefixRecorder) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if room := rawFallbackBytes - p.buf.Len(); room > 0 {
		p.buf.Write(b[:min(n, room)])
	}
	return n, err
}

// multipart walks the parts of a multipart entity. multipart/alternative
// shows one alternative; every other subtype shows its parts in order.
func (w *walker) multipart(o *out, p *part, body io.Reader) error {
	boundary := p.params["boundary"]
	if boundary == "" {
		if !w.extract {
			o.note("[multipart without a boundary: shown as text]", p.quote)
			w.rawText(o, p, body)
		}
		return nil
	}
	rec := &prefixRecorder{r: body}
	mr := textproto.NewMultipartReader(rec, boundary)
	defaultType := "text/plain"
	if p.mediaType == "multipart/digest" {
		defaultType = "message/rfc822"
	}
	alternative := p.mediaType == "multipart/alternative"
	var alts []*out
	count := 0
	for {
		tp, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if w.readErr != nil {
				return errStop
			}
			if !w.extract {
				if count == 0 {
					o.note("[broken multipart: no parts found; shown as text]", p.quote)
					w.rawText(o, p, bytes.NewReader(rec.buf.Bytes()))
				} else if !strings.HasSuffix(err.Error(), "EOF") {
					o.note("[broken multipart: the rest of it is not shown]", p.quote)
				}
			}
			break
		}
		count++
		ph := appendFields(nil, tp.Header)
		if headerSize(ph) > maxHeaderBytes {
			if !w.extract {
				o.note("[a part header is larger than 1 MiB: that part is not shown]", p.quote)
			}
			w.parts++
			continue
		}
		target := o
		if alternative && !w.extract {
			target = o.fork()
			alts = append(alts, target)
		}
		if err := w.entity(target, ph, tp, p.depth+1, p.quote, defaultType); err != nil {
			if alternative && !w.extract {
				o.adopt(chooseAlternative(alts, w.opts.PreferHTML))
			}
			return err
		}
	}
	if alternative && !w.extract && len(alts) > 0 {
		o.adopt(chooseAlternative(alts, w.opts.PreferHTML))
	}
	return nil
}

// chooseAlternative picks the alternative to show: the first plain-text
// one with visible text, unless HTML is preferred (then the last HTML one
// with visible text); else the last one with visible text; else the last.
func chooseAlternative(alts []*out, preferHTML bool) *out {
	if !preferHTML {
		for _, a := range alts {
			if a.sawPlain && !a.sawHTML && hasVisibleText(a.lines) {
				return a
			}
		}
	} else {
		for i := len(alts) - 1; i >= 0; i-- {
			if alts[i].sawHTML && hasVisibleText(alts[i].lines) {
				return alts[i]
			}
		}
	}
	for i := len(alts) - 1; i >= 0; i-- {
		if hasVisibleText(alts[i].lines) {
			return alts[i]
		}
	}
	return alts[len(alts)-1]
}

// rawText shows the raw body of a broken part as plain text.
func (w *walker) rawText(o *out, p *part, body io.Reader) {
	data, truncated, _ := readLimited(body, rawFallbackBytes)
	text, _ := guessDecode(data)
	o.sawPlain = true
	plainLines(o, text, p.quote, false, false)
	if truncated {
		o.note("[the rest is not shown]", p.quote)
	}
}
