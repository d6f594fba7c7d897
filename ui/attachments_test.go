package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
)

const rawWithAttachment = "From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: Lunch on Friday?\r\n" +
	"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n" +
	"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the menu.\r\n" +
	"--XX\r\nContent-Type: text/plain; name=\"menu.txt\"\r\nContent-Disposition: attachment; filename=\"menu.txt\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\nUmFtZW4gYW5kIGd5b3phCg==\r\n--XX--\r\n"

// attachmentFake serves message 8 with one attachment, menu.txt.
func attachmentFake(t *testing.T) *fakeEngine {
	t.Helper()
	f := newFake()
	msg, err := message.Parse(strings.NewReader(rawWithAttachment), message.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Attachments) != 1 {
		t.Fatalf("parsed %d attachments", len(msg.Attachments))
	}
	f.msgs[8] = msg
	f.raw[8] = []byte(rawWithAttachment)
	return f
}

func TestSaveAttachment(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, attachmentFake(t), func(o *Options) { o.UI.DownloadDir = dir })
	h.keys("enter", "v", "s")
	if !strings.Contains(h.screen(), "Save to: "+dir) {
		t.Fatalf("the path prompt is not prefilled with the download folder:\n%s", h.screen())
	}
	h.keys("enter")
	path := filepath.Join(dir, "menu.txt")
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "Ramen and gyoza\n" {
		t.Fatalf("saved %q, %v", got, err)
	}
	if !strings.Contains(h.m.status.notice, "Saved to "+path) {
		t.Errorf("notice %q", h.m.status.notice)
	}
	// Again: a new name, never an overwrite.
	h.keys("s", "enter")
	if _, err := os.Stat(filepath.Join(dir, "menu (1).txt")); err != nil {
		t.Errorf("second save: %v (notice %q, error %q)", err, h.m.status.notice, h.m.status.err)
	}
	// A file path that exists is refused.
	h.keys("s", "ctrl+u", "type:"+path, "enter")
	if !strings.Contains(h.m.status.err, "Could not save") {
		t.Errorf("overwrote an existing file: status %q", h.m.status.err)
	}
	// Esc cancels.
	h.keys("s", "esc")
	if h.m.prompt.Active() {
		t.Error("esc did not close the prompt")
	}
	// A file name of one's own.
	named := filepath.Join(dir, "lunch.txt")
	h.keys("s", "ctrl+u", "type:"+named, "enter")
	if got, err := os.ReadFile(named); err != nil || string(got) != "Ramen and gyoza\n" {
		t.Errorf("save as a new file: %q, %v (status %q)", got, err, h.m.status.err)
	}
}

// A download folder that does not exist yet is created (0700) and the
// attachment saved inside it, never written as a file named like the folder.
func TestSaveAttachmentCreatesDownloadFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Downloads")
	h := newHarness(t, attachmentFake(t), func(o *Options) { o.UI.DownloadDir = dir })
	h.keys("enter", "v", "s", "enter")
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("download folder: %v, %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "menu.txt")); err != nil {
		t.Errorf("not saved inside the folder: %v (status %q %q)", err, h.m.status.notice, h.m.status.err)
	}
	// A file path in a folder that does not exist is an error, not a guess.
	h.keys("s", "ctrl+u", "type:"+filepath.Join(dir, "no", "such.txt"), "enter")
	if !strings.HasPrefix(h.m.status.err, "Could not save the attachment") {
		t.Errorf("status %q", h.m.status.err)
	}
}

func TestOpenAttachmentPrivateTempFile(t *testing.T) {
	h := newHarness(t, attachmentFake(t), func(o *Options) { o.UI.OpenCmd = "true" })
	h.keys("enter", "v", "enter")
	if h.m.status.err != "" || len(h.m.tempFiles) != 1 {
		t.Fatalf("error %q, temp dirs %v", h.m.status.err, h.m.tempFiles)
	}
	dir := h.m.tempFiles[0]
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("temp folder %v mode %v", err, fi.Mode())
	}
	file := filepath.Join(dir, "menu.txt")
	fi, err = os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("temp file %v mode %v", err, fi.Mode())
	}
	if b, _ := os.ReadFile(file); !bytes.Equal(b, []byte("Ramen and gyoza\n")) {
		t.Errorf("temp file holds %q", b)
	}
	h.m.Cleanup()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("Cleanup left %s: %v", dir, err)
	}
}

func TestOpenAttachmentBodyMissing(t *testing.T) {
	f := attachmentFake(t)
	delete(f.raw, 8)
	h := newHarness(t, f, nil)
	h.keys("enter", "v", "enter")
	if !strings.Contains(h.m.status.err, "Could not open the attachment") {
		t.Errorf("status error %q", h.m.status.err)
	}
	if len(h.m.tempFiles) != 0 {
		t.Error("a failed open left a temp folder behind")
	}
}

// The config's default download folder gives way to XDG_DOWNLOAD_DIR; a
// folder set in the config does not.
func TestDownloadFolderFollowsXDG(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_DOWNLOAD_DIR", xdg)
	h := newHarness(t, attachmentFake(t), func(o *Options) { o.UI.DownloadDir = config.DefaultUI().DownloadDir })
	h.keys("enter", "v", "s")
	if !strings.Contains(h.screen(), "Save to: "+xdg+string(filepath.Separator)) {
		t.Errorf("the prompt ignores XDG_DOWNLOAD_DIR:\n%s", h.screen())
	}
	set := t.TempDir()
	h = newHarness(t, attachmentFake(t), func(o *Options) { o.UI.DownloadDir = set })
	h.keys("enter", "v", "s")
	if !strings.Contains(h.screen(), "Save to: "+set) {
		t.Errorf("the prompt ignores ui.download_dir:\n%s", h.screen())
	}
}

// A viewer that is not installed is named in a sentence that says what to do.
func TestMissingViewerIsASentence(t *testing.T) {
	h := newHarness(t, attachmentFake(t), nil)
	err := openerCommand("popterm-no-such-viewer --flag", "/tmp/x").Run()
	h.send(openerDoneMsg{err: err})
	want := `No viewer: "popterm-no-such-viewer" is not installed. Set ui.open_cmd in the config`
	if !strings.HasPrefix(h.m.status.err, want) {
		t.Errorf("status %q, want %q...", h.m.status.err, want)
	}
}
