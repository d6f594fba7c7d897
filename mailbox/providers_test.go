package mailbox

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/pop3/pop3test"
)

// storedOnce fails the test unless want rows are stored, each message once.
func (f *fixture) storedOnce(want int) {
	f.t.Helper()
	rows := f.all()
	seen := map[string]int{}
	for _, r := range rows {
		seen[r.MessageID]++
	}
	for mid, n := range seen {
		if n != 1 {
			f.t.Fatalf("%s stored %d times", mid, n)
		}
	}
	if len(rows) != want {
		f.t.Fatalf("%d rows, want %d", len(rows), want)
	}
}

// TestGmailFirstSync: a server that hands out a batch of messages per
// session (Gmail: 250) syncs eight batches in one command (2,000 messages at
// Gmail's size; 25 per batch here to stay fast), without duplicates, and the
// messages hidden after RETR are not taken for deleted.
func TestGmailFirstSync(t *testing.T) {
	f := newFixture(t, pop3test.Config{Gmail: true, GmailBatch: 25}, mails("g", 200)...)
	var sessions int
	res, err := f.eng.Sync(context.Background(), SyncOptions{Progress: func(p Progress) {
		if p.Phase == PhaseMore {
			sessions++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 200 || res.Downloaded != 200 || res.Gone != 0 || res.Deleted != 0 {
		t.Fatalf("result %+v, want 200 new and downloaded, none gone", res)
	}
	// Eight batches, then one session that lists nothing new.
	if sessions != 8 || f.srv.Connections() != 9 {
		t.Fatalf("%d follow-up sessions, %d connections; want 8 and 9", sessions, f.srv.Connections())
	}
	f.storedOnce(200)
	f.checkStore()
	for _, r := range f.all() {
		if !r.OnServer {
			t.Fatalf("message %s marked off the server during its own sync", r.UIDL)
		}
	}

	// recent: lists everything again, already stored: no duplicates.
	f.acct.Username = "recent:" + pop3test.DefaultUser
	res = f.sync(false)
	if res.New != 0 || res.Downloaded != 0 {
		t.Fatalf("recent: sync %+v, want nothing new", res)
	}
	f.storedOnce(200)
}

// TestGmailRecentNewUIDLs: mail Gmail hid after RETR (off the server in
// the store) that a recent: listing brings back under other UIDLs is
// matched by Message-ID, size and header hash, not stored twice.
func TestGmailRecentNewUIDLs(t *testing.T) {
	f := newFixture(t, pop3test.Config{Gmail: true}, mails("g", 5)...)
	f.sync(false)
	f.sync(false) // everything was retrieved: Gmail lists nothing now
	for _, r := range f.all() {
		if r.OnServer {
			t.Fatalf("%s still on the server after Gmail hid it", r.UIDL)
		}
	}
	again := mails("g", 5)
	for i := range again {
		again[i].UID = "recent-" + again[i].UID
	}
	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(again...)})
	host, port, _ := net.SplitHostPort(srv.Addr())
	f.acct.Host, f.acct.Port = host, atoi(t, port)
	res := f.sync(false)
	if res.New != 0 || res.Downloaded != 0 {
		t.Fatalf("result %+v, want the 5 matched, none new", res)
	}
	f.storedOnce(5)
	if r := f.byUIDL("recent-g3"); !r.OnServer || !r.Cached {
		t.Fatalf("matched row %+v", r)
	}
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNormalServerOneExtraSession: an ordinary server costs one short
// extra session after a download, and none when nothing was downloaded.
func TestNormalServerOneExtraSession(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 3)...)
	if res := f.sync(false); res.New != 3 || res.Downloaded != 3 {
		t.Fatalf("first sync %+v", res)
	}
	if n := f.srv.Connections(); n != 2 {
		t.Fatalf("%d sessions after a download, want 2", n)
	}
	f.sync(false)
	if n := f.srv.Connections(); n != 3 {
		t.Fatalf("%d sessions after a sync without download, want 3", n)
	}
	f.storedOnce(3)
}

// TestOutlookIdleDrop: a server that drops a connection idle for a while
// (Outlook, about a minute) while the store is busy does not lose the
// commit: the engine reconnects and sends DELE in a new session.
func TestOutlookIdleDrop(t *testing.T) {
	f := newFixture(t, pop3test.Config{IdleTimeout: time.Second}, mails("u", 3)...)
	f.sync(false)
	if err := f.eng.MarkDeleted(context.Background(), []int64{f.byUIDL("u2").ID}, true); err != nil {
		t.Fatal(err)
	}
	slept := false
	res, err := f.eng.Sync(context.Background(), SyncOptions{Commit: true, Progress: func(p Progress) {
		if p.Phase == PhaseCommit && !slept {
			slept = true
			time.Sleep(2500 * time.Millisecond) // the store is busy; the server gives up
		}
	}})
	if err != nil || !slept {
		t.Fatalf("sync: %v (slept %v)", err, slept)
	}
	if res.Deleted != 1 || !res.Committed || len(res.Warnings) != 0 {
		t.Fatalf("result %+v, want the deletion committed without warnings", res)
	}
	if got := strings.Join(f.md.UIDs(), " "); got != "u1 u3" {
		t.Fatalf("server holds %s", got)
	}
	f.storedOnce(2)
}

// TestTooSlowServerSync: a server that trickles below min_rate ends the
// sync with one "server too slow" line, try-later, and the store intact.
func TestTooSlowServerSync(t *testing.T) {
	big := mail("big", "big")
	big.Data = append(big.Data, []byte(strings.Repeat("0123456789abcdef0123456789abcdef\n", 2048))...)
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.sync(false)
	f.md.Add(big)
	f.acct.Timeout = time.Second
	f.acct.MinRate = 32 << 10
	f.srv.SetFaults(pop3test.Faults{Trickle: 800})
	start := time.Now()
	_, err := f.eng.Sync(context.Background(), SyncOptions{})
	if time.Since(start) > 20*time.Second { // a guard, not a measurement
		t.Fatalf("the sync ran %v", time.Since(start))
	}
	if Classify(err) != KindTryLater {
		t.Fatalf("kind of %v = %v, want try later", err, Classify(err))
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "server too slow: RETR ") || !strings.HasSuffix(msg, "(minimum 32KB/s); try again later or raise min_rate") {
		t.Fatalf("message %q", msg)
	}
	f.srv.SetFaults(pop3test.Faults{})
	f.checkStore()
	if r := f.byUIDL("u1"); !r.Cached {
		t.Fatal("the stored mail was damaged")
	}
}

// TestPortMixups: the wrong tls mode for a port is a setting to fix, said
// at once, not a timeout to retry.
func TestPortMixups(t *testing.T) {
	srvTLS, _, pin, err := pop3test.TLSConfigs("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	implicit := newFixture(t, pop3test.Config{TLS: srvTLS, Implicit: true}, mails("u", 1)...)
	implicit.acct.TLS, implicit.acct.TLSCertSHA256 = config.TLSStartTLS, pin
	implicit.acct.Timeout = time.Second
	_, err = implicit.eng.Sync(context.Background(), SyncOptions{})
	if Classify(err) != KindConfig || !strings.Contains(err.Error(), "use tls = implicit") {
		t.Fatalf("starttls at an implicit port: %v (kind %v)", err, Classify(err))
	}
	plain := newFixture(t, pop3test.Config{}, mails("u", 1)...)
	plain.acct.TLS = config.TLSImplicit
	_, err = plain.eng.Sync(context.Background(), SyncOptions{})
	if Classify(err) != KindConfig || !strings.Contains(err.Error(), "use tls = starttls (or none)") {
		t.Fatalf("implicit at a plain port: %v (kind %v)", err, Classify(err))
	}
}

// TestTLSFailuresAreOneKind: whatever stops TLS (a refused certificate over
// implicit TLS or STARTTLS, STLS refused or not offered, a response
// injection) is the same kind of error, so the same exit code.
func TestTLSFailuresAreOneKind(t *testing.T) {
	srvTLS, _, pin, err := pop3test.TLSConfigs("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	wrongPin := strings.Repeat("ab", 32)
	tests := []struct {
		name     string
		cfg      pop3test.Config
		mode     string
		pin      string
		contains string
	}{
		{"certificate, implicit", pop3test.Config{TLS: srvTLS, Implicit: true}, config.TLSImplicit, wrongPin, "certificate"},
		{"certificate, starttls", pop3test.Config{TLS: srvTLS}, config.TLSStartTLS, wrongPin, "certificate"},
		{"untrusted, implicit", pop3test.Config{TLS: srvTLS, Implicit: true}, config.TLSImplicit, "", "certificate"},
		{"untrusted, starttls", pop3test.Config{TLS: srvTLS}, config.TLSStartTLS, "", "certificate"},
		{"STLS stripped", pop3test.Config{TLS: srvTLS, Faults: pop3test.Faults{RefuseSTLS: true}}, config.TLSStartTLS, pin, "STLS"},
		{"no STLS", pop3test.Config{}, config.TLSStartTLS, pin, "STLS"},
		{"injection", pop3test.Config{TLS: srvTLS, Faults: pop3test.Faults{InjectAfterSTLS: "+OK injected\r\n"}}, config.TLSStartTLS, pin, "injection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.cfg, mails("u", 1)...)
			f.acct.TLS, f.acct.TLSCertSHA256 = tt.mode, tt.pin
			_, err := f.eng.Sync(context.Background(), SyncOptions{})
			if Classify(err) != KindConfig || !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("kind of %v = %v, want %v", err, Classify(err), KindConfig)
			}
			if strings.Contains(err.Error(), "possibly because of") {
				t.Fatalf("crypto/x509's diagnostics leak: %v", err)
			}
		})
	}
}

// TestHostErrors: a host name that does not exist is a setting to fix that
// names the host; a resolver that cannot be reached is for later.
func TestHostErrors(t *testing.T) {
	notFound := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "pop.exmaple.com", IsNotFound: true}}
	if Classify(notFound) != KindConfig || !strings.Contains(notFound.Error(), "pop.exmaple.com") {
		t.Fatalf("no such host: %v, kind %v", notFound, Classify(notFound))
	}
	offline := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "pop.example.com", IsTemporary: true}}
	if Classify(offline) != KindTryLater {
		t.Fatalf("unreachable resolver: kind %v", Classify(offline))
	}
	// Through the real dialer: .invalid never resolves (RFC 6761), unless
	// the machine has no resolver at all.
	f := newFixture(t, pop3test.Config{})
	f.acct.Host = "no-such-host.invalid"
	_, err := f.eng.Sync(context.Background(), SyncOptions{})
	var dns *net.DNSError
	if !errors.As(err, &dns) {
		t.Fatalf("err = %v, want a DNS error", err)
	}
	if dns.IsNotFound && (Classify(err) != KindConfig || !strings.Contains(err.Error(), "no host named no-such-host.invalid (check the host name)")) {
		t.Fatalf("kind of %v = %v, want a setting naming the host", err, Classify(err))
	}
}

