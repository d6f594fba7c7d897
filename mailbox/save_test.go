package mailbox

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/pop3/pop3test"
)

// Save copies to a local Maildir++ folder (created on demand, flags kept),
// an mbox file (mboxrd) or a Maildir path; the index does not change.
func TestSave(t *testing.T) {
	body := pop3test.Message{UID: "from", Data: []byte("From: Alice <alice@example.org>\nSubject: quoting\n" +
		"Date: Mon, 02 Jan 2026 15:04:05 +0000\n\nFrom the start\n>From quoted\n")}
	f := newFixture(t, pop3test.Config{}, append(mails("u", 2), body)...)
	ctx := context.Background()
	f.sync(false)
	u1, from := f.byUIDL("u1").ID, f.byUIDL("from").ID
	if err := f.eng.MarkFlagged(ctx, []int64{u1}, true); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.MarkSeen(ctx, []int64{u1}, true); err != nil {
		t.Fatal(err)
	}
	before := f.all()

	where, err := f.eng.Save(ctx, []int64{u1, from}, "=Receipts")
	if err != nil || where != "folder Receipts" {
		t.Fatalf("save to folder: %q %v", where, err)
	}
	folders, _ := f.eng.Folders()
	if !slices.Equal(folders, []string{"Receipts"}) {
		t.Errorf("folders %v", folders)
	}
	cur, _ := os.ReadDir(filepath.Join(f.acct.StoreDir, "Maildir", ".Receipts", "cur"))
	var infos []string
	for _, e := range cur {
		_, info, _ := strings.Cut(e.Name(), ":2,")
		infos = append(infos, info)
	}
	slices.Sort(infos)
	if !slices.Equal(infos, []string{"", "FS"}) {
		t.Errorf("saved flags %v, want one plain and one F S", infos)
	}

	mbox := filepath.Join(t.TempDir(), "out.mbox")
	if _, err := f.eng.Save(ctx, []int64{from}, mbox); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(mbox)
	if !strings.HasPrefix(string(got), "From alice@example.org Fri Jan  2 15:04:05 2026\n") ||
		!strings.Contains(string(got), "\n>From the start\n>>From quoted\n") {
		t.Errorf("mbox:\n%s", got)
	}

	dir := filepath.Join(t.TempDir(), "md") + "/"
	if where, err := f.eng.Save(ctx, []int64{u1}, dir); err != nil || !strings.HasPrefix(where, "new Maildir") {
		t.Fatalf("save to new Maildir: %q %v", where, err)
	}
	if where, err := f.eng.Save(ctx, []int64{u1}, strings.TrimSuffix(dir, "/")); err != nil || !strings.HasPrefix(where, "Maildir") {
		t.Fatalf("save to existing Maildir: %q %v", where, err)
	}
	if n, _ := os.ReadDir(filepath.Join(dir, "cur")); len(n) != 2 {
		t.Errorf("%d files in the Maildir, want 2", len(n))
	}

	plain := t.TempDir()
	for _, bad := range []string{"a/b", plain, "", ".hidden"} {
		if _, err := f.eng.Save(ctx, []int64{u1}, bad); err == nil {
			t.Errorf("save to %q succeeded", bad)
		}
	}
	if after := f.all(); !slices.EqualFunc(before, after, func(a, b cache.Message) bool {
		return a.ID == b.ID && a.Seen == b.Seen && a.Flagged == b.Flagged && a.Deleted == b.Deleted
	}) {
		t.Error("saving changed the index")
	}
	f.checkStore()
}
