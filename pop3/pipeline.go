package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// BodyFunc handles one reply of a pipelined batch. err is the server's
// refusal for that message (*Error), with body nil; body is valid only during
// the call. Returning an error stops the batch.
type BodyFunc func(n int, body io.Reader, err error) error

// TopMany sends TOP n lines for every n, pipelined when the server offers
// PIPELINING (a writer and a reader running concurrently, at most
// PipelineWindow in flight), one at a time otherwise, and calls fn in order.
// When fn returns an error, no further command is sent, the replies to the
// commands already sent are read and discarded (the session stays usable),
// and the error is returned. Cancelling ctx stops the batch and closes the
// connection.
func (c *Client) TopMany(ctx context.Context, nums []int, lines int, fn BodyFunc) error {
	if lines < 0 {
		return fmt.Errorf("pop3: TOP: line count must be 0 or more")
	}
	l := strconv.Itoa(lines)
	return c.batch(ctx, "TOP", nums, []string{l}, true, fn)
}

// RetrMany sends RETR for every n, pipelined like TopMany.
func (c *Client) RetrMany(ctx context.Context, nums []int, fn BodyFunc) error {
	return c.batch(ctx, "RETR", nums, nil, true, fn)
}

// DeleMany sends DELE for every n, pipelined like TopMany; fn gets each
// result (nil or the server's refusal). When fn stops the batch, the DELE
// commands already sent still mark their messages: Rset undoes all marks.
func (c *Client) DeleMany(ctx context.Context, nums []int, fn func(n int, err error) error) error {
	return c.batch(ctx, "DELE", nums, nil, false, func(n int, _ io.Reader, err error) error {
		return fn(n, err)
	})
}

// MaxPipelineWindow caps Options.PipelineWindow. The commands in flight
// (a few kilobytes at most) then always fit in the socket buffers, so the
// writer can never block on them while the reader waits for it to stop.
const MaxPipelineWindow = 256

// writeResult is what the batch writer did: how many commands it sent and
// why it stopped early.
type writeResult struct {
	sent int
	err  error
}

// batch pipelines verb for every message: a writer goroutine sends commands
// while the caller's goroutine reads the replies in order. A semaphore of
// PipelineWindow slots (1 without PIPELINING) bounds the commands in flight;
// the reader releases a slot as each reply ends. Since the writer never
// waits for anything but a slot and the reader never stops reading, neither
// socket buffer can fill up for good, whatever the number of commands.
func (c *Client) batch(ctx context.Context, verb string, nums []int, extra []string, multi bool, fn BodyFunc) error {
	lines := make([]string, len(nums))
	for i, n := range nums {
		if err := checkMsg(msgLabel(verb, n), n); err != nil {
			return err
		}
		lines[i], _ = command(verb, append([]string{strconv.Itoa(n)}, extra...)...)
	}
	if len(nums) == 0 {
		return nil
	}
	if err := c.begin(ctx, verb); err != nil {
		return err
	}
	window := 1
	if c.caps.Pipelining {
		window = min(c.opts.PipelineWindow, MaxPipelineWindow)
	}
	sem := make(chan struct{}, window)
	stop := make(chan struct{})
	done := make(chan writeResult, 1)
	go func() {
		sent, err := c.writeBatch(lines, sem, stop)
		if err != nil {
			c.nio.current().Close() // unblock the reader
		}
		done <- writeResult{sent, err}
	}()
	var res *writeResult
	stopWriter := func() writeResult {
		if res == nil {
			close(stop)
			r := <-done
			res = &r
		}
		return *res
	}
	defer stopWriter()

	for i, n := range nums {
		label := msgLabel(verb, n)
		if err := ctx.Err(); err != nil {
			stopWriter()
			return c.end(label, err) // replies are in flight: the stream is lost
		}
		cbErr, err := c.batchReply(label, verb, n, multi, fn)
		if err != nil {
			if r := stopWriter(); r.err != nil && errors.Is(err, ErrClosed) {
				label, err = verb, r.err
			}
			return c.end(label, err)
		}
		<-sem // the reply is read, so its command was sent and holds a slot
		if cbErr == nil {
			continue
		}
		r := stopWriter()
		if r.err != nil {
			return c.end(verb, r.err)
		}
		for j := i + 1; j < r.sent; j++ {
			label := msgLabel(verb, nums[j])
			if _, err := c.batchReply(label, verb, nums[j], multi, nil); err != nil {
				return c.end(label, err)
			}
		}
		c.end(verb, nil)
		return cbErr
	}
	return c.end(verb, stopWriter().err)
}

// writeBatch sends the command lines, taking a semaphore slot for each. It
// flushes whenever it would wait for a slot, and stops (after flushing) when
// stop is closed. sent counts the commands that went out.
func (c *Client) writeBatch(lines []string, sem chan<- struct{}, stop <-chan struct{}) (sent int, err error) {
	for i, line := range lines {
		select {
		case <-stop: // checked first: after stop, no new command goes out
			return i, c.bw.Flush()
		default:
		}
		select {
		case sem <- struct{}{}:
		default:
			if err := c.bw.Flush(); err != nil {
				return i, err
			}
			select {
			case <-stop:
				return i, nil
			case sem <- struct{}{}:
			}
		}
		c.trace.client(line)
		c.bw.WriteString(line)
		c.bw.WriteString("\r\n")
	}
	return len(lines), c.bw.Flush()
}

// batchReply reads one reply of a batch and hands it to fn (nil: discard).
// cbErr is fn's result; err means the stream broke.
func (c *Client) batchReply(label, verb string, n int, multi bool, fn BodyFunc) (cbErr, err error) {
	_, err = c.readStatus(label)
	var se *Error
	switch {
	case errors.As(err, &se):
		if fn != nil {
			cbErr = fn(n, nil, se)
		}
		return cbErr, nil
	case err != nil:
		return nil, err
	case !multi:
		if fn != nil {
			cbErr = fn(n, nil, nil)
		}
		return cbErr, nil
	}
	c.startBody(label, verb, n)
	d := newDotReader(c.br, MaxLineLength, c.bodyLimit(n))
	if fn != nil {
		cbErr = fn(n, &body{c: c, label: label, d: d}, nil)
	}
	return cbErr, d.drain()
}
