package mailfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mboxrd quoting: every ">*From " line gets one more '>', CRLF becomes LF,
// a missing final newline is added, and messages are separated by a blank
// line even when the file did not end in one.
func TestAppendMboxrd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "saved.mbox")
	date := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	first := "From: a@example.org\r\nSubject: one\r\n\r\nFrom here\r\n>From there\r\n>>From everywhere\r\nFromage\r\n"
	second := "Subject: two\n\nno final newline"
	err := AppendMbox(path, []MboxMessage{
		{Sender: "a@example.org", Date: date, Raw: strings.NewReader(first)},
		{Sender: "bad sender\n", Date: date, Raw: strings.NewReader(second)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "From a@example.org Fri Jan  2 15:04:05 2026\n" +
		"From: a@example.org\nSubject: one\n\n>From here\n>>From there\n>>>From everywhere\nFromage\n" +
		"\nFrom badsender Fri Jan  2 15:04:05 2026\nSubject: two\n\nno final newline\n"
	got, _ := os.ReadFile(path)
	if string(got) != want {
		t.Fatalf("mbox:\n%q\nwant\n%q", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	// Appending again adds the separating blank line.
	if err := AppendMbox(path, []MboxMessage{{Raw: strings.NewReader("Subject: three\n\nx\n"), Date: date}}); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if !strings.HasSuffix(string(got), "no final newline\n\nFrom MAILER-DAEMON Fri Jan  2 15:04:05 2026\nSubject: three\n\nx\n") {
		t.Errorf("second append:\n%q", got)
	}
}

func TestDeliverMaildir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Saved")
	if IsMaildir(dir) {
		t.Fatal("a missing folder is a Maildir")
	}
	p, err := Deliver(dir, strings.NewReader("Subject: hi\n\nbody\n"), "FS")
	if err != nil {
		t.Fatal(err)
	}
	if !IsMaildir(dir) || filepath.Dir(p) != filepath.Join(dir, "cur") || !strings.HasSuffix(p, ":2,FS") {
		t.Fatalf("delivered to %s", p)
	}
	if b, _ := os.ReadFile(p); string(b) != "Subject: hi\n\nbody\n" {
		t.Errorf("content %q", b)
	}
	for _, sub := range []string{"", "cur", "tmp"} {
		fi, _ := os.Stat(filepath.Join(dir, sub))
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s mode %v", sub, fi.Mode().Perm())
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(tmp) != 0 {
		t.Errorf("tmp/ not empty: %v", tmp)
	}
	q, err := Deliver(dir, strings.NewReader("x"), "")
	if err != nil || q == p {
		t.Fatalf("second delivery %s %v", q, err)
	}
}
