package cache

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/popterm/popterm/message"
)

// Local folders live beside the account's Maildir in Maildir++ layout:
// folder "Receipts" is Maildir/.Receipts/ with its own cur/, new/ and tmp/,
// and "Work.Projects" is a subfolder of "Work" (Maildir/.Work.Projects/).
// Their messages are plain Maildir files, which mutt, neomutt and Dovecot
// read as they are; the index keeps rows of them apart from the inbox's (see
// IndexFolder).

// ErrBadFolderName is returned for a folder name that cannot be a
// Maildir++ folder.
var ErrBadFolderName = errors.New("not a folder name")

// CheckFolderName accepts a Maildir++ folder name: letters, digits and
// punctuation other than / and \, no control characters, and dots only
// between parts ("Work.Projects"), at most 200 bytes.
func CheckFolderName(name string) error {
	bad := func(why string) error { return fmt.Errorf("folder %q: %w: %s", name, ErrBadFolderName, why) }
	switch {
	case name == "":
		return bad("it is empty")
	case len(name) > 200:
		return bad("it is longer than 200 bytes")
	case !utf8.ValidString(name):
		return bad("it is not valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return bad(`it may not contain / or \`)
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, ".."):
		return bad("dots may only separate parts (Work.Projects)")
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == 0xfffd }):
		return bad("it contains control characters")
	case strings.TrimSpace(name) != name:
		return bad("it starts or ends with a space")
	}
	return nil
}

// FolderPath returns the directory of a local folder (which may not exist
// yet); a bad name is an error wrapping ErrBadFolderName.
func (s *Store) FolderPath(name string) (string, error) {
	if err := CheckFolderName(name); err != nil {
		return "", err
	}
	return s.path(maildirName, "."+name), nil
}

// Folders lists the local folders that exist, sorted by name.
func (s *Store) Folders() ([]string, error) {
	entries, err := os.ReadDir(s.path(maildirName))
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutPrefix(e.Name(), ".")
		if !ok || !e.IsDir() || CheckFolderName(name) != nil {
			continue
		}
		if fi, err := os.Stat(s.path(maildirName, e.Name(), "cur")); err == nil && fi.IsDir() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// FolderMessage is one message file of a local folder, as an index row
// and the file's path. ReadFolder numbers them by their position in the
// folder (for a store whose folder rows are behind the files).
type FolderMessage struct {
	Message
	Path string
}

// maxFolderHeader bounds how much of each file ReadFolder reads.
const maxFolderHeader = 64 << 10

// ReadFolder lists the messages of a Maildir folder (dir holds cur/ and
// new/), in file-name order, with their headers parsed and their Maildir
// flags (S seen, F flagged, R answered, T deleted) read from the names.
// Unreadable files are skipped.
func ReadFolder(dir string) ([]FolderMessage, error) {
	var out []FolderMessage
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("read folder %s: %w", dir, err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			p := filepath.Join(dir, sub, e.Name())
			m, err := readFolderFile(p)
			if err != nil {
				continue
			}
			_, info, _ := strings.Cut(e.Name(), infoSep+"2,")
			m.Seen = strings.Contains(info, "S")
			m.Flagged = strings.Contains(info, "F")
			m.Answered = strings.Contains(info, "R")
			m.Deleted = strings.Contains(info, "T")
			m.ID = int64(len(out) + 1)
			out = append(out, FolderMessage{Message: m, Path: p})
		}
	}
	return out, nil
}

// readFolderFile makes an index row from a message file's header.
func readFolderFile(path string) (Message, error) {
	f, err := os.Open(path)
	if err != nil {
		return Message{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Message{}, err
	}
	head := make([]byte, min(fi.Size(), maxFolderHeader))
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Message{}, err
	}
	head = head[:n]
	sum := message.ParseSummary(head)
	r := summaryRow(sum)
	return Message{
		Size: fi.Size(), From: r.from, FromName: r.fromName, To: splitLines(r.to), Cc: splitLines(r.cc),
		Subject: r.subject, Date: sum.Date, MessageID: r.messageID, InReplyTo: r.inReplyTo,
		References: splitLines(r.refs), HeaderHash: HeaderHash(head), Cached: true,
		HasAttachments: sum.HasAttachments, FirstSeen: fi.ModTime(), DownloadedAt: fi.ModTime(),
	}, nil
}
