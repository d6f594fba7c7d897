package mailbox

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
)

// dovecotFixture is an engine over a real Dovecot.
type dovecotFixture struct {
	*fixture
	dc *dovecottest.Server
}

// dovecotMail makes message i for Dovecot.
func dovecotMail(i int) []byte {
	return fmt.Appendf(nil, "From: Alice <alice@example.org>\nTo: Bob <bob@example.org>\n"+
		"Subject: dovecot %d\nDate: Mon, 02 Jan 2026 15:04:05 +0000\nMessage-ID: <dc-%d@example.org>\n\n"+
		"Body of dovecot message %d.\n", i, i, i)
}

// newDovecotFixture starts Dovecot with n messages and an engine for it
// (STARTTLS, verified against the server's own CA).
func newDovecotFixture(t *testing.T, n int) *dovecotFixture {
	t.Helper()
	dc := dovecottest.Start(t)
	for i := 1; i <= n; i++ {
		dc.Deliver(dc.User, dovecotMail(i))
	}
	host, port, _ := net.SplitHostPort(dc.Addr())
	p, _ := strconv.Atoi(port)
	acct := config.NewAccount("dovecot")
	acct.Host, acct.Port, acct.TLS = host, p, config.TLSStartTLS
	acct.Username = dc.User
	acct.CAFile = dc.CAFile()
	acct.StoreDir = filepath.Join(t.TempDir(), "store")
	acct.Timeout = 10 * time.Second
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, acct: &acct, store: st}
	pw := dc.Password
	f.eng = New(&acct, st, Credentials{Password: func(context.Context) (string, error) { return pw, nil }})
	t.Cleanup(func() {
		f.eng.Close()
		st.Close()
	})
	return &dovecotFixture{fixture: f, dc: dc}
}

// serverCount is how many messages Dovecot holds.
func (d *dovecotFixture) serverCount() int { return d.dc.Count(d.dc.User) }

// bySubject returns the stored row with that subject.
func (d *dovecotFixture) bySubject(s string) cache.Message {
	d.t.Helper()
	for _, r := range d.all() {
		if r.Subject == s {
			return r
		}
	}
	d.t.Fatalf("no stored message %q", s)
	return cache.Message{}
}

func TestDovecotSyncCycle(t *testing.T) {
	d := newDovecotFixture(t, 5)
	res := d.sync(true)
	if res.New != 5 || res.Downloaded != 5 || !strings.HasPrefix(res.TLS, "TLS") {
		t.Fatalf("first sync %+v", res)
	}
	rc, err := d.eng.Body(context.Background(), d.bySubject("dovecot 3").ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if !strings.Contains(string(body), "Body of dovecot message 3.") || strings.Contains(string(body), "\r") {
		t.Fatalf("body %q", body)
	}

	// New mail arrives between syncs.
	d.dc.Deliver(d.dc.User, dovecotMail(6))
	if res = d.sync(true); res.New != 1 || res.Downloaded != 1 {
		t.Fatalf("new mail: %+v", res)
	}

	// Another client deletes a message: it stays readable here.
	files := d.dc.MessageFiles(d.dc.User)
	if len(files) != 6 {
		t.Fatalf("dovecot holds %d files", len(files))
	}
	var victim string
	for _, f := range files {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "Subject: dovecot 2\n") {
			victim = f
		}
	}
	if victim == "" {
		t.Fatal("message 2 not found in Dovecot's Maildir")
	}
	if err := os.Remove(victim); err != nil {
		t.Fatal(err)
	}
	if res = d.sync(true); res.Gone != 1 {
		t.Fatalf("deleted elsewhere: %+v", res)
	}
	if r := d.bySubject("dovecot 2"); r.OnServer || !r.Cached {
		t.Fatalf("row of the vanished message %+v", r)
	}

	// Delete then QUIT.
	id := d.bySubject("dovecot 4").ID
	if err := d.eng.MarkDeleted(context.Background(), []int64{id}, true); err != nil {
		t.Fatal(err)
	}
	if res = d.sync(false); res.Pending != 1 || d.serverCount() != 5 {
		t.Fatalf("automatic sync: %+v, server %d", res, d.serverCount())
	}
	if res = d.sync(true); !res.Committed || res.Deleted != 1 || res.Pending != 0 || d.serverCount() != 4 {
		t.Fatalf("commit: %+v, server %d", res, d.serverCount())
	}
	for _, r := range d.all() {
		if r.ID == id {
			t.Fatal("committed deletion still stored")
		}
	}
	d.checkStore()
}

