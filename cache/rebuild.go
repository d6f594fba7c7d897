package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// ErrDamaged means the index is damaged, or missing beside stored mail. The
// Maildir is the truth for bodies: RepairIndex rebuilds the index from it
// (popterm check --repair).
var ErrDamaged = errors.New("cache: the index is damaged")

// damagedError is what Open returns for a damaged or missing index.
type damagedError struct {
	path string
	why  string
}

func (e *damagedError) Error() string {
	return fmt.Sprintf("the index %s %s: run popterm check --repair to rebuild it from the stored mail", e.path, e.why)
}

// Is makes errors.Is(err, ErrDamaged) true.
func (e *damagedError) Is(target error) bool { return target == ErrDamaged }

// SQLite's primary result codes for a damaged database.
const (
	sqliteCorrupt = 11
	sqliteNotADB  = 26
)

// isCorrupt reports whether err is SQLite saying the database file is
// damaged or not a database at all.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqliteCorrupt || c == sqliteNotADB
	}
	return false
}

// damaged wraps a corruption error of the index as ErrDamaged; other
// errors are returned as they are.
func (s *Store) damaged(err error) error {
	if err != nil && isCorrupt(err) {
		return &damagedError{path: s.path(indexName), why: "is damaged (" + err.Error() + ")"}
	}
	return err
}

// checkIndexFile refuses to start a new, empty index beside stored mail: an
// index that is missing or empty (0 bytes) while the Maildir holds messages
// was lost, and a new one would download everything again.
func (s *Store) checkIndexFile() error {
	st, err := os.Stat(s.path(indexName))
	why := ""
	switch {
	case errors.Is(err, os.ErrNotExist):
		why = "is missing"
	case err != nil:
		return fmt.Errorf("open index: %w", err)
	case st.Size() == 0:
		why = "is empty"
	default:
		return nil
	}
	n, err := s.countMailFiles(1)
	if err != nil || n == 0 {
		return err
	}
	return &damagedError{path: s.path(indexName), why: why + " but the Maildir holds mail"}
}

// countMailFiles counts the files in Maildir cur/ and new/, stopping at max
// (0: all).
func (s *Store) countMailFiles(max int) (int, error) {
	n := 0
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(s.path(maildirName, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("list %s: %w", sub, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				n++
				if max > 0 && n >= max {
					return n, nil
				}
			}
		}
	}
	return n, nil
}

// RebuildReport says what RepairIndex did.
type RebuildReport struct {
	// Rebuilt is false when the index was healthy and nothing was done.
	Rebuilt bool
	// Kept is where the damaged index was moved ("" when there was none).
	Kept string
	// Messages is how many stored messages the new index holds.
	Messages int
}

// rebuiltPrefix starts the placeholder UIDL of a message found in the
// Maildir by a rebuild. It has a space, which no server UIDL has (RFC 1939),
// so the next sync finds the row missing from the listing and matches it to
// the server's message by Message-ID, size and header hash instead of
// downloading it again.
const rebuiltPrefix = "rebuilt "

// RepairIndex rebuilds the index of the store in dir from its Maildir when
// the index is damaged or missing (Open fails with ErrDamaged), and does
// nothing otherwise. The damaged file is kept beside it as
// index.db.damaged-<time>; every message file is kept and indexed, with its
// flags from its name (except pending deletion marks). What the old index alone knew is lost: which
// messages were on the server (the next sync finds out and matches the
// stored ones to the server's), and the headers of messages never
// downloaded (the next sync fetches them again).
func RepairIndex(dir string) (RebuildReport, error) {
	s, err := Open(dir, Options{})
	if err == nil {
		return RebuildReport{}, s.Close()
	}
	if !errors.Is(err, ErrDamaged) {
		return RebuildReport{}, err
	}
	s = &Store{dir: filepath.Clean(dir), host: hostName()}
	if err := s.makeFolders(); err != nil {
		return RebuildReport{}, err
	}
	if err := s.takeLock(0, ""); err != nil {
		return RebuildReport{}, err
	}
	defer s.releaseLock()
	var rep RebuildReport
	if rep.Kept, err = s.moveIndexAside(); err != nil {
		return rep, err
	}
	if err := s.openIndex(); err != nil {
		return rep, err
	}
	defer s.db.Close()
	if rep.Messages, err = s.indexMaildir(context.Background()); err != nil {
		return rep, fmt.Errorf("rebuild the index of %s: %w", dir, err)
	}
	rep.Rebuilt = true
	return rep, nil
}

