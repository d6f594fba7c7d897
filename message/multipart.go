package message

import (
	"bytes"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// rawFallbackBytes bounds the raw text shown for a multipart whose parts
// cannot be found.
const rawFallbackBytes = 64 << 10

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
		// Once an alternative is chosen whatever follows (SearchText,
		// which never prefers HTML), the text of the later ones is not
		// rendered; their attachments are still listed.
		skip := w.skipText
		w.skipText = skip || (alternative && w.skipAttachments && !w.opts.PreferHTML && slices.ContainsFunc(alts[:max(len(alts)-1, 0)], plainShown))
		err = w.entity(target, ph, tp, p.depth+1, p.quote, defaultType)
		w.skipText = skip
		if err != nil {
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
			if plainShown(a) {
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

// plainShown reports a plain-text alternative with visible text: the first
// such is shown unless HTML is preferred.
func plainShown(a *out) bool { return a.sawPlain && !a.sawHTML && hasVisibleText(a.lines) }

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
