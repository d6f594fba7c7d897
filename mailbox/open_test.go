package mailbox

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/pop3/pop3test"
)

func TestOpenAccountOwnsItsStore(t *testing.T) {
	acct := config.NewAccount("x")
	acct.StoreDir = filepath.Join(t.TempDir(), "store")
	// Read-only on a store that does not exist yet creates it.
	e1, err := OpenAccount(&acct, Credentials{}, OpenOptions{Mode: StoreRead})
	if err != nil {
		t.Fatalf("read-only open of a new store: %v", err)
	}
	if err := e1.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := OpenAccount(&acct, Credentials{}, OpenOptions{Mode: StoreWrite})
	if err != nil || w.ReadOnly() {
		t.Fatalf("write open: %v (read-only %v)", err, w != nil && w.ReadOnly())
	}
	if _, err := OpenAccount(&acct, Credentials{}, OpenOptions{Mode: StoreWrite}); mailapi.KindOf(err) != mailapi.KindTryLater || !mailapi.Advises(err) {
		t.Errorf("a second writer: %v (kind %v)", err, mailapi.KindOf(err))
	}
	r, err := OpenAccount(&acct, Credentials{}, OpenOptions{Mode: StoreAnyWrite})
	if err != nil || !r.ReadOnly() {
		t.Fatalf("any-write while held: %v", err)
	}
	if err := r.MarkDeleted(context.Background(), []int64{1}, true); err == nil {
		t.Error("a read-only engine wrote a mark")
	}
	r.Close()
	// Closing the engine lets go of the store's lock.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w2, err := OpenAccount(&acct, Credentials{}, OpenOptions{Mode: StoreWrite})
	if err != nil {
		t.Fatalf("the closed engine still holds the store: %v", err)
	}
	w2.Close()
	acct.StoreDir = ""
	if _, err := OpenAccount(&acct, Credentials{}, OpenOptions{}); mailapi.KindOf(err) != mailapi.KindConfig {
		t.Errorf("no store folder: %v", err)
	}
}

// OpenRaw gives the stored bytes and records the seen mark, as Open does.
func TestOpenRawMarksSeen(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 1)...)
	f.sync(false)
	id := f.byUIDL("u1").ID
	rc, err := f.eng.OpenRaw(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if len(b) == 0 || !f.byUIDL("u1").Seen {
		t.Errorf("%d bytes, seen %v", len(b), f.byUIDL("u1").Seen)
	}
	if _, err := f.eng.Get(999); mailapi.KindOf(err) != mailapi.KindNotFound {
		t.Errorf("Get of a missing ID: %v", err)
	}
}