// moveIndexAside renames index.db and its -wal and -shm files to
// index.db.damaged-<time>[-wal|-shm] and returns the new name of index.db.
func (s *Store) moveIndexAside() (string, error) {
	p := s.path(indexName)
	kept := p + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	moved := ""
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Rename(p+suffix, kept+suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("keep the damaged index aside: %w", err)
		}
		if suffix == "" {
			moved = kept
		}
	}
	return moved, syncDir(s.dir)
}

// indexMaildir adds a row for every file in cur/ and new/ (files in new/
// move to cur/), in name order, which for popterm's names is the order
// they were stored in.
func (s *Store) indexMaildir(ctx context.Context) (int, error) {
	type found struct {
		dir, name, unique string
		f                 flags
	}
	var files []found
	for _, sub := range []string{"cur", "new"} {
		dir := s.path(maildirName, sub)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return 0, fmt.Errorf("list %s: %w", sub, err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			unique, _ := parseFileName(e.Name())
			files = append(files, found{dir: dir, name: e.Name(), unique: unique, f: parseFlags(e.Name())})
		}
	}
	slices.SortFunc(files, func(a, b found) int { return strings.Compare(a.name, b.name) })
	const chunk = 500
	for start := 0; start < len(files); start += chunk {
		part := files[start:min(start+chunk, len(files))]
		msgs := make([]NewMessage, 0, len(part))
		sizes := make([]int64, 0, len(part))
		for _, f := range part {
			raw, err := os.ReadFile(filepath.Join(f.dir, f.name))
			if err != nil {
				return 0, err
			}
			// The size a server lists counts CRLF line ends; the file has LF.
			wire := int64(len(raw) + bytes.Count(raw, []byte("\n")) - bytes.Count(raw, []byte("\r\n")))
			h, _ := readHeader(filepath.Join(f.dir, f.name))
			msgs = append(msgs, NewMessage{UIDL: rebuiltPrefix + f.unique, Size: wire, Header: h})
			sizes = append(sizes, int64(len(raw)))
		}
		ids, err := s.Add(ctx, msgs)
		if err != nil {
			return 0, err
		}
		for i, f := range part {
			// A pending deletion mark (T) is not restored: without the old
			// index it cannot be told from a deletion already committed,
			// and the next sync would remove the file. The user marks again.
			f.f.deleted = false
			final := s.curPath(f.unique, f.f)
			if p := filepath.Join(f.dir, f.name); p != final {
				if err := os.Rename(p, final); err != nil {
					return 0, err
				}
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE messages SET cached = 1, file = ?, file_size = ?,
				downloaded_at = ?, seen = ?, flagged = ?, answered = ? WHERE id = ?`,
				f.unique, sizes[i], time.Now().UnixMilli(), f.f.seen, f.f.flagged, f.f.answered, ids[i]); err != nil {
				return 0, err
			}
		}
	}
	if err := syncDir(s.path(maildirName, "cur")); err != nil {
		return 0, err
	}
	return len(files), nil
}

// parseFlags reads the Maildir flags popterm keeps from a file name's info
// suffix.
func parseFlags(name string) flags {
	var f flags
	i := strings.Index(name, infoSep+"2,")
	if i < 0 {
		return f
	}
	for _, c := range name[i+len(infoSep)+2:] {
		switch c {
		case 'S':
			f.seen = true
		case 'T':
			f.deleted = true
		case 'F':
			f.flagged = true
		case 'R':
			f.answered = true
		}
	}
	return f
}
