package mailbox

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pop3/pop3test"
)

func TestBodyOnDemandReusesOneSession(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 3)...)
	f.acct.Prefetch.Mode = "none"
	if res := f.sync(false); res.Downloaded != 0 {
		t.Fatalf("prefetch none downloaded %d", res.Downloaded)
	}
	conns := f.srv.Connections()
	for _, uid := range []string{"u1", "u3"} {
		rc, err := f.eng.Body(context.Background(), f.byUIDL(uid).ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(string(b), "Hello, this is message "+uid) {
			t.Fatalf("body of %s: %q", uid, b)
		}
		if !f.byUIDL(uid).Cached {
			t.Fatalf("%s not stored after RETR", uid)
		}
	}
	if got := f.srv.Connections() - conns; got != 1 {
		t.Fatalf("%d connections for two on-demand bodies, want 1", got)
	}
	f.srv.ResetLog()
	if err := f.eng.Close(); err != nil {
		t.Fatal(err)
	}
	if f.sent("DELE") || !f.sent("QUIT") {
		t.Fatalf("closing the on-demand session: %v", f.verbs())
	}
	f.checkStore()
}

func TestOpenRendersAndMarksSeen(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 1)...)
	f.sync(false)
	id := f.byUIDL("u1").ID
	m, err := f.eng.Open(context.Background(), id, message.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "message u1" {
		t.Fatalf("subject %q", m.Subject)
	}
	if !f.byUIDL("u1").Seen {
		t.Fatal("Open did not mark the message seen")
	}
}

func TestIdleSessionCloses(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.acct.Prefetch.Mode = "none"
	f.sync(false)
	f.eng.SetSessionIdle(50 * time.Millisecond)
	if _, err := f.eng.Body(context.Background(), f.byUIDL("u1").ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for f.md.Locked() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if f.md.Locked() {
		t.Fatal("the idle on-demand session was never closed")
	}
	// A closed session reopens on demand.
	if _, err := f.eng.Body(context.Background(), f.byUIDL("u2").ID); err != nil {
		t.Fatal(err)
	}
}

func TestBodyOfMessageGoneFromServer(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.acct.Prefetch.Mode = "none"
	f.sync(false)
	deleteElsewhere(t, f.srv.Addr(), 1)
	f.sync(false)
	_, err := f.eng.Body(context.Background(), f.byUIDL("u1").ID)
	if err == nil || !strings.Contains(err.Error(), "no longer on the server") {
		t.Fatalf("want a clear error, got %v", err)
	}
}

func TestSyncClosesOnDemandSession(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.acct.Prefetch.Mode = "none"
	f.sync(false)
	if _, err := f.eng.Body(context.Background(), f.byUIDL("u1").ID); err != nil {
		t.Fatal(err)
	}
	// The test server locks the maildrop per session: a sync that kept the
	// on-demand session open would get [IN-USE].
	f.sync(false)
}

func TestOpenOnReadOnlyStore(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 1)...)
	f.sync(false)
	id := f.byUIDL("u1").ID
	f.eng.Close()
	f.store.Close()
	ro, err := cache.Open(f.acct.StoreDir, cache.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	e := New(f.acct, ro, f.eng.creds)
	defer e.Close()
	m, err := e.Open(context.Background(), id, message.Options{})
	if err != nil || m.Subject != "message u1" {
		t.Fatalf("open read-only: %v", err)
	}
}

// TestBodyOnDemandBoundedByListSize: a RETR that never ends is cut off near
// the size LIST n claimed, and nothing is stored.
func TestBodyOnDemandBoundedByListSize(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 1)...)
	f.acct.Prefetch.Mode = "none"
	f.sync(false)
	f.srv.SetFaults(pop3test.Faults{EndlessOn: "RETR"})
	id := f.byUIDL("u1").ID
	if _, err := f.eng.Body(context.Background(), id); err == nil {
		t.Fatal("an endless RETR reply was accepted")
	}
	if f.byUIDL("u1").Cached {
		t.Error("the message is marked cached after an endless reply")
	}
	if cmds := strings.Join(f.srv.Commands(), " "); !strings.Contains(cmds, "LIST") {
		t.Errorf("no LIST before the on-demand RETR: %s", cmds)
	}
}
