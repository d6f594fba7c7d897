package config

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Waits of a secret command once its answer is known.
const (
	// exitGrace is how long a command that printed its line may take to
	// exit (so that its exit status counts) before it is killed.
	exitGrace = 2 * time.Second
	// drainGrace is how long output already written is awaited after the
	// command exited, when a background child still holds the pipe.
	drainGrace = 200 * time.Millisecond
)

// errLineTooLong: the first line is longer than maxSecretOutput.
var errLineTooLong = errors.New("line too long")

// runSecretCmd runs command with the shell and returns the first line of its
// standard output, read up to maxSecretOutput bytes: it stops reading (and
// waiting) once that line is read, so a background child that keeps the
// output open cannot hold it up. Errors name the key and say exactly what was
// wrong (an exit status with the start of standard error, a line that is too
// long, no output, a timeout); they never quote standard output (the secret).
func runSecretCmd(ctx context.Context, a *Account, key, command string) (string, error) {
	if _, has := ctx.Deadline(); !has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, SecretCmdTimeout)
		defer cancel()
	}
	what := fmt.Sprintf("account %q: %s", a.Name, key)
	outR, outW, err := os.Pipe()
	if err != nil {
		return "", fmt.Errorf("%s could not run: %w", what, err)
	}
	defer outR.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		outW.Close()
		return "", fmt.Errorf("%s could not run: %w", what, err)
	}
	defer errR.Close()
	cmd := shellCommand(ctx, command)
	cmd.Stdout, cmd.Stderr = outW, errW // files: Wait waits for the process only
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		return "", fmt.Errorf("%s could not run: %w", what, err)
	}
	stderr := &stderrTail{done: make(chan struct{})}
	go stderr.collect(errR)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	lines := make(chan lineResult, 1)
	go func() { lines <- readFirstLine(outR) }()

	var res lineResult
	var waitErr error
	hasExited := false
	select {
	case res = <-lines:
	case waitErr = <-exited:
		hasExited = true
		// Whatever it wrote is in the pipe; a background child may keep
		// it open, so do not wait for the end of the output.
		outR.SetReadDeadline(time.Now().Add(drainGrace))
		select {
		case res = <-lines:
		case <-time.After(2 * drainGrace): // no read deadlines on this system
			outR.Close()
			res = <-lines
		}
	case <-ctx.Done():
		outR.Close() // ends the read; CommandContext kills the process
		<-exited
		return "", fmt.Errorf("%s did not finish in time: %w", what, ctx.Err())
	}
	outR.Close() // the rest is not read: a writer gets SIGPIPE
	if !hasExited {
		timer := time.NewTimer(exitGrace)
		select {
		case waitErr = <-exited:
			hasExited = true
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
		if !hasExited {
			// The line is there: stop waiting, and do not leave it running.
			cmd.Process.Kill()
			<-exited
			waitErr = nil
		}
	}
	var exit *exec.ExitError
	if errors.As(waitErr, &exit) && diedOfSIGPIPE(exit.ProcessState) && res.err == nil && !res.empty {
		waitErr = nil // it wrote more after its first line, which was not read
	}
	switch {
	case errors.Is(res.err, errLineTooLong):
		return "", fmt.Errorf("%s printed a first line longer than %d KiB: it should print only the secret, on one line", what, maxSecretOutput>>10)
	case waitErr != nil:
		if !errors.As(waitErr, &exit) {
			return "", fmt.Errorf("%s could not run: %w", what, waitErr)
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("%s did not finish in time: %w", what, ctx.Err())
		}
		msg := fmt.Sprintf("%s failed (%s)", what, exit.ProcessState.String())
		if s := firstLine(stderr.text(errR), maxStderrShown); s != "" {
			msg += ": " + s
		}
		return "", errors.New(msg)
	case res.line == "" && res.empty:
		return "", fmt.Errorf("%s printed nothing (it exited successfully without output): %w", what, ErrNoPassword)
	case res.line == "":
		return "", fmt.Errorf("%s printed an empty first line: %w", what, ErrNoPassword)
	}
	return res.line, nil
}

// lineResult is the first line of a command's output.
type lineResult struct {
	line  string
	empty bool // nothing at all was read
	err   error
}

// readFirstLine reads r up to the first line end, at most maxSecretOutput
// bytes, and returns the line without "\n" or "\r\n". An unterminated last
// line counts (printf pw).
func readFirstLine(r io.Reader) lineResult {
	br := bufio.NewReaderSize(r, 4096)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxSecretOutput+1 || (len(line) > maxSecretOutput && line[len(line)-1] != '\n') {
			return lineResult{err: errLineTooLong}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		n := len(line)
		if n > 0 && line[n-1] == '\n' {
			line = line[:n-1]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if err == nil || len(line) > 0 || errors.Is(err, io.EOF) || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, os.ErrClosed) {
			return lineResult{line: string(line), empty: n == 0}
		}
		return lineResult{err: err, empty: n == 0}
	}
}

// stderrTail keeps the first 4 KiB a command writes on standard error.
type stderrTail struct {
	mu   sync.Mutex
	buf  []byte
	done chan struct{}
}

// collect reads r to its end, keeping the start.
func (s *stderrTail) collect(r io.Reader) {
	defer close(s.done)
	b := make([]byte, 4096)
	for {
		n, err := r.Read(b)
		s.mu.Lock()
		if room := 4096 - len(s.buf); room > 0 {
			s.buf = append(s.buf, b[:min(n, room)]...)
		}
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// text returns what was collected, waiting briefly for output still in the
// pipe (a background child may hold it open forever).
func (s *stderrTail) text(r *os.File) []byte {
	r.SetReadDeadline(time.Now().Add(drainGrace))
	select {
	case <-s.done:
	case <-time.After(2 * drainGrace): // no read deadlines on this system
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf
}
