package message

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strings"
)

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
		if w.extract || w.skipText {
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
	return body, "[unknown transfer encoding " + SanitizeLine(truncateBytes(enc, 40)) + ": shown undecoded]"
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
		o.note("[this part is damaged ("+SanitizeLine(truncateBytes(err.Error(), 80))+"): the rest is not shown]", p.quote)
	}
}
