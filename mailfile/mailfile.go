// Package mailfile writes messages into the files other mail programs read:
// a Maildir (delivered through tmp/ and renamed, as the Maildir convention
// asks) and an mbox file in the mboxrd flavour (every line that starts with
// "From ", after any number of '>', gets one more '>', so reading it back
// is lossless). It is a leaf: callers hand it raw message bytes.
package mailfile

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// IsMaildir reports whether dir is a Maildir (has cur/, new/ and tmp/).
func IsMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new", "tmp"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// MakeMaildir creates dir and its cur/, new/ and tmp/ (0700) when missing.
func MakeMaildir(dir string) error {
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return fmt.Errorf("create Maildir %s: %w", dir, err)
		}
	}
	return nil
}

// Deliver writes one message into the Maildir dir (created when missing):
// into tmp/, synced, then renamed into cur/ with the info flags given (in
// Maildir order, e.g. "FS"; "" for none). It returns the new file's path.
func Deliver(dir string, msg io.Reader, flags string) (string, error) {
	if err := MakeMaildir(dir); err != nil {
		return "", err
	}
	var r [8]byte
	if _, err := io.ReadFull(rand.Reader, r[:]); err != nil {
		return "", fmt.Errorf("make a file name: %w", err)
	}
	host, _ := os.Hostname()
	host = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(host)
	if host == "" {
		host = "localhost"
	}
	unique := fmt.Sprintf("%d.R%s.%s", time.Now().Unix(), hex.EncodeToString(r[:]), host)
	tmp := filepath.Join(dir, "tmp", unique)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write into %s: %w", dir, err)
	}
	_, err = io.Copy(f, msg)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write into %s: %w", dir, err)
	}
	final := filepath.Join(dir, "cur", unique+":2,"+flags)
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write into %s: %w", dir, err)
	}
	return final, nil
}

// MboxMessage is one message for an mbox file.
type MboxMessage struct {
	Sender string    // the envelope sender for the "From " line; "" means MAILER-DAEMON
	Date   time.Time // for the "From " line; zero means now
	Raw    io.Reader // the message, LF or CRLF line ends
}

// AppendMbox appends messages to the mbox file at path (created 0600 when
// missing), in mboxrd form. A file that does not end in a blank line gets
// one first, so the new "From " line starts a message.
func AppendMbox(path string, msgs []MboxMessage) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open mbox %s: %w", path, err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if sep, err := separator(f); err != nil {
		return fmt.Errorf("read mbox %s: %w", path, err)
	} else if _, err := w.WriteString(sep); err != nil {
		return fmt.Errorf("write mbox %s: %w", path, err)
	}
	for i, m := range msgs {
		if i > 0 {
			w.WriteString("\n")
		}
		if err := writeMboxrd(w, m); err != nil {
			return fmt.Errorf("write mbox %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write mbox %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write mbox %s: %w", path, err)
	}
	return f.Close()
}

// separator is what must precede a new message in an mbox file: nothing
// when it is empty or ends in a blank line, else the missing newlines.
func separator(f *os.File) (string, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return "", err
	}
	n := min(fi.Size(), 2)
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, fi.Size()-n); err != nil {
		return "", err
	}
	switch {
	case bytes.HasSuffix(tail, []byte("\n\n")) || (n == 1 && tail[0] == '\n'):
		return "", nil
	case bytes.HasSuffix(tail, []byte("\n")):
		return "\n", nil
	}
	return "\n\n", nil
}

// writeMboxrd writes the "From " line and the message with mboxrd quoting
// and LF line ends, ending in a newline.
func writeMboxrd(w *bufio.Writer, m MboxMessage) error {
	sender := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, m.Sender)
	if sender == "" {
		sender = "MAILER-DAEMON"
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	fmt.Fprintf(w, "From %s %s\n", sender, date.UTC().Format(time.ANSIC))
	r := bufio.NewReader(m.Raw)
	last := byte('\n')
	start := true // at the start of a line
	for {
		chunk, err := r.ReadSlice('\n')
		if len(chunk) > 0 {
			if start && isFromLine(chunk) {
				w.WriteByte('>')
			}
			if bytes.HasSuffix(chunk, []byte("\r\n")) {
				w.Write(chunk[:len(chunk)-2])
				w.WriteByte('\n')
			} else {
				w.Write(chunk)
			}
			last = chunk[len(chunk)-1]
			start = last == '\n' // a very long line comes in several chunks
		}
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
	if last != '\n' {
		w.WriteByte('\n')
	}
	return w.Flush()
}

// isFromLine reports whether a line is ">*From ".
func isFromLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From "))
}
