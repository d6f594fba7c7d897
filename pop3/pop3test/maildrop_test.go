package pop3test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSizeAndTop(t *testing.T) {
	tests := []struct {
		data string
		size int64
		top0 string // TOP n 0
		top1 string // TOP n 1
	}{
		{"", 0, "", ""},
		{"A: b", 6, "A: b", "A: b"},
		{"A: b\n\nx\ny\n", 14, "A: b\n\n", "A: b\n\nx\n"},
		{"A: b\r\n\r\nx\r\ny", 14, "A: b\r\n\r\n", "A: b\r\n\r\nx\r\n"},
		{"\nbody\n", 8, "\n", "\nbody\n"},
		{"A: b\n\n", 8, "A: b\n\n", "A: b\n\n"},
	}
	for _, tt := range tests {
		if got := crlfSize([]byte(tt.data)); got != tt.size {
			t.Errorf("crlfSize(%q) = %d, want %d", tt.data, got, tt.size)
		}
		if got := string(top([]byte(tt.data), 0)); got != tt.top0 {
			t.Errorf("top(%q, 0) = %q, want %q", tt.data, got, tt.top0)
		}
		if got := string(top([]byte(tt.data), 1)); got != tt.top1 {
			t.Errorf("top(%q, 1) = %q, want %q", tt.data, got, tt.top1)
		}
	}
}

// TestReadMaildir: a Maildir folder served over the wire, oldest first, UIDs
// without the flags suffix; a folder that is not a Maildir is an error.
func TestReadMaildir(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"new/1700000002.M2P1.host":      "Subject: second\n\nb\n",
		"cur/1700000001.M1P1.host:2,S":  "Subject: first\n\na\n",
		"cur/1700000003.M3P1.host:2,ST": "Subject: third\n\n.dot\n",
		"cur/.hidden":                   "not a message",
	}
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := ReadMaildir(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewTest(t, Config{Maildrop: NewMaildrop(msgs...)})
	c, _ := dial(t, srv)
	c.login("user", "pass")
	want := []string{"1 1700000001.M1P1.host", "2 1700000002.M2P1.host", "3 1700000003.M3P1.host"}
	if got := c.multi("UIDL"); !slices.Equal(got, want) {
		t.Errorf("UIDL = %q, want %q", got, want)
	}
	c.ok("RETR 3")
	if lines, err := c.tp.ReadDotLines(); err != nil || !slices.Equal(lines, []string{"Subject: third", "", ".dot"}) {
		t.Errorf("RETR 3 = %q, %v", lines, err)
	}
	if _, err := ReadMaildir(filepath.Join(dir, "cur")); err == nil {
		t.Error("ReadMaildir of a folder without new/ and cur/ succeeded")
	}
}
