package cache

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// flags are the Maildir flags popterm keeps on a file name.
type flags struct {
	seen, deleted, flagged, answered bool
}

// info returns the Maildir info suffix, e.g. ":2,ST", flags in ASCII order.
func (f flags) info() string {
	var b strings.Builder
	b.WriteString(infoSep + "2,")
	for _, fl := range []struct {
		on bool
		c  byte
	}{{f.flagged, 'F'}, {f.answered, 'R'}, {f.seen, 'S'}, {f.deleted, 'T'}} {
		if fl.on {
			b.WriteByte(fl.c)
		}
	}
	return b.String()
}

// newUniqueName makes a Maildir unique name for message id:
// "<unix>.<id>_<random>.<host>". Nothing in it comes from the server.
func (s *Store) newUniqueName(id int64) (string, error) {
	var r [8]byte
	if _, err := io.ReadFull(rand.Reader, r[:]); err != nil {
		return "", fmt.Errorf("make file name: %w", err)
	}
	return fmt.Sprintf("%d.%d_%s.%s", time.Now().Unix(), id, hex.EncodeToString(r[:]), s.host), nil
}

// uniqueNameRE matches popterm's unique names and captures the message ID.
var uniqueNameRE = regexp.MustCompile(`^[0-9]+\.([0-9]+)_[0-9a-f]{16}\.[A-Za-z0-9._-]+$`)

// parseFileName splits a Maildir file name into its unique name and, when
// it is one of popterm's names, the message ID (0 otherwise).
func parseFileName(name string) (unique string, id int64) {
	unique = name
	if i := strings.Index(name, infoSep+"2,"); i >= 0 {
		unique = name[:i]
	}
	if m := uniqueNameRE.FindStringSubmatch(unique); m != nil {
		id, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return unique, id
}

// curPath is where a stored body with these flags lives.
func (s *Store) curPath(unique string, f flags) string {
	return s.path(maildirName, "cur", unique+f.info())
}

// locate finds the file of a unique name whatever its flags: the expected
// names first, then a scan of cur/ and new/ (another Maildir tool, or a crash
// between an index update and the rename, may have changed the suffix).
func (s *Store) locate(unique string, guesses ...flags) (string, error) {
	for _, g := range guesses {
		p := s.curPath(unique, g)
		if _, err := os.Lstat(p); err == nil {
			return p, nil
		}
	}
	for _, sub := range []string{"cur", "new"} {
		d := s.path(maildirName, sub)
		entries, err := os.ReadDir(d)
		if err != nil {
			return "", fmt.Errorf("look for message file: %w", err)
		}
		for _, e := range entries {
			if u, _ := parseFileName(e.Name()); u == unique {
				return filepath.Join(d, e.Name()), nil
			}
		}
	}
	return "", os.ErrNotExist
}

// syncDir fsyncs a folder so a rename or removal in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isSyncUnsupported(err) {
		return err
	}
	return nil
}

// lfWriter turns CRLF into LF on the way to w, keeping bare CRs, and counts
// the bytes written.
type lfWriter struct {
	w   io.Writer
	cr  bool // the last byte seen was a CR, not yet written
	n   int64
	buf []byte
}

func (l *lfWriter) Write(p []byte) (int, error) {
	if !l.cr && bytes.IndexByte(p, '\r') < 0 {
		// The usual case: the POP3 client already turned CRLF into LF.
		n, err := l.w.Write(p)
		l.n += int64(n)
		if err != nil {
			return 0, err
		}
		return len(p), nil
	}
	out := l.buf[:0]
	for _, b := range p {
		if l.cr {
			l.cr = false
			if b != '\n' {
				out = append(out, '\r')
			}
		}
		if b == '\r' {
			l.cr = true
			continue
		}
		out = append(out, b)
	}
	l.buf = out
	n, err := l.w.Write(out)
	l.n += int64(n)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a CR left pending at the end of the input.
func (l *lfWriter) Flush() error {
	if !l.cr {
		return nil
	}
	l.cr = false
	n, err := l.w.Write([]byte{'\r'})
	l.n += int64(n)
	return err
}
