package mailbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/pop3/pop3test"
)

// Flag and read state are local: kept in the index and in the Maildir file
// names (F, S) for other Maildir tools, untouched by syncs (even a commit),
// and never sent to the server.
func TestFlagsAreLocalAndSurviveSyncs(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 3)...)
	ctx := context.Background()
	f.sync(false)
	flagged, unread := f.byUIDL("u1").ID, f.byUIDL("u2").ID
	if err := f.eng.MarkSeen(ctx, []int64{flagged, unread, f.byUIDL("u3").ID}, true); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.MarkFlagged(ctx, []int64{flagged}, true); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.MarkSeen(ctx, []int64{unread}, false); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetLog()
	f.sync(false)
	f.sync(true)
	for _, v := range f.verbs() {
		if v != "CAPA" && v != "USER" && v != "PASS" && v != "UIDL" && v != "LIST" && v != "STAT" && v != "QUIT" {
			t.Errorf("a sync with only flag changes sent %s", v)
		}
	}
	if r := f.byUIDL("u1"); !r.Flagged || !r.Seen {
		t.Errorf("u1 after syncs: flagged %v seen %v, want both", r.Flagged, r.Seen)
	}
	if r := f.byUIDL("u2"); r.Flagged || r.Seen {
		t.Errorf("u2 after syncs: flagged %v seen %v, want neither", r.Flagged, r.Seen)
	}
	names := map[string]string{} // suffix by message
	entries, err := os.ReadDir(filepath.Join(f.acct.StoreDir, "Maildir", "cur"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		_, info, _ := strings.Cut(e.Name(), ":2,")
		names[e.Name()] = info
	}
	var sawFS, sawEmpty bool
	for _, info := range names {
		switch info {
		case "FS":
			sawFS = true
		case "":
			sawEmpty = true
		}
	}
	if !sawFS || !sawEmpty {
		t.Errorf("file flags %v: want one :2,FS (flagged, seen) and one :2, (unread)", names)
	}
	f.checkStore()
}
