package pop3test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
)

// Bounds on what a client may send.
const (
	maxLine   = 64 << 10 // one command or SASL response line
	maxQueued = 1 << 20  // commands read ahead of the replies
)

var errLineTooLong = errors.New("command line too long")

// lineQueue holds command lines read ahead of processing, so a client that
// pipelines many commands without reading replies never blocks the server's
// reader (the replies then wait in the socket buffers, the commands here).
type lineQueue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	lines []string
	err   error // set when the reader stopped
}

func newLineQueue() *lineQueue {
	q := &lineQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// push appends a line, waiting while the queue is full. It drops the line
// once the queue has failed.
func (q *lineQueue) push(line string) {
	q.mu.Lock()
	for len(q.lines) >= maxQueued && q.err == nil {
		q.cond.Wait()
	}
	if q.err != nil { // the session ended: nobody will answer it
		q.mu.Unlock()
		return
	}
	q.lines = append(q.lines, line)
	q.cond.Broadcast()
	q.mu.Unlock()
}

// fail records why the reader stopped; lines already queued stay readable.
func (q *lineQueue) fail(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.cond.Broadcast()
	q.mu.Unlock()
}

// pending reports whether a line is ready without waiting.
func (q *lineQueue) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.lines) > 0
}

// next returns the next line, waiting for one; it returns the reader's error
// once the queue is empty and the reader has stopped.
func (q *lineQueue) next() (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.lines) == 0 && q.err == nil {
		q.cond.Wait()
	}
	if len(q.lines) == 0 {
		return "", q.err
	}
	line := q.lines[0]
	q.lines[0] = ""
	q.lines = q.lines[1:]
	if len(q.lines) == 0 {
		q.lines = nil // let the backing array go
	}
	q.cond.Broadcast()
	return line, nil
}

// readLine reads one line ending in LF (CR optional) of at most maxLine
// bytes, without its line end.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine+2 {
			return "", errLineTooLong
		}
		buf = append(buf, chunk...)
		switch {
		case err == nil:
			buf = bytes.TrimSuffix(buf[:len(buf)-1], []byte{'\r'})
			return string(buf), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(buf) > 0:
			return "", io.ErrUnexpectedEOF
		default:
			return "", err
		}
	}
}

// verbOf returns a command line's verb in upper case (at most 32 bytes)
// and its argument.
func verbOf(line string) (verb, arg string) {
	verb, arg, _ = strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	if len(verb) > 32 {
		verb = verb[:32]
	}
	return verb, arg
}

// isSTLS reports whether a line is the STLS command, after which the reader
// must stop until the TLS handshake has replaced the connection. It agrees
// with verbOf, so every STLS the session answers has a paused reader.
func isSTLS(line string) bool {
	verb, _ := verbOf(line)
	return verb == "STLS"
}
