package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// command is popterm with the mailbox's config and home, and args.
func (mb *mailbox) command(args ...string) *exec.Cmd {
	cmd := exec.Command(mb.bin, append([]string{"--config", mb.config}, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+mb.home, "XDG_CONFIG_HOME="+filepath.Join(mb.home, "config"),
		"XDG_DATA_HOME="+filepath.Join(mb.home, "data"))
	return cmd
}

// list runs popterm list --json with the mailbox's config and home.
func (mb *mailbox) list(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	out, err := mb.command(append([]string{"list", "--json"}, args...)...).Output()
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
	s.waitFor("* Inbox", "Sent", "Drafts", "Outbox", "Kept")
	s.keys("j", "j", "j", "j", "Enter") // Kept is after Sent, Drafts and Outbox
	s.waitFor("e2e/Kept (read-only)", "E2E message 5", "1 message")
	// The folder is indexed: a search finds it by a word of its body only.
	s.keys("/")
	s.typeText("Body")
	s.keys("Enter")
	s.waitFor("“Body”: 1 message", "E2E message 5")
	s.keys("Escape")
	s.waitGone("“Body”")
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

// U shows two Dovecot accounts in one list; marks go to each message's
// account and q deletes on both servers' maildrops, after one question
// naming each account's share.
func TestUnifiedViewCommitsEachAccount(t *testing.T) {
	mb := newMailbox(t)
	const bob, bobPassword = "bob", "bob-secret-pw"
	if err := mb.srv.AddUser(bob, bobPassword); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		mb.srv.Deliver(bob, []byte(fmt.Sprintf("From: Carol <carol@example.org>\r\nTo: bob@example.org\r\n"+
			"Subject: Home message %d\r\nDate: %s\r\n\r\nHome body %d.\r\n", i,
			time.Date(2026, 11, 21, 9+i, 0, 0, 0, time.UTC).Format(time.RFC1123Z), i)))
	}
	pw := filepath.Join(mb.home, "bob-password")
	if err := os.WriteFile(pw, []byte(bobPassword), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(mb.config)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(mb.srv.TLSAddr(), ":")
	cfg = append(cfg, fmt.Sprintf(`
[[account]]
name = "home"
host = %q
port = %s
tls = "implicit"
username = %q
password_cmd = %q
ca_file = %q
prefetch = "none"
`, host, port, bob, "cat "+pw, mb.srv.CAFile())...)
	if err := os.WriteFile(mb.config, cfg, 0o600); err != nil {
		t.Fatal(err)
	}

	s := mb.start(t)
	s.waitFor("E2E message 5", "synced")
	s.keys("U")
	s.waitFor("all accounts", "Account", "Home message 2", "E2E message 1", "7 messages")
	s.waitFor("synced")        // the unified view's own sync of both accounts
	s.keys("g", "d", "j", "d") // Home message 2, then E2E message 5 (newest first)
	s.waitFor("2 to delete")
	s.keys("q")
	s.waitFor("Delete 2 messages on the server (e2e 1, home 1)? [y/N]")
	s.keys("y")
	s.waitExit()
	if got := mb.subjects(); len(got) != 4 || slices.Contains(got, "E2E message 5") {
		t.Errorf("e2e's server holds %q, want messages 1-4", got)
	}
	if n := mb.srv.Count(bob); n != 1 {
		t.Errorf("home's server holds %d messages, want 1", n)
	}
}
