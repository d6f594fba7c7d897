package message

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// ErrNoAttachment is returned for an attachment index the message does not
// have.
var ErrNoAttachment = errors.New("no such attachment")

// findAttachment walks raw and calls fn with attachment index and its
// decoded content.
func findAttachment(raw io.Reader, index int, fn func(Attachment, io.Reader) error) error {
	w := &walker{extract: true, target: index, found: fn, result: ErrNoAttachment}
	if index < 0 {
		return fmt.Errorf("attachment %d: %w", index, ErrNoAttachment)
	}
	if _, err := w.walkMessage(raw, newOut()); err != nil {
		return fmt.Errorf("attachment %d: %w", index, err)
	}
	if w.result != nil {
		return fmt.Errorf("attachment %d: %w", index, w.result)
	}
	return nil
}

// WriteAttachment parses the raw message again and writes the decoded content
// of attachment index (Attachment.Index) to w. A damaged transfer encoding
// (bad base64) writes what could be decoded and returns an error.
func WriteAttachment(raw io.Reader, index int, w io.Writer) error {
	return findAttachment(raw, index, func(_ Attachment, r io.Reader) error {
		_, err := io.Copy(w, r)
		return err
	})
}

// SaveAttachment writes attachment index into dir under a safe, unused name
// and returns the path.
//
// The name is the attachment's file name reduced by SafeFilename
// ("attachment-N" when it has none, N counting from 1). An existing file is
// never replaced: "name (1).ext", "name (2).ext"... are tried instead. The
// file is created with mode 0600; dir must exist. A failed write removes the
// partial file.
func SaveAttachment(raw io.Reader, index int, dir string) (string, error) {
	var path string
	err := findAttachment(raw, index, func(a Attachment, r io.Reader) error {
		name := safeFilename(a.Name, "attachment-"+strconv.Itoa(a.Index+1))
		f, p, err := createUnique(dir, name)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(p)
			return fmt.Errorf("write %s: %w", p, err)
		}
		path = p
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("save %w", err)
	}
	return path, nil
}