// TestCodelessRefusals: servers without response codes (Outlook) are
// classified by their text.
func TestCodelessRefusals(t *testing.T) {
	tests := []struct {
		cmd, text string
		want      Kind
	}{
		{"AUTH", "Logon failure: unknown user name or bad password.", KindCredentials},
		{"PASS", "Authentication failed.", KindCredentials},
		{"AUTH", "Server Unavailable. 21", KindTryLater},
		{"PASS", "Exceeded the login limit for a 15 minute period. Reduce the frequency of requests to the POP3 server.", KindTryLater},
		{"PASS", "Too many simultaneous connections", KindTryLater},
		{"STLS", "[SYS/TEMP] TLS not available", KindConfig},
	}
	for _, tt := range tests {
		if got := Classify(&pop3.Error{Command: tt.cmd, Text: tt.text}); got != tt.want {
			t.Errorf("%s: %q: kind %v, want %v", tt.cmd, tt.text, got, tt.want)
		}
	}
}

// TestCancelWhileLookingForMore: cancelling during a follow-up session keeps
// what the first stored and says so, not "nothing was deleted".
func TestCancelWhileLookingForMore(t *testing.T) {
	f := newFixture(t, pop3test.Config{Gmail: true, GmailBatch: 2}, mails("g", 6)...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := f.eng.Sync(ctx, SyncOptions{Progress: func(p Progress) {
		if p.Phase == PhaseMore {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "what was stored so far stays") {
		t.Fatalf("err = %v", err)
	}
	if res.New != 2 || len(f.all()) != 2 {
		t.Fatalf("result %+v, %d rows; want the first session's 2", res, len(f.all()))
	}
	f.checkStore()
}
