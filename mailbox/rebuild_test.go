package mailbox

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/pop3/pop3test"
)

// TestSyncAfterIndexRebuild loses the index of a synced store, rebuilds it
// from the Maildir and syncs again: the stored messages are matched to the
// server's (Message-ID, size and header hash) and none is downloaded again.
func TestSyncAfterIndexRebuild(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 12)...)
	if res := f.sync(false); res.Downloaded != 12 {
		t.Fatalf("first sync downloaded %d, want 12", res.Downloaded)
	}
	f.eng.Close()
	f.store.Close()
	if err := os.Remove(filepath.Join(f.acct.StoreDir, "index.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Open(f.acct.StoreDir, cache.Options{}); err == nil {
		t.Fatal("Open without the index beside stored mail succeeded")
	}
	if rep, err := cache.RepairIndex(f.acct.StoreDir); err != nil || rep.Messages != 12 {
		t.Fatalf("RepairIndex: %+v, %v", rep, err)
	}
	st, err := cache.Open(f.acct.StoreDir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.store = st
	f.eng = New(f.acct, st, Credentials{Password: func(context.Context) (string, error) {
		return pop3test.DefaultPassword, nil
	}})
	t.Cleanup(func() { f.eng.Close(); st.Close() })
	f.srv.ResetLog()
	res := f.sync(false)
	if res.Downloaded != 0 || slices.Contains(f.verbs(), "RETR") {
		t.Errorf("the sync after a rebuild downloaded %d messages (commands %v), want none", res.Downloaded, f.verbs())
	}
	rows := f.all()
	if len(rows) != 12 {
		t.Fatalf("%d rows after the sync, want 12 (no duplicates)", len(rows))
	}
	for _, r := range rows {
		if !r.OnServer || !r.Cached || r.MessageID != "<"+r.UIDL+"@example.org>" {
			t.Errorf("row not matched to its server message: UIDL %q, Message-ID %q, on server %v", r.UIDL, r.MessageID, r.OnServer)
		}
	}
	f.checkStore()
}
