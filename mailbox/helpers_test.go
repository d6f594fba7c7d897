package mailbox

import (
	"context"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/pop3/pop3test"
)

// fixture is an engine over a pop3test server and a store in a temp folder.
type fixture struct {
	t     *testing.T
	srv   *pop3test.Server
	md    *pop3test.Maildrop
	acct  *config.Account
	store *cache.Store
	eng   *Engine
}

// mail makes a small message with a Message-ID, a Date and a body.
func mail(uid, subject string) pop3test.Message {
	return pop3test.Message{UID: uid, Data: []byte(fmt.Sprintf(
		"From: Alice <alice@example.org>\nTo: Bob <bob@example.org>\nSubject: %s\n"+
			"Date: Mon, 02 Jan 2026 15:04:05 +0000\nMessage-ID: <%s@example.org>\n\n"+
			"Hello, this is %s.\n.dotted line\n", subject, uid, subject))}
}

// mails makes n messages with UIDs prefix1..prefixN.
func mails(prefix string, n int) []pop3test.Message {
	out := make([]pop3test.Message, n)
	for i := range out {
		uid := prefix + strconv.Itoa(i+1)
		out[i] = mail(uid, "message "+uid)
	}
	return out
}

// account points at addr with cleartext USER/PASS allowed.
func account(t testing.TB, addr string) *config.Account {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return &config.Account{
		Name: "test", Host: host, Port: p, TLS: config.TLSNone,
		Username: pop3test.DefaultUser, Auth: "user", AllowCleartextAuth: true,
		LeaveOnServer: true, DeleteOnServer: true, Prefetch: config.Prefetch{Mode: "all"},
		Timeout: 10 * time.Second, StoreDir: filepath.Join(t.TempDir(), "store"),
	}
}

// newFixture starts a server holding msgs and an engine with a fresh store.
func newFixture(t *testing.T, cfg pop3test.Config, msgs ...pop3test.Message) *fixture {
	t.Helper()
	if cfg.Maildrop == nil {
		cfg.Maildrop = pop3test.NewMaildrop(msgs...)
	}
	srv := pop3test.NewTest(t, cfg)
	acct := account(t, srv.Addr())
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: srv, md: cfg.Maildrop, acct: acct, store: st}
	f.eng = New(acct, st, Credentials{Password: func(context.Context) (string, error) {
		return pop3test.DefaultPassword, nil
	}})
	t.Cleanup(func() {
		f.eng.Close()
		st.Close()
	})
	return f
}

// sync runs one sync and fails the test on error.
func (f *fixture) sync(commit bool) Result {
	f.t.Helper()
	res, err := f.eng.Sync(context.Background(), SyncOptions{Commit: commit})
	if err != nil {
		f.t.Fatalf("sync: %v", err)
	}
	return res
}

// all returns every stored row.
func (f *fixture) all() []cache.Message {
	f.t.Helper()
	rows, err := f.store.All(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return rows
}

// byUIDL returns the stored row with that UIDL (dup 0).
func (f *fixture) byUIDL(uidl string) cache.Message {
	f.t.Helper()
	for _, r := range f.all() {
		if r.UIDL == uidl && r.Dup == 0 {
			return r
		}
	}
	f.t.Fatalf("no stored message with UIDL %q", uidl)
	return cache.Message{}
}

// verbs returns the commands the server received since the last reset.
func (f *fixture) verbs() []string { return f.srv.Commands() }

// sent reports whether the server received verb.
func (f *fixture) sent(verb string) bool { return slices.Contains(f.verbs(), verb) }

// checkStore asserts the store is consistent and Maildir tmp/ is empty.
func (f *fixture) checkStore() {
	f.t.Helper()
	rep, err := f.store.Check(context.Background(), false)
	if err != nil {
		f.t.Fatalf("check: %v", err)
	}
	if len(rep.Problems) > 0 {
		f.t.Fatalf("store problems: %v", rep.Problems)
	}
	tmp, _ := os.ReadDir(filepath.Join(f.acct.StoreDir, "Maildir", "tmp"))
	if len(tmp) > 0 {
		f.t.Fatalf("partial files left in Maildir/tmp: %d", len(tmp))
	}
	for _, r := range f.all() {
		rc, err := f.store.OpenBody(r.ID)
		if r.Cached != (err == nil) {
			f.t.Fatalf("message %d: cached=%v but OpenBody: %v", r.ID, r.Cached, err)
		}
		if err == nil {
			rc.Close()
		}
	}
}

// deleteElsewhere deletes message n as another POP3 client would.
func deleteElsewhere(t *testing.T, addr string, n int) {
	t.Helper()
	conn, err := textproto.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	expect := func(cmd string) {
		t.Helper()
		if cmd != "" {
			if err := conn.PrintfLine("%s", cmd); err != nil {
				t.Fatal(err)
			}
		}
		line, err := conn.ReadLine()
		if err != nil || !strings.HasPrefix(line, "+OK") {
			t.Fatalf("%q: %q %v", cmd, line, err)
		}
	}
	expect("")
	expect("USER " + pop3test.DefaultUser)
	expect("PASS " + pop3test.DefaultPassword)
	expect(fmt.Sprintf("DELE %d", n))
	expect("QUIT")
}
