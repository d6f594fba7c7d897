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

// netIO sits between the buffered reader/writer and the connection. Each
// write gets a fresh deadline (the command timeout). Reads are bounded per
// reply, not per read (see replyClock): a status line must arrive whole
// within the command timeout, and a multi-line reply must keep a minimum
// rate, so a server that trickles bytes cannot hold a command forever. Only
// time spent waiting in Read counts, so a slow consumer (a busy disk) is
// never blamed on the server. A cancelled context becomes a deadline in the
// past, which unblocks a read or write in progress.
type netIO struct {
	mu      sync.Mutex
	conn    net.Conn
	timeout time.Duration
	minRate int64       // bytes per second a multi-line reply must keep
	clock   replyClock  // the reply being read
	gen     uint64      // bumped when a command's context is released
	cause   error       // the bound context's error once it is done
	stop    func() bool // stops the AfterFunc of the bound context
}

// replyClock is the read budget of one reply (or one part of it: its status
// line, then its multi-line body).
type replyClock struct {
	label  string        // the command, e.g. "RETR 12"
	limit  time.Duration // base allowance (the command timeout, or less)
	heard  time.Duration // the allowance once a byte arrived (a short limit bounds silence only)
	multi  bool          // a multi-line body: the allowance grows with size
	expect int64         // the body's expected size (its LIST size), or 0
	got    int64         // bytes received since the clock started
	waited time.Duration // time spent waiting in Read since it started
}

// allowed is the clock's total read budget: limit for a status line; limit
// plus the time the larger of the expected and received sizes takes at
// minRate for a multi-line body.
func (r *replyClock) allowed(minRate int64) time.Duration {
	if r.got > 0 && r.heard > r.limit {
		return r.heard
	}
	if !r.multi || minRate <= 0 {
		return r.limit
	}
	size := max(r.expect, r.got)
	return r.limit + time.Duration(float64(size)/float64(minRate)*float64(time.Second))
}

// startReply starts the clock of a status line for label, allowed limit
// (the command timeout when limit <= 0). A limit shorter than the command
// timeout bounds silence only: once a byte arrives, the line gets the
// whole command timeout.
func (n *netIO) startReply(label string, limit time.Duration) {
	if limit <= 0 {
		limit = n.timeout
	}
	n.mu.Lock()
	n.clock = replyClock{label: label, limit: limit, heard: n.timeout}
	n.mu.Unlock()
}

// startBody starts the clock of a multi-line body of expected size (0 when
// unknown: the allowance then grows as bytes arrive).
func (n *netIO) startBody(label string, expect int64) {
	n.mu.Lock()
	n.clock = replyClock{label: label, limit: n.timeout, multi: true, expect: expect}
	n.mu.Unlock()
}

// Read reads within what is left of the reply's budget.
func (n *netIO) Read(p []byte) (int, error) {
	conn, err := n.arm(true)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	k, err := conn.Read(p)
	n.mu.Lock()
	n.clock.got += int64(k)
	n.clock.waited += time.Since(start)
	n.mu.Unlock()
	if err != nil {
		err = n.classify(err, true)
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
		err = n.classify(err, false)
	}
	return k, err
}

// arm sets the deadline of a read (what is left of the reply's budget) or
// a write (a fresh command timeout), unless the context is done or the
// budget is spent.
func (n *netIO) arm(read bool) (net.Conn, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cause != nil {
		return nil, n.cause
	}
	var deadline time.Time
	if n.timeout > 0 {
		left := n.timeout
		if read {
			if n.clock.limit <= 0 {
				n.clock.limit = n.timeout // no reply started (a raw read)
			}
			if left = n.clock.allowed(n.minRate) - n.clock.waited; left <= 0 {
				return nil, n.timeoutLocked(true)
			}
		}
		deadline = time.Now().Add(left)
	}
	if read {
		n.conn.SetReadDeadline(deadline)
	} else {
		n.conn.SetWriteDeadline(deadline)
	}
	return n.conn, nil
}

// timeoutLocked is the error for a spent budget: ErrTimeout when the
// server accepted or sent nothing, a *SlowError when it sent too little.
func (n *netIO) timeoutLocked(read bool) error {
	r := n.clock
	if !read || r.got == 0 {
		limit := n.timeout
		if read {
			limit = r.allowed(n.minRate)
		}
		return &multiError{
			msg:  fmt.Sprintf("%v (nothing for %s)", ErrTimeout, limit),
			errs: []error{ErrTimeout, os.ErrDeadlineExceeded},
		}
	}
	e := &SlowError{Command: r.label, Bytes: r.got, Elapsed: r.waited.Round(time.Second)}
	if e.Elapsed <= 0 {
		e.Elapsed = r.waited.Round(time.Millisecond)
	}
	if r.multi {
		e.MinRate = n.minRate
	} else {
		e.Within = r.allowed(0)
	}
	return e
}

// classify turns a deadline error into ErrTimeout, a *SlowError or the
// context's error, and EOF into ErrServerClosed.
func (n *netIO) classify(err error, read bool) error {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.cause != nil {
			return n.cause
		}
		return n.timeoutLocked(read)
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
