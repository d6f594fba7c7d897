package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// netIO sits between the buffered reader/writer and the connection. It sets
// a fresh deadline (the command timeout) before every read and write, so a
// stalled server times out while a slow but steady one does not, and it turns
// a cancelled context into a deadline in the past, which unblocks a read or
// write in progress.
type netIO struct {
	mu      sync.Mutex
	conn    net.Conn
	timeout time.Duration
	gen     uint64      // bumped when a command's context is released
	cause   error       // the bound context's error once it is done
	stop    func() bool // stops the AfterFunc of the bound context
}

// Read reads with a fresh read deadline.
func (n *netIO) Read(p []byte) (int, error) {
	conn, err := n.arm(true)
	if err != nil {
		return 0, err
	}
	k, err := conn.Read(p)
	if err != nil {
		err = n.classify(err)
	}
	return k, err
}

// Write writes with a fresh write deadline.
func (n *netIO) Write(p []byte) (int, error) {
	conn, err := n.arm(false)
	if err != nil {
		return 0, err
	}
	k, err := conn.Write(p)
	if err != nil {
		err = n.classify(err)
	}
	return k, err
}

// arm sets the deadline for one read or write, unless the context is done.
func (n *netIO) arm(read bool) (net.Conn, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cause != nil {
		return nil, n.cause
	}
	var deadline time.Time
	if n.timeout > 0 {
		deadline = time.Now().Add(n.timeout)
	}
	if read {
		n.conn.SetReadDeadline(deadline)
	} else {
		n.conn.SetWriteDeadline(deadline)
	}
	return n.conn, nil
}

// classify turns a deadline error into ErrTimeout or the context's error,
// and EOF into ErrServerClosed.
func (n *netIO) classify(err error) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		n.mu.Lock()
		cause := n.cause
		n.mu.Unlock()
		if cause != nil {
			return cause
		}
		return &multiError{
			msg:  fmt.Sprintf("%v (nothing for %s)", ErrTimeout, n.timeout),
			errs: []error{ErrTimeout, os.ErrDeadlineExceeded},
		}
	case errors.Is(err, net.ErrClosed):
		return ErrClosed
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errServerClosed()
	}
	return err
}

// errServerClosed is ErrServerClosed that also matches io.ErrUnexpectedEOF.
func errServerClosed() error {
	return &multiError{msg: ErrServerClosed.Error(), errs: []error{ErrServerClosed, io.ErrUnexpectedEOF}}
}

// multiError has its own message and matches several errors: ErrTimeout
// also matches os.ErrDeadlineExceeded, as callers check for network
// timeouts generically.
type multiError struct {
	msg  string
	errs []error
}

func (e *multiError) Error() string   { return e.msg }
func (e *multiError) Unwrap() []error { return e.errs }

// setConn swaps the connection (after the TLS handshake).
func (n *netIO) setConn(c net.Conn) {
	n.mu.Lock()
	n.conn = c
	n.mu.Unlock()
}

// current returns the connection in use.
func (n *netIO) current() net.Conn {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.conn
}

// bind makes ctx cancel the I/O until unbind or the next bind: when ctx is
// done, a deadline in the past unblocks any read or write in progress.
func (n *netIO) bind(ctx context.Context) {
	n.mu.Lock()
	n.resetLocked()
	gen := n.gen
	n.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.gen != gen {
			return
		}
		n.cause = context.Cause(ctx)
		n.conn.SetDeadline(time.Unix(1, 0))
	})
	n.mu.Lock()
	if n.gen == gen {
		n.stop = stop
	} else {
		stop()
	}
	n.mu.Unlock()
}

// unbind ends the binding of bind.
func (n *netIO) unbind() {
	n.mu.Lock()
	n.resetLocked()
	n.mu.Unlock()
}

// resetLocked drops the current binding.
func (n *netIO) resetLocked() {
	if n.stop != nil {
		n.stop()
		n.stop = nil
	}
	n.gen++
	n.cause = nil
}
