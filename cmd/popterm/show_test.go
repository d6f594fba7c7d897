package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/popterm/popterm/internal/testenv"
)

// terminal runs popterm commands in a private tmux server, so stdout and
// stderr are a real terminal.
type terminal struct {
	t    *testing.T
	sock string
}

func newTerminal(t *testing.T) *terminal {
	testenv.LookPath(t, "tmux")
	return &terminal{t: t}
}

// run runs shell command cmd in a new 60x20 window, waits until it is done
// and returns the screen with its colours (capture-pane -e).
func (term *terminal) run(cmd string) string {
	term.t.Helper()
	dir := term.t.TempDir()
	done := filepath.Join(dir, "done")
	term.sock = filepath.Join(dir, "tmux.sock") // a server per command
	script := fmt.Sprintf("%s; touch %s; sleep 60", cmd, done)
	term.tmux("-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", "60", "-y", "20", script)
	defer exec.Command("tmux", "-S", term.sock, "kill-server").Run()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if exec.Command("test", "-e", done).Run() == nil {
			break
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("%s did not finish:\n%s", cmd, term.tmux("capture-pane", "-p", "-t", "w"))
		}
	}
	return term.tmux("capture-pane", "-p", "-e", "-t", "w")
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", term.sock}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under tmux")
	}
	c := newCLI(t, "", testMail("a", "hostile \x1b[31mred\x1b[0m \x1b]0;title\x07 subject that is long enough to be cut"),
		testMail("b", "second"))
	term := newTerminal(t)
	bin := popBinary(t)
	pt := fmt.Sprintf("%s --config %s", bin, c.config)

	screen := term.run(pt + " sync")
	if !strings.Contains(screen, "test: 2 new") || strings.Contains(screen, "[#") {
		t.Fatalf("sync on a terminal:\n%s", screen)
	}
	var id int64
	for _, m := range c.list() {
		if m.UIDL == "a" {
			id = m.ID
		}
	}

	screen = term.run(pt + " list")
	for _, line := range strings.Split(screen, "\n") {
		if w := ansi.StringWidth(line); w > 60 {
			t.Errorf("list line wider than the terminal (%d): %q", w, line)
		}
	}
	if strings.Contains(screen, "\x1b[31m") || !strings.Contains(screen, "hostile") {
		t.Fatalf("list on a terminal:\n%q", screen)
	}
	if !strings.Contains(screen, "FLAG") || !strings.Contains(screen, "SUBJECT") || !strings.Contains(screen, "N unseen") {
		t.Errorf("list on a terminal has no header row or no flag legend:\n%s", screen)
	}

	screen = term.run(fmt.Sprintf("%s show --raw %d", pt, id))
	if !strings.Contains(screen, "hostile") || strings.Contains(screen, "\x1b[31m") {
		t.Fatalf("show --raw on a terminal must be sanitized:\n%q", screen)
	}
}
