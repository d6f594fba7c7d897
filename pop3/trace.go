package pop3

import (
	"io"
	"sync"
)

// tracer writes the protocol trace to Options.Debug. Lines are already
// redacted and sanitized by the caller. The pipelined writer and reader may
// trace at the same time, hence the lock.
type tracer struct {
	mu sync.Mutex
	w  io.Writer
}

// client traces a command line.
func (t *tracer) client(line string) { t.write("C: ", line) }

// server traces a reply line.
func (t *tracer) server(line string) { t.write("S: ", line) }

// on reports whether a trace is wanted, so that callers can skip the work
// of preparing a line nobody reads.
func (t *tracer) on() bool { return t.w != nil }

// traceReply traces a line from the server, redacted and sanitized, when a
// trace is wanted: without one, no line is copied or sanitized.
func (c *Client) traceReply(line []byte) {
	if c.trace.on() {
		c.trace.server(c.sec.clean(string(line)))
	}
}

// write writes one trace line; a failing trace writer is ignored.
func (t *tracer) write(prefix, line string) {
	if t.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.w, prefix+line+"\n")
}
