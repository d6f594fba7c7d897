package pop3

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// dotReader streams the body of a multi-line reply (RFC 1939 section 3): a
// line that is exactly "." ends it, a leading "." is removed from any other
// line ("..x" becomes ".x"), and every line ending (CRLF or a bare LF) comes
// out as LF. Lines are never split or joined, whatever their length, but a
// line longer than maxLine or a body longer than maxBody is an error, so a
// reply that never ends cannot exhaust memory or run forever.
type dotReader struct {
	r       *bufio.Reader
	maxLine int   // longest line accepted, line ending excluded
	maxBody int64 // most bytes read from the wire (<= 0: no bound)
	wire    int64 // bytes consumed from the wire so far
	lineLen int   // bytes of the current line so far
	bol     bool  // at the beginning of a line
	done    bool  // the terminating line was read
	err     error // sticky error
	// finish, when set, runs once when the reply ends or fails.
	finish func(err error)
}

// newDotReader returns a reader positioned just after the +OK status line.
func newDotReader(r *bufio.Reader, maxLine int, maxBody int64) *dotReader {
	return &dotReader{r: r, maxLine: maxLine, maxBody: maxBody, bol: true}
}

// Read implements io.Reader; it returns io.EOF after the terminating line.
func (d *dotReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.done {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) {
		if n > 0 && d.r.Buffered() == 0 {
			break // return what we have rather than block
		}
		if d.bol {
			end, err := d.lineStart()
			if err != nil {
				return n, d.fail(err)
			}
			if end {
				d.done = true
				if d.finish != nil {
					d.finish(nil)
					d.finish = nil
				}
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
			continue
		}
		k, err := d.lineBytes(p[n:])
		n += k
		if err != nil {
			return n, d.fail(err)
		}
	}
	return n, nil
}

// lineStart looks at the first bytes of a line: it reports the terminating
// line, or removes a stuffed dot.
func (d *dotReader) lineStart() (end bool, err error) {
	b, err := d.r.Peek(1)
	if err != nil {
		return false, err
	}
	d.bol, d.lineLen = false, 0
	if b[0] != '.' {
		return false, nil
	}
	b, err = d.r.Peek(2)
	if err != nil {
		return false, err
	}
	switch b[1] {
	case '\n':
		return true, d.discard(2)
	case '\r':
		b, err = d.r.Peek(3)
		if err != nil {
			return false, err
		}
		if b[2] == '\n' {
			return true, d.discard(3)
		}
	}
	// ".." or ".x": the leading dot is stuffing.
	return false, d.discard(1)
}

// lineBytes copies bytes of the current line into p, turning its line
// ending into LF. A CR is held back until the byte after it is known.
func (d *dotReader) lineBytes(p []byte) (int, error) {
	buf, _ := d.r.Peek(d.r.Buffered())
	if len(buf) == 0 {
		if _, err := d.r.Peek(1); err != nil {
			return 0, err
		}
		buf, _ = d.r.Peek(d.r.Buffered())
	}
	i := bytes.IndexByte(buf, '\n')
	seg := buf
	if i >= 0 {
		seg = buf[:i]
	}
	crlf := len(seg) > 0 && seg[len(seg)-1] == '\r'
	if crlf {
		seg = seg[:len(seg)-1] // the CR of CRLF, or a CR whose next byte is unknown
	}
	if len(seg) == 0 && i < 0 {
		// Only a CR is buffered: wait for the byte after it.
		if _, err := d.r.Peek(2); err != nil {
			return 0, err
		}
		return 0, nil
	}
	k := copy(p, seg)
	d.lineLen += k
	if d.lineLen > d.maxLine {
		return 0, fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, d.maxLine)
	}
	if err := d.discard(k); err != nil {
		return 0, err
	}
	if k < len(seg) || i < 0 || k == len(p) {
		return k, nil
	}
	// The whole line is copied and there is room for its LF.
	p[k] = '\n'
	end := 1
	if crlf {
		end = 2
	}
	d.bol = true
	return k + 1, d.discard(end)
}

// discard consumes n buffered bytes and checks the body bound.
func (d *dotReader) discard(n int) error {
	d.r.Discard(n)
	d.wire += int64(n)
	if d.maxBody > 0 && d.wire > d.maxBody {
		return fmt.Errorf("%w (over %d bytes)", ErrReplyTooLong, d.maxBody)
	}
	return nil
}

// fail records a sticky error and reports it to finish.
func (d *dotReader) fail(err error) error {
	if err == io.EOF {
		err = errServerClosed()
	}
	d.err = err
	if d.finish != nil {
		d.finish(err)
		d.finish = nil
	}
	return err
}

// drain reads the rest of the reply.
func (d *dotReader) drain() error {
	_, err := io.Copy(io.Discard, d)
	return err
}
