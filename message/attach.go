package message

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// WriteAttachmentFile writes attachment index to a new file at path (mode
// 0600). An existing file is never replaced: that is an error naming the
// path. A failed write removes the partial file.
func WriteAttachmentFile(raw io.Reader, index int, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // the path is named once, below
	}
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	werr := WriteAttachment(raw, index, f)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(path)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// SaveAttachmentTo saves attachment index to target, the way the reader's
// save prompt and `popterm show --save-attachment` do: into a folder under
// a safe, unused name (SaveAttachment) when target is a folder already or
// ends with a separator, such a folder being created (0700) when missing;
// otherwise to the new file target (WriteAttachmentFile), never replacing
// one. It returns the path written.
func SaveAttachmentTo(raw io.Reader, index int, target string) (string, error) {
	isDir := strings.HasSuffix(target, "/") || strings.HasSuffix(target, string(filepath.Separator))
	target = filepath.Clean(target)
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		isDir = true
	}
	if !isDir {
		return target, WriteAttachmentFile(raw, index, target)
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		return "", fmt.Errorf("making the folder %s: %w", target, err)
	}
	path, err := SaveAttachment(raw, index, target)
	if err != nil {
		return "", fmt.Errorf("saving into %s: %w", target, err)
	}
	return path, nil
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
