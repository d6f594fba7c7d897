package pop3

import (
	"context"
	"io"
)

// body is the io.ReadCloser of Retr and Top: a dot-decoding reader whose
// end (or failure) releases the command's context, and whose Close drains
// what is left so that the next command finds the stream in step.
type body struct {
	c     *Client
	label string
	d     *dotReader
}

// Read reads the decoded message; io.EOF follows its last byte.
func (b *body) Read(p []byte) (int, error) {
	n, err := b.d.Read(p)
	if err != nil && err != io.EOF {
		err = &ProtocolError{Command: b.label, Err: err}
	}
	return n, err
}

// Close reads and discards the rest of the reply. It returns an error only
// when the stream broke.
func (b *body) Close() error {
	if err := b.d.drain(); err != nil {
		return &ProtocolError{Command: b.label, Err: err}
	}
	return nil
}

// rebind makes ctx cancel the rest of this reply (the next command drains
// it under its own context).
func (b *body) rebind(ctx context.Context) { b.c.nio.bind(ctx) }

// finish runs once when the reply ends or fails.
func (b *body) finish(err error) {
	if b.c.pending == b {
		b.c.pending = nil
	}
	b.c.nio.unbind()
	if err != nil {
		b.c.broke(b.label, err)
	}
}
