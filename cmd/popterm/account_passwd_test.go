package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// interact runs cmd in a tmux window and answers each prompt: it waits for
// want[i] on the screen, then types typed[i] and Enter. It returns the
// screen once cmd has finished, and its exit status.
func (term *terminal) interact(cmd string, want, typed []string) (string, string) {
	term.t.Helper()
	dir := term.t.TempDir()
	done := filepath.Join(dir, "done")
	term.sock = filepath.Join(dir, "tmux.sock")
	script := fmt.Sprintf("%s; echo \"exit=$?\" > %s; sleep 60", cmd, done)
	term.tmux("-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", "100", "-y", "20", script)
	defer exec.Command("tmux", "-S", term.sock, "kill-server").Run()
	waitFor := func(what string, ok func() bool) {
		for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				term.t.Fatalf("%s: no %s:\n%s", cmd, what, term.tmux("capture-pane", "-p", "-t", "w"))
			}
		}
	}
	for i := range want {
		waitFor(want[i], func() bool {
			return strings.Count(term.tmux("capture-pane", "-p", "-t", "w"), want[i]) > 0
		})
		term.tmux("send-keys", "-t", "w", "-l", typed[i])
		term.tmux("send-keys", "-t", "w", "Enter")
	}
	var status string
	waitFor("end", func() bool {
		out, err := exec.Command("cat", done).Output()
		status = strings.TrimSpace(string(out))
		return err == nil && status != ""
	})
	return term.tmux("capture-pane", "-p", "-t", "w"), status
}

// TestPasswdAsksTwiceAndTests: on a terminal `account passwd` asks twice,
// masked, refuses two that differ, and tries the new password on the
// server before storing it (the keyring is never reached here: neither
// password is stored).
func TestPasswdAsksTwiceAndTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under tmux")
	}
	c := newCLI(t, "")
	term := newTerminal(t)
	pt := fmt.Sprintf("%s --config %s account passwd test", popBinary(t), c.config)

	screen, status := term.interact(pt, []string{"New password", "again"}, []string{"first-try", "first-tyr"})
	if status != fmt.Sprintf("exit=%d", exitUsage) || !strings.Contains(screen, "differ") || !strings.Contains(screen, "nothing was changed") {
		t.Errorf("two different passwords: %s\n%s", status, screen)
	}
	if strings.Contains(screen, "first-t") {
		t.Errorf("a password was echoed:\n%s", screen)
	}

	screen, status = term.interact(pt, []string{"New password", "again"}, []string{"not-the-password", "not-the-password"})
	if status != fmt.Sprintf("exit=%d", exitCredentials) || !strings.Contains(screen, "refused the new password") || !strings.Contains(screen, "old one is kept") {
		t.Errorf("a password the server refuses: %s\n%s", status, screen)
	}
}
