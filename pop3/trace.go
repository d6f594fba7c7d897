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

// write writes one trace line; a failing trace writer is ignored.
func (t *tracer) write(prefix, line string) {
	if t.w == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.w, prefix+line+"\n")
}
