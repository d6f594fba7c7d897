package cache

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Folder is one of the account's local folders, kept in Maildir++ layout
// beside the inbox (Maildir/.Outbox/, .Sent/, .Drafts/, each with tmp/,
// new/ and cur/), so other Maildir readers see them as folders.
type Folder string

// The local folders.
const (
	// Outbox holds messages waiting to be submitted (and those the server
	// refused for good, until the user drops them).
	Outbox Folder = "Outbox"
	// Sent holds messages the submission server accepted.
	Sent Folder = "Sent"
	// Drafts holds postponed messages.
	Drafts Folder = "Drafts"
)

// outboxStateName is the store folder holding one JSON state file per
// outbox message (its envelope and sending state), outside the Maildir.
const outboxStateName = "outbox"

// maxStateFile bounds a state file read.
const maxStateFile = 1 << 20

// OutboxState is where a queued message stands.
type OutboxState string

// Outbox states.
const (
	// Queued messages go out at the next flush (after RetryAt).
	Queued OutboxState = "queued"
	// Sending is recorded just before DATA. Found later, it means popterm
	// stopped during the transfer: the message may have been sent, and is
	// never sent again without the user saying so.
	Sending OutboxState = "sending"
	// Failed messages were refused for good (a 5xx reply): they stay until
	// the user retries or drops them.
	Failed OutboxState = "failed"
)

