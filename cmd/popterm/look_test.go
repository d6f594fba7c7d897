package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// reverseVideo matches an SGR sequence that turns reverse video on.
var reverseVideo = regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?7(?:;[0-9;]*)?m`)

// demoScreen runs `popterm --demo` under tmux with extra environment and
// returns the screen with its attributes once the index shows.
func demoScreen(t *testing.T, bin, environ string) string {
	t.Helper()
	term := newTerminal(t)
	dir := t.TempDir()
	term.sock = filepath.Join(dir, "tmux.sock")
	cmd := fmt.Sprintf("exec env HOME=%s XDG_CONFIG_HOME=%s XDG_DATA_HOME=%s %s %s --demo", dir, dir, dir, environ, bin)
	term.tmux("-f", "/dev/null", "new-session", "-d", "-s", "w", "-x", "100", "-y", "24", cmd)
	defer exec.Command("tmux", "-S", term.sock, "kill-server").Run()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		screen := term.tmux("capture-pane", "-p", "-e", "-t", "w")
		if strings.Contains(screen, "Lunch on Friday?") && strings.Contains(screen, "demo") && strings.Contains(screen, "synced") {
			return screen
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the index did not show:\n%s", environ, screen)
		}
	}
}

// TestReaderOnPlainTerminals: TERM=vt100 gets no 256-colour or true-colour
// codes (even inside tmux, whose TMUX variable promises 256), TERM=dumb
// still shows the selected row in reverse video, and LANG=C gets ASCII
// only: no box drawing, no ellipsis, mail's own characters as "?".
func TestReaderOnPlainTerminals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary under tmux")
	}
	bin := popBinary(t)
	colour := regexp.MustCompile(`\x1b\[[0-9;]*[34]8;[25];`)

	screen := demoScreen(t, bin, "TERM=vt100 COLORTERM=truecolor LANG=C.UTF-8")
	if colour.MatchString(screen) {
		t.Errorf("TERM=vt100 got 256-colour or true-colour codes:\n%q", screen)
	}
	if !reverseVideo.MatchString(screen) {
		t.Errorf("TERM=vt100: no reverse video for the selected row:\n%q", screen)
	}

	screen = demoScreen(t, bin, "TERM=dumb LANG=C.UTF-8")
	if !reverseVideo.MatchString(screen) {
		t.Errorf("TERM=dumb: the selected row is not shown in reverse video:\n%q", screen)
	}

	screen = demoScreen(t, bin, "TERM=xterm-256color LANG=C LC_ALL= LC_CTYPE=")
	for _, r := range screen {
		if r >= 0x80 {
			t.Errorf("LANG=C: non-ASCII %q on the screen:\n%s", r, screen)
			break
		}
	}
	if !colour.MatchString(screen) {
		t.Errorf("TERM=xterm-256color lost its colours:\n%q", screen)
	}
}
