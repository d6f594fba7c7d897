package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// list runs popterm list --json with the mailbox's config and home.
func (mb *mailbox) list(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	cmd := exec.Command(mb.bin, append([]string{"--config", mb.config, "list", "--json"}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+mb.home, "XDG_CONFIG_HOME="+filepath.Join(mb.home, "config"),
		"XDG_DATA_HOME="+filepath.Join(mb.home, "data"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("popterm list: %v\n%s", err, out)
	}
	var msgs []map[string]any
	if err := json.Unmarshal(out, &msgs); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	return msgs
}

// Flags, read state, a limit and saving to a local folder in the real
// binary against Dovecot: the flag reaches the index and the Maildir file
// name, survives the next sync, and popterm list --pattern agrees.
func TestFlagLimitSave(t *testing.T) {
	mb := newMailbox(t)
	s := mb.start(t)
	s.waitFor("E2E message 5", "E2E message 1", "synced")

	s.keys("g", "Enter") // message 5: downloaded, stored, read
	s.waitFor("Body of message 5.")
	s.keys("F") // flag it in the pager
	s.waitFor("Flagged.")
	s.keys("q", "j", "j", "N") // message 3: N toggles it to read
	s.waitFor("Marked as read.", "3 new")

	s.keys("l")
	s.typeText(`~F | ~s "message 2"`)
	s.keys("Enter")
	s.waitFor(`limit ~F | ~s "message 2"`, "E2E message 5", "E2E message 2")
	if screen := s.capture(); strings.Contains(screen, "E2E message 4") || strings.Contains(screen, "E2E message 3") {
		t.Fatalf("the limit shows other messages:\n%s", screen)
	}
	s.keys("g", "s")
	s.waitFor("Save 1 message to a folder or /path")
	s.typeText("Kept")
	s.keys("Enter")
	s.waitFor("Saved 1 message to folder Kept.")
	s.keys("Escape")
	s.waitFor("E2E message 4", "Showing all messages.")

	// The folder switcher shows the saved copy, read-only.
	s.keys("c")
	s.waitFor("* Inbox", "Kept")
	s.keys("j", "Enter")
	s.waitFor("e2e/Kept (read-only)", "E2E message 5", "1 message")
	s.keys("Enter")
	s.waitFor("Body of message 5.")
	s.keys("q", "c")
	s.waitFor("* Kept")
	s.keys("g", "Enter")
	s.waitFor("E2E message 1", "5 messages")
	s.keys("x")
	s.waitExit()

	store := filepath.Join(mb.home, "data", "popterm", "e2e", "Maildir")
	kept, _ := os.ReadDir(filepath.Join(store, ".Kept", "cur"))
	if len(kept) != 1 || !strings.HasSuffix(kept[0].Name(), ":2,FS") {
		t.Errorf("folder Kept holds %v, want one file flagged and seen", kept)
	}
	cur, _ := os.ReadDir(filepath.Join(store, "cur"))
	if len(cur) != 1 || !strings.HasSuffix(cur[0].Name(), ":2,FS") {
		t.Errorf("the store's cur/ holds %v, want message 5 as :2,FS", cur)
	}

	// A second run syncs again: the marks stay, and nothing reached the
	// server (POP3 has no flags).
	s2 := mb.start(t)
	s2.waitFor("E2E message 5", "synced")
	s2.keys("x")
	s2.waitExit()
	flagged := mb.list(t, "--pattern", "~F")
	if len(flagged) != 1 || flagged[0]["subject"] != "E2E message 5" || flagged[0]["flagged"] != true {
		t.Fatalf("list --pattern ~F: %v", flagged)
	}
	if unread := mb.list(t, "--pattern", "~N"); len(unread) != 3 {
		t.Errorf("list --pattern ~N: %d messages, want 3 (1, 2, 4)", len(unread))
	}
	if n := len(mb.subjects()); n != 5 {
		t.Errorf("the server holds %d messages, want 5", n)
	}
}
