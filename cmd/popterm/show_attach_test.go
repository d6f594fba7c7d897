package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/pop3/pop3test"
)

// attachMail has two attachments: a text file and one whose name tries to
// climb out of the folder.
func attachMail(uid string) pop3test.Message {
	return pop3test.Message{UID: uid, Data: []byte("From: Alice <alice@example.org>\nTo: bob@example.org\n" +
		"Subject: files\nDate: Mon, 02 Jan 2026 15:04:05 +0000\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n" +
		"--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"notes.txt\"\n\nfirst file\n" +
		"--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"../../evil.sh\"\n" +
		"Content-Transfer-Encoding: base64\n\nZWNobyBoaQo=\n--b--\n")}
}

func TestShowSavesAttachmentsNumberedFromOne(t *testing.T) {
	c := newCLI(t, "", attachMail("a"))
	c.must("sync")
	id := fmt.Sprint(c.list()[0].ID)
	out := c.must("show", id)
	if !strings.Contains(out, "[attachment 1] notes.txt") || !strings.Contains(out, "[attachment 2]") || strings.Contains(out, "[attachment 0]") {
		t.Fatalf("show does not number attachments from 1:\n%s", out)
	}

	dir := t.TempDir()
	out = c.must("show", id, "--save-attachment", "1", "--to", dir+"/")
	saved := filepath.Join(dir, "notes.txt")
	if b, err := os.ReadFile(saved); err != nil || string(b) != "first file" {
		t.Fatalf("attachment 1: %q, %v (stdout %q)", b, err, out)
	}
	if !strings.Contains(out, saved) {
		t.Errorf("stdout %q does not name %s", out, saved)
	}
	// Again into the folder: a new name, the first file untouched.
	c.must("show", id, "--save-attachment", "1", "--to", dir)
	if _, err := os.Stat(filepath.Join(dir, "notes (1).txt")); err != nil {
		t.Errorf("second save: %v", err)
	}
	// A file that exists is never replaced.
	code, _, errOut := c.run("show", id, "--save-attachment", "2", "--to", saved)
	if code == exitOK || !strings.Contains(errOut, "already exists") {
		t.Errorf("saving over %s: exit %d, %q", saved, code, errOut)
	}
	if b, _ := os.ReadFile(saved); string(b) != "first file" {
		t.Errorf("existing file changed: %q", b)
	}
	// A hostile name stays inside the folder; a new file path is written as given.
	c.must("show", id, "--save-attachment", "2", "--to", dir)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("folder holds %v", entries)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(dir)), "evil.sh")); err == nil {
		t.Error("a name with ../ escaped the folder")
	}
	file := filepath.Join(t.TempDir(), "script")
	c.must("show", id, "--save-attachment", "2", "--to", file)
	if b, _ := os.ReadFile(file); string(b) != "echo hi\n" {
		t.Errorf("attachment 2 decoded as %q", b)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	for _, bad := range [][]string{{"--save-attachment", "3"}, {"--save-attachment", "0", "--to", dir}, {"--save-attachment", "-1"}} {
		if code, _, errOut := c.run(append([]string{"show", id}, bad...)...); code != exitUsage {
			t.Errorf("show %v: exit %d, want %d (%q)", bad, code, exitUsage, errOut)
		}
	}
}
