package cache

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFolderNames(t *testing.T) {
	s := openTest(t)
	for _, good := range []string{"Receipts", "Work.Projects", "회의록", "a b"} {
		p, err := s.FolderPath(good)
		if err != nil || p != filepath.Join(s.Dir(), "Maildir", "."+good) {
			t.Errorf("%q: %s %v", good, p, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../etc", "a/b", `a\b`, ".hidden", "trail.", "a..b", "tab\there", " x", "\xff"} {
		if _, err := s.FolderPath(bad); !errors.Is(err, ErrBadFolderName) {
			t.Errorf("%q accepted (%v)", bad, err)
		}
	}
	// Only Maildir++ folders are listed: not cur/new/tmp, not a folder
	// without cur/.
	for _, d := range []string{".Receipts/cur", ".Work.Projects/cur", ".empty", "plain/cur"} {
		if err := os.MkdirAll(filepath.Join(s.Dir(), "Maildir", d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Folders()
	if err != nil || !slices.Equal(got, []string{"Receipts", "Work.Projects"}) {
		t.Errorf("Folders %v %v", got, err)
	}
}