func TestDovecotDroppedConnectionKeepsMarks(t *testing.T) {
	d := newDovecotFixture(t, 4)
	d.sync(false)
	ids := []int64{d.bySubject("dovecot 1").ID, d.bySubject("dovecot 3").ID}
	if err := d.eng.MarkDeleted(context.Background(), ids, true); err != nil {
		t.Fatal(err)
	}
	// Dovecot dies once the DELE commands are out, before QUIT.
	res, err := d.eng.Sync(context.Background(), SyncOptions{Commit: true, Progress: func(p Progress) {
		if p.Phase == PhaseCommit && p.Done == p.Total && p.Total > 0 {
			d.dc.Kill()
		}
	}})
	if err != nil {
		t.Fatalf("a failed commit is not a sync error: %v", err)
	}
	if res.Committed || res.Pending != 2 || res.Deleted != 0 {
		t.Fatalf("result %+v", res)
	}
	if err := d.dc.Restart(); err != nil {
		t.Fatal(err)
	}
	if n := d.serverCount(); n != 4 {
		t.Fatalf("Dovecot deleted without QUIT: %d left", n)
	}
	for _, id := range ids {
		if r, err := d.store.Get(id); err != nil || !r.Deleted {
			t.Fatalf("mark lost: %+v %v", r, err)
		}
	}
	if res = d.sync(true); !res.Committed || res.Deleted != 2 || d.serverCount() != 2 {
		t.Fatalf("retry: %+v, server %d", res, d.serverCount())
	}
}

// A commit after new mail arrived (prefetch = all) deletes exactly the
// marked messages and reads nothing: Dovecot's own logout line for the
// session counts no TOP and no RETR.
func TestDovecotCommitFetchesNothing(t *testing.T) {
	d := newDovecotFixture(t, 4)
	d.acct.Prefetch = config.Prefetch{Mode: config.PrefetchAll}
	d.sync(false)
	for i := 5; i <= 7; i++ {
		d.dc.Deliver(d.dc.User, dovecotMail(i))
	}
	marked := []int64{d.bySubject("dovecot 2").ID, d.bySubject("dovecot 3").ID}
	if err := d.eng.MarkDeleted(context.Background(), marked, true); err != nil {
		t.Fatal(err)
	}
	var phases []Phase
	res, err := d.eng.Commit(context.Background(), func(p Progress) { phases = append(phases, p.Phase) })
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	if !res.Committed || res.Deleted != 2 || res.Pending != 0 {
		t.Errorf("result %+v", res)
	}
	if got := d.serverCount(); got != 5 {
		t.Errorf("%d messages on the server, want 5", got)
	}
	for i := 1; i <= 7; i++ {
		if want := i != 2 && i != 3; d.dc.HasMessage(d.dc.User, dovecotMail(i)) != want {
			t.Errorf("message %d on the server: %v, want %v", i, !want, want)
		}
	}
	if n := len(d.all()); n != 2 {
		t.Errorf("%d rows stored, want 2 (the commit indexes nothing new)", n)
	}
	if slices.Contains(phases, PhaseHeaders) || slices.Contains(phases, PhaseBodies) {
		t.Errorf("phases %v", phases)
	}
	if err := d.dc.WaitIdle(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	logouts := d.dc.Logouts()
	// The sync downloaded mail, so it looked once more for mail not yet
	// stored (a short session: UIDL only).
	if len(logouts) != 3 {
		t.Fatalf("want 3 logout lines (sync, its look for more, commit), got:\n%s", strings.Join(logouts, "\n"))
	}
	if l := logouts[0]; !strings.Contains(l, "top=4/") || !strings.Contains(l, "retr=4/") {
		t.Errorf("the start-up sync's logout line does not count its 4 TOP and RETR: %s", l)
	}
	if l := logouts[1]; !strings.Contains(l, "top=0/0") || !strings.Contains(l, "retr=0/0") || !strings.Contains(l, "del=0/") {
		t.Errorf("the sync's second session read or deleted something: %s", l)
	}
	if l := logouts[2]; !strings.Contains(l, "top=0/0") || !strings.Contains(l, "retr=0/0") || !strings.Contains(l, "del=2/") {
		t.Errorf("the commit's session read or deleted the wrong things: %s", l)
	}
}
