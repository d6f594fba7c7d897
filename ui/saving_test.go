package ui

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/popterm/popterm/message"
)

// s asks where to save the selected (or shown) message, naming the
// folders; the answer goes to the engine as typed.
func TestSaveMessage(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("j", "s")
	if !h.m.prompt.Active() || h.m.prompt.kind != promptSaveMessage || !strings.Contains(h.screen(), "Save 1 message to a folder or /path (Receipts, Work)") {
		t.Fatalf("no save prompt:\n%s", h.screen())
	}
	h.keys("type:Receipts", "enter")
	if len(f.saves) != 1 || !slices.Equal(f.saves[0].ids, []int64{7}) || f.saves[0].target != "Receipts" {
		t.Fatalf("saves %+v", f.saves)
	}
	if text, _ := h.m.status.Message(); text != "Saved 1 message to folder Receipts." {
		t.Errorf("after save: %q", text)
	}
	h.keys("enter", "s") // in the pager: the shown message, last target offered
	if h.m.prompt.Value() != "Receipts" {
		t.Errorf("prompt starts with %q", h.m.prompt.Value())
	}
	for h.m.prompt.Value() != "" {
		h.keys("backspace")
	}
	h.keys("type:bad/name", "enter")
	if text, isErr := h.m.status.Message(); !isErr || !strings.Contains(text, "not a folder name") {
		t.Errorf("bad name: %q", text)
	}
	h.keys("s", "esc")
	if len(f.saves) != 2 {
		t.Errorf("Esc saved: %+v", f.saves)
	}
}

// | runs the typed command with sh -c, the raw message on its standard
// input (never on the command line), and shows the output in a pager.
func TestPipeMessage(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	f := newFake()
	marker := filepath.Join(t.TempDir(), "injected")
	// A hostile subject line: if the message reached the command line, the
	// shell would create the marker file.
	f.raw[8] = []byte("Subject: $(touch " + marker + ")\n\nhello \x1b[31mpipe\n")
	f.raw[7] = []byte("Subject: second\n\nno newline at the end")
	h := newHarness(t, f, nil)
	h.keys("|", "type:grep -c . ; echo done", "enter")
	if h.m.screen != screenOutput {
		t.Fatalf("no output screen:\n%s", h.screen())
	}
	s := h.screen()
	if !strings.Contains(s, "| grep -c . ; echo done") || !strings.Contains(s, "2") || !strings.Contains(s, "done") {
		t.Errorf("output:\n%s", s)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the message reached the shell's command line")
	}
	h.keys("q")
	if h.m.screen != screenIndex {
		t.Fatalf("q did not go back: %v", h.m.screen)
	}
	// Two tagged messages go one after the other; control characters in the
	// output are removed; a failing command shows its exit status.
	h.keys("T", "T", ";", "|", "ctrl+u")
	for h.m.prompt.Value() != "" {
		h.keys("backspace")
	}
	h.keys("type:cat; exit 3", "enter")
	s = h.screen()
	if !strings.Contains(s, "hello pipe") || !strings.Contains(s, "no newline at the end") || !strings.Contains(s, "exit status 3") {
		t.Errorf("tagged pipe output:\n%s", s)
	}
	checkNoForeignEscapes(t, h.m.View().Content)
}

// o in the pager opens a numbered link with open_cmd; file:, smb: and UNC
// links are refused with a note.
func TestOpenLink(t *testing.T) {
	f := newFake()
	m := richMessage()
	m.Links = []message.Link{{Number: 1, URL: "https://example.org/lunch"}, {Number: 2, URL: "file:///etc/passwd"},
		{Number: 3, URL: `\\server\share\x.exe`}, {Number: 4, URL: "smb://server/share"}, {Number: 5, URL: "javascript:alert(1)"}}
	f.msgs[8] = m
	h := newHarness(t, f, nil)
	h.keys("enter", "o")
	if !strings.Contains(h.screen(), "Open link (1-5)") {
		t.Fatalf("no link prompt:\n%s", h.screen())
	}
	for _, tt := range []struct{ n, want string }{
		{"2", "file: links open local files"},
		{"3", "network (UNC) path"},
		{"4", "smb: links reach network shares"},
		{"5", "not javascript:"},
		{"9", "There is no link 9"},
	} {
		h.keys("type:"+tt.n, "enter")
		if text, isErr := h.m.status.Message(); !isErr || !strings.Contains(text, tt.want) {
			t.Errorf("link %s: %q", tt.n, text)
		}
		h.keys("o")
	}
	h.keys("esc")
	for _, u := range []string{"https://example.org/x", "mailto:a@example.org", "HTTP://EXAMPLE.ORG"} {
		if why := refuseLink(u); why != "" {
			t.Errorf("%s refused: %s", u, why)
		}
	}
	for _, u := range []string{"//host/share", "https://a b", "https://x\x1b]8;;", "ftp://x", "data:text/html,x", "relative/path"} {
		if refuseLink(u) == "" {
			t.Errorf("%q accepted", u)
		}
	}
}

// Tab in the save prompt completes local folder names.
func TestSaveCompletesFolders(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("s", "type:=r", "tab")
	if h.m.prompt.Value() != "=Receipts" {
		t.Fatalf("=r completed to %q", h.m.prompt.Value())
	}
	h.keys("enter")
	if len(f.saves) != 1 || f.saves[0].target != "=Receipts" {
		t.Fatalf("saves %+v", f.saves)
	}
	h.keys("s")
	for h.m.prompt.Value() != "" {
		h.keys("backspace")
	}
	h.keys("type:x", "tab")
	if h.m.prompt.Value() != "x" {
		t.Errorf("no match changed the text to %q", h.m.prompt.Value())
	}
}