// OutboxEntry is the state of one outbox message.
type OutboxEntry struct {
	// ID names the message in the outbox (its Maildir unique name).
	ID    string      `json:"id"`
	State OutboxState `json:"state"`
	// From and To are the envelope: MAIL FROM and every RCPT TO (Bcc
	// included, which the message itself does not hold).
	From string   `json:"from"`
	To   []string `json:"to"`
	// Subject is the decoded subject, for listings.
	Subject   string    `json:"subject"`
	Queued    time.Time `json:"queued"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	// RetryAt is when a flush may try again after a temporary failure.
	RetryAt time.Time `json:"retry_at,omitempty"`
}

// LocalMessage is one message file of a local folder.
type LocalMessage struct {
	ID      string
	Size    int64
	ModTime time.Time
}

// ErrBadID means an outbox or folder ID is malformed (it never names a file
// outside the folder).
var ErrBadID = errors.New("cache: not a message ID of this folder")

// folderIDRE matches the IDs of local folder messages.
var folderIDRE = regexp.MustCompile(`^[0-9]+\.[0-9a-f]{16}\.[A-Za-z0-9._-]+$`)

// folderPath is a local folder's subfolder (tmp, new, cur).
func (s *Store) folderPath(f Folder, sub string) string {
	return s.path(maildirName, "."+string(f), sub)
}

// makeFolder creates f's Maildir++ folders (0700) and its maildirfolder
// marker.
func (s *Store) makeFolder(f Folder) error {
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(s.folderPath(f, sub), dirPerm); err != nil {
			return fmt.Errorf("create folder %s: %w", f, err)
		}
	}
	marker := s.folderPath(f, "maildirfolder")
	if _, err := os.Stat(marker); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(marker, nil, filePerm); err != nil {
			return fmt.Errorf("create folder %s: %w", f, err)
		}
	}
	return os.MkdirAll(s.path(outboxStateName), dirPerm)
}

// newFolderID makes a unique name "<unix nanoseconds>.<random>.<host>", so
// IDs sort in the order messages were written.
func (s *Store) newFolderID() (string, error) {
	var r [8]byte
	if _, err := io.ReadFull(rand.Reader, r[:]); err != nil {
		return "", fmt.Errorf("make file name: %w", err)
	}
	return fmt.Sprintf("%d.%s.%s", time.Now().UnixNano(), hex.EncodeToString(r[:]), s.host), nil
}

// writeDurably writes data to path through a temporary file in tmpDir:
// written, fsynced, renamed into place, and the folder fsynced.
func writeDurably(tmpDir, path string, data []byte) error {
	tmp, err := os.CreateTemp(tmpDir, ".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// addToFolder stores raw (LF line ends) in f's cur/ with the Maildir flags
// info, durably, under a new ID.
func (s *Store) addToFolder(f Folder, raw []byte, info string) (string, error) {
	if err := s.makeFolder(f); err != nil {
		return "", err
	}
	id, err := s.newFolderID()
	if err != nil {
		return "", err
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	if err := writeDurably(s.folderPath(f, "tmp"), s.folderPath(f, "cur")+"/"+id+infoSep+"2,"+info, raw); err != nil {
		return "", fmt.Errorf("store a message in %s: %w", f, err)
	}
	return id, nil
}

// folderFile finds the file of id in f (cur/ or new/, any flags).
func (s *Store) folderFile(f Folder, id string) (string, error) {
	if !folderIDRE.MatchString(id) {
		return "", fmt.Errorf("%w: %q", ErrBadID, id)
	}
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(s.folderPath(f, sub))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("read folder %s: %w", f, err)
		}
		for _, e := range entries {
			if u, _ := parseFileName(e.Name()); u == id {
				return filepath.Join(s.folderPath(f, sub), e.Name()), nil
			}
		}
	}
	return "", fmt.Errorf("%w: %s in %s", ErrNotFound, id, f)
}

// LocalMessages lists f's messages, oldest first.
func (s *Store) LocalMessages(f Folder) ([]LocalMessage, error) {
	var out []LocalMessage
	for _, sub := range []string{"cur", "new"} {
		entries, err := os.ReadDir(s.folderPath(f, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read folder %s: %w", f, err)
		}
		for _, e := range entries {
			id, _ := parseFileName(e.Name())
			info, err := e.Info()
			if err != nil || !info.Mode().IsRegular() || !folderIDRE.MatchString(id) {
				continue
			}
			out = append(out, LocalMessage{ID: id, Size: info.Size(), ModTime: info.ModTime()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ReadLocalMessage returns the raw message id of f.
func (s *Store) ReadLocalMessage(f Folder, id string) ([]byte, error) {
	path, err := s.folderFile(f, id)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// SaveDraft stores raw in Drafts and returns its ID.
func (s *Store) SaveDraft(raw []byte) (string, error) {
	if err := s.writable(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.addToFolder(Drafts, raw, "S")
	if err == nil {
		s.afterChange(map[Folder][]string{Drafts: {id}})
	}
	return id, err
}

// RemoveFromFolder deletes message id of f (a sent draft, a dropped
// outbox message uses DropOutbox).
func (s *Store) RemoveFromFolder(f Folder, id string) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	path, err := s.folderFile(f, id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove from %s: %w", f, err)
	}
	defer s.afterChange(map[Folder][]string{f: {id}})
	return syncDir(filepath.Dir(path))
}

// RemoveDraft deletes the draft that the Drafts index numbers row (file
// and row): a resumed draft, once its new copy is queued or saved.
func (s *Store) RemoveDraft(ctx context.Context, row int64) error {
	if err := s.writable(); err != nil {
		return err
	}
	_, path, err := s.FolderFile(ctx, string(Drafts), row)
	if err != nil {
		return fmt.Errorf("remove draft %d: %w", row, err)
	}
	id, _ := parseFileName(filepath.Base(path))
	return s.RemoveFromFolder(Drafts, id)
}

// statePath is the state file of outbox message id.
func (s *Store) statePath(id string) string { return s.path(outboxStateName, id+".json") }

// writeState saves e durably.
func (s *Store) writeState(e OutboxEntry) error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	if err := writeDurably(s.path(outboxStateName), s.statePath(e.ID), append(data, '\n')); err != nil {
		return fmt.Errorf("record the outbox state of %s: %w", e.ID, err)
	}
	return nil
}

// readState loads the state of id.
func (s *Store) readState(id string) (OutboxEntry, error) {
	var e OutboxEntry
	f, err := os.Open(s.statePath(id))
	if errors.Is(err, os.ErrNotExist) {
		return e, fmt.Errorf("%w: %s in the outbox", ErrNotFound, id)
	}
	if err != nil {
		return e, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile))
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("the outbox state of %s is damaged: %w", id, err)
	}
	e.ID = id
	return e, nil
}

// Enqueue stores raw in the outbox with its envelope, durably, before any
// network: the message is written and fsynced (tmp/, then cur/), its state
// recorded as queued, and only then does Enqueue return.
func (s *Store) Enqueue(raw []byte, from string, to []string, subject string) (OutboxEntry, error) {
	if err := s.writable(); err != nil {
		return OutboxEntry{}, err
	}
	if len(to) == 0 {
		return OutboxEntry{}, errors.New("cache: a queued message needs at least one recipient")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.makeFolder(Outbox); err != nil {
		return OutboxEntry{}, err
	}
	// The state first: a crash before the message lands leaves a state
	// without a message, which Outboxed drops; never a message without its
	// envelope (Bcc is only there).
	id, err := s.newFolderID()
	if err != nil {
		return OutboxEntry{}, err
	}
	e := OutboxEntry{ID: id, State: Queued, From: from, To: to, Subject: subject, Queued: time.Now().UTC().Truncate(time.Second)}
	if err := s.writeState(e); err != nil {
		return OutboxEntry{}, err
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	if err := writeDurably(s.folderPath(Outbox, "tmp"), s.folderPath(Outbox, "cur")+"/"+id+infoSep+"2,", raw); err != nil {
		os.Remove(s.statePath(id))
		return OutboxEntry{}, fmt.Errorf("queue the message: %w", err)
	}
	s.afterChange(map[Folder][]string{Outbox: {id}})
	return e, nil
}

// Outboxed lists the outbox, oldest first. A state whose message is gone
// (a crash between the steps of Enqueue or MoveToSent) is removed.
func (s *Store) Outboxed() ([]OutboxEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	msgs, err := s.LocalMessages(Outbox)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, m := range msgs {
		have[m.ID] = true
	}
	entries, err := os.ReadDir(s.path(outboxStateName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read the outbox: %w", err)
	}
	var out []OutboxEntry
	for _, de := range entries {
		id, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || !folderIDRE.MatchString(id) {
			continue
		}
		if !have[id] {
			if !s.readOnly {
				os.Remove(s.statePath(id))
			}
			continue
		}
		e, err := s.readState(id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// OutboxEntry returns the state of id; a unique prefix of an ID is enough.
func (s *Store) OutboxEntry(id string) (OutboxEntry, error) {
	all, err := s.Outboxed()
	if err != nil {
		return OutboxEntry{}, err
	}
	var found []OutboxEntry
	for _, e := range all {
		if e.ID == id {
			return e, nil
		}
		if id != "" && strings.HasPrefix(e.ID, id) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return OutboxEntry{}, fmt.Errorf("%w: %q in the outbox", ErrNotFound, id)
	case 1:
		return found[0], nil
	}
	return OutboxEntry{}, fmt.Errorf("cache: %q names %d outbox messages: give more of the ID", id, len(found))
}

// UpdateOutbox records a new state for an outbox message (durably: the
// "sending" mark must be on disk before DATA).
func (s *Store) UpdateOutbox(e OutboxEntry) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.readState(e.ID); err != nil {
		return err
	}
	return s.writeState(e)
}

// OutboxMessage returns the raw message of outbox entry id.
func (s *Store) OutboxMessage(id string) ([]byte, error) {
	return s.ReadLocalMessage(Outbox, id)
}

// MoveToSent moves an outbox message the server accepted into Sent (marked
// seen) and forgets its state. The rename is fsynced before the state goes.
func (s *Store) MoveToSent(id string) (sentID string, err error) {
	if err := s.writable(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	path, err := s.folderFile(Outbox, id)
	if err != nil {
		return "", err
	}
	if err := s.makeFolder(Sent); err != nil {
		return "", err
	}
	dst := filepath.Join(s.folderPath(Sent, "cur"), id+infoSep+"2,S")
	if err := os.Rename(path, dst); err != nil {
		return "", fmt.Errorf("move %s to Sent: %w", id, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return "", err
	}
	// The row moves from Outbox to Sent in one transaction; a crash before
	// it leaves rows that IndexFolder repairs when the folders are opened.
	s.afterChange(map[Folder][]string{Outbox: {id}, Sent: {id}})
	if err := os.Remove(s.statePath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("forget the outbox state of %s: %w", id, err)
	}
	return id, syncDir(s.path(outboxStateName))
}

// DropOutbox removes an outbox message and its state.
func (s *Store) DropOutbox(id string) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	path, err := s.folderFile(Outbox, id)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("drop %s: %w", id, err)
	}
	defer s.afterChange(map[Folder][]string{Outbox: {id}})
	if err := syncDir(filepath.Dir(path)); err != nil {
		return err
	}
	if err := os.Remove(s.statePath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(s.path(outboxStateName))
}
