package cache

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOutboxLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("From: a@x\r\nTo: b@y\r\nSubject: hi\r\n\r\nbody\r\n")
	e, err := s.Enqueue(raw, "a@x", []string{"b@y", "hidden@z"}, "hi")
	if err != nil {
		t.Fatal(err)
	}
	if e.State != Queued || e.Attempts != 0 || e.Queued.IsZero() {
		t.Errorf("new entry %+v", e)
	}
	// Durable: a new process (after Close) sees the message and its envelope.
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.Outboxed()
	if err != nil || len(list) != 1 || list[0].ID != e.ID || strings.Join(list[0].To, ",") != "b@y,hidden@z" {
		t.Fatalf("Outboxed = %+v, %v", list, err)
	}
	got, err := s.OutboxMessage(e.ID)
	if err != nil || !bytes.Equal(got, bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))) {
		t.Fatalf("OutboxMessage = %q, %v", got, err)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{filepath.Join(dir, "Maildir", ".Outbox", "cur"), filepath.Join(dir, "outbox")} {
			if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o700 {
				t.Errorf("%s: mode %v, %v; want 0700", p, st.Mode().Perm(), err)
			}
		}
		files, _ := filepath.Glob(filepath.Join(dir, "Maildir", ".Outbox", "cur", "*"))
		files2, _ := filepath.Glob(filepath.Join(dir, "outbox", "*"))
		for _, p := range append(files, files2...) {
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want 0600", p, st.Mode().Perm())
			}
		}
	}

	e.State, e.Attempts = Sending, 1
	if err := s.UpdateOutbox(e); err != nil {
		t.Fatal(err)
	}
	if byPrefix, err := s.OutboxEntry(e.ID[:12]); err != nil || byPrefix.State != Sending {
		t.Errorf("OutboxEntry(prefix) = %+v, %v", byPrefix, err)
	}
	if _, err := s.MoveToSent(e.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Outboxed(); len(list) != 0 {
		t.Errorf("outbox after MoveToSent: %+v", list)
	}
	sent, err := s.LocalMessages(Sent)
	if err != nil || len(sent) != 1 || sent[0].ID != e.ID {
		t.Fatalf("Sent = %+v, %v", sent, err)
	}
	if b, _ := s.ReadLocalMessage(Sent, e.ID); !bytes.Equal(b, got) {
		t.Error("the sent copy differs from the queued message")
	}
	if _, err := os.Stat(filepath.Join(dir, "Maildir", ".Sent", "maildirfolder")); err != nil {
		t.Errorf("no Maildir++ marker: %v", err)
	}
}

func TestOutboxDropAndErrors(t *testing.T) {
	s := openTest(t)
	a, _ := s.Enqueue([]byte("Subject: a\n\nx\n"), "a@x", []string{"b@y"}, "a")
	b, _ := s.Enqueue([]byte("Subject: b\n\nx\n"), "a@x", []string{"b@y"}, "b")
	if err := s.DropOutbox(a.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.Outboxed(); len(list) != 1 || list[0].ID != b.ID {
		t.Errorf("after drop: %+v", list)
	}
	for _, bad := range []string{"../../etc/passwd", "", "x/y"} {
		if err := s.DropOutbox(bad); !errors.Is(err, ErrBadID) {
			t.Errorf("DropOutbox(%q) = %v, want ErrBadID", bad, err)
		}
	}
	if _, err := s.OutboxEntry("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown ID: %v", err)
	}
	if err := s.UpdateOutbox(OutboxEntry{ID: a.ID}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a dropped message: %v", err)
	}
	if _, err := s.Enqueue([]byte("x"), "a@x", nil, ""); err == nil {
		t.Error("a message without recipients was queued")
	}

	// A crash in MoveToSent after the rename: the state is left behind and
	// the next listing forgets it.
	c, _ := s.Enqueue([]byte("Subject: c\n\nx\n"), "a@x", []string{"b@y"}, "c")
	p, _ := s.folderFile(Outbox, c.ID)
	s.makeFolder(Sent)
	os.Rename(p, filepath.Join(s.folderPath(Sent, "cur"), filepath.Base(p)))
	if list, _ := s.Outboxed(); len(list) != 1 || list[0].ID != b.ID {
		t.Errorf("after an interrupted move: %+v", list)
	}
	if _, err := os.Stat(s.statePath(c.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the orphan state file was kept")
	}
}

func TestDrafts(t *testing.T) {
	s := openTest(t)
	id, err := s.SaveDraft([]byte("Subject: later\n\nhalf written\n"))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := s.LocalMessages(Drafts)
	if len(list) != 1 || list[0].ID != id {
		t.Fatalf("Drafts = %+v", list)
	}
	if b, _ := s.ReadLocalMessage(Drafts, id); string(b) != "Subject: later\n\nhalf written\n" {
		t.Errorf("draft = %q", b)
	}
	if err := s.RemoveFromFolder(Drafts, id); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.LocalMessages(Drafts); len(list) != 0 {
		t.Errorf("after removal: %+v", list)
	}
}

func TestFoldersReadOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, _ := s.Enqueue([]byte("x\n"), "a@x", []string{"b@y"}, "")
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	defer s.Close()
	if _, err := ro.Enqueue([]byte("x"), "a@x", []string{"b@y"}, ""); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only Enqueue: %v", err)
	}
	if err := ro.DropOutbox(e.ID); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only DropOutbox: %v", err)
	}
	if list, err := ro.Outboxed(); err != nil || len(list) != 1 {
		t.Errorf("read-only listing: %+v, %v", list, err)
	}
}
