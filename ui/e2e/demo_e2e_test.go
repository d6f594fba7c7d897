package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/popterm/popterm/internal/testenv"
)

// TestDemoScreens runs `popterm --demo` under tmux at 100x30: the index, a
// threaded reply in the pager and an attachment list. With
// POPTERM_WRITE_SCREENS=1 it also rewrites docs/screens.txt, the capture
// the README shows.
func TestDemoScreens(t *testing.T) {
	testenv.LookPath(t, "tmux")
	bin := buildPopterm(t)
	home := t.TempDir()
	s := startCommand(t, home, bin+" --demo")

	s.waitFor("Lunch on Friday?", "synced")
	s.keys("j", "j", "j", "j", "j", "j", "d", "j", "d")
	index := s.waitFor("2 to delete")
	s.keys("g")
	for range 13 {
		s.keys("j")
	}
	s.keys("Enter")
	pager := s.waitFor("Subject: Re: Lunch on Friday?", "wrote:")
	s.keys("q", "g", "j", "j", "j", "j", "j", "Enter")
	s.waitFor("attachments (v to view")
	s.keys("v")
	attach := s.waitFor("Attachments of")
	s.keys("q", "q", "x")
	s.waitExit()

	if strings.Contains(index+pager+attach, "\x1b") {
		t.Error("an escape sequence reached the screen text")
	}
	if os.Getenv("POPTERM_WRITE_SCREENS") == "" {
		return
	}
	trail := regexp.MustCompile(`(?m)[ \t]+$`)
	var b strings.Builder
	b.WriteString("popterm --demo, captured with tmux capture-pane at 100x30 (colours and the\n" +
		"highlighted selection do not show in plain text). Regenerate with\n" +
		"POPTERM_WRITE_SCREENS=1 go test ./ui/e2e -run DemoScreens\n\n")
	for _, sec := range []struct{ title, text string }{
		{"The index (two messages marked D for deletion; N new, + stored offline, A attachments)", index},
		{"The pager (Enter on \"Re: Lunch on Friday?\")", pager},
		{"Attachments (v in the pager)", attach},
	} {
		b.WriteString("== " + sec.title + "\n\n" + strings.TrimRight(trail.ReplaceAllString(sec.text, ""), "\n") + "\n\n")
	}
	out := filepath.Join("..", "..", "docs", "screens.txt")
	if err := os.WriteFile(out, []byte(strings.TrimRight(b.String(), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
