package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/testenv"
	"github.com/popterm/popterm/pop3/pop3test"
)

// cli is a config pointing at a pop3test server, and a way to run commands.
type cli struct {
	t      *testing.T
	srv    *pop3test.Server
	md     *pop3test.Maildrop
	config string
	store  string
}

// testMail makes a small message.
func testMail(uid, subject string) pop3test.Message {
	return pop3test.Message{UID: uid, Data: []byte(fmt.Sprintf(
		"From: Alice <alice@example.org>\nTo: Bob <bob@example.org>, Carol <carol@example.org>\n"+
			"Subject: %s\nDate: Mon, 02 Jan 2026 15:04:05 +0000\nMessage-ID: <%s@example.org>\n\n"+
			"Body of %s.\n", subject, uid, subject))}
}

// accountTOML is a config's [[account]] table for a plain-text test server
// at addr (host:port) with USER/PASS.
func accountTOML(name, addr, user, passwordCmd, storeDir string) string {
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf(`
[[account]]
name = %q
host = %q
port = %s
tls = "none"
username = %q
auth = "user"
allow_cleartext_auth = true
password_cmd = %q
store_dir = %q
`, name, host, port, user, passwordCmd, storeDir)
}

// newCLI starts a server holding msgs and writes a config for it.
func newCLI(t *testing.T, extra string, msgs ...pop3test.Message) *cli {
	t.Helper()
	return newCLIServer(t, pop3test.Config{}, extra, msgs...)
}

// newCLIServer is newCLI with a server configured by cfg.
func newCLIServer(t *testing.T, cfg pop3test.Config, extra string, msgs ...pop3test.Message) *cli {
	t.Helper()
	md := pop3test.NewMaildrop(msgs...)
	cfg.Maildrop = md
	srv := pop3test.NewTest(t, cfg)
	dir := t.TempDir()
	c := &cli{t: t, srv: srv, md: md, config: filepath.Join(dir, "config.toml"), store: filepath.Join(dir, "store")}
	doc := `default_account = "test"` + "\n" +
		accountTOML("test", srv.Addr(), pop3test.DefaultUser, "echo "+pop3test.DefaultPassword, c.store) + extra
	if err := os.WriteFile(c.config, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs popterm with args and returns the exit status and the output.
func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	code = run(context.Background(), append([]string{"--config", c.config}, args...), e)
	return code, out.String(), errb.String()
}

// must runs popterm and fails the test unless it exits 0.
func (c *cli) must(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != exitOK {
		c.t.Fatalf("popterm %v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

// list returns `popterm list --json`.
func (c *cli) list(args ...string) []jsonMessage {
	c.t.Helper()
	out := c.must(append([]string{"list", "--json"}, args...)...)
	var msgs []jsonMessage
	if err := json.Unmarshal([]byte(out), &msgs); err != nil {
		c.t.Fatalf("list --json: %v\n%s", err, out)
	}
	return msgs
}

func TestSyncListShowDelete(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second \x1b[31mred"), testMail("c", "third"))
	if out := c.list(); len(out) != 0 {
		t.Fatalf("list before any sync: %v", out)
	}
	if code, out, _ := c.run("list", "--json"); code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty list --json: %d %q", code, out)
	}
	out := c.must("sync")
	if !strings.Contains(out, "3 new") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("sync summary: %q", out)
	}
	msgs := c.list()
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	for _, x := range msgs {
		if x.UIDL == "b" {
			m = x
		}
	}
	if m.From != "Alice <alice@example.org>" || len(m.To) != 2 || m.Date == nil ||
		*m.Date != "2026-01-02T15:04:05Z" || !m.Cached || !m.OnServer || m.Seen || m.Deleted || m.Size == 0 {
		t.Fatalf("list entry %+v", m)
	}
	if strings.ContainsRune(m.Subject, 0x1b) {
		t.Fatalf("control character in subject %q", m.Subject)
	}
	plain := c.must("list")
	if strings.ContainsRune(plain, 0x1b) || strings.Count(plain, "\n") != 3 || !strings.Contains(plain, "third") {
		t.Fatalf("plain list:\n%s", plain)
	}
	id := fmt.Sprint(m.ID)
	shown := c.must("show", id)
	if !strings.Contains(shown, "Subject: second") || !strings.Contains(shown, "Body of second") || strings.ContainsRune(shown, 0x1b) {
		t.Fatalf("show:\n%s", shown)
	}
	raw := c.must("show", id, "--raw")
	if !strings.Contains(raw, "\x1b[31mred") {
		t.Fatalf("show --raw into a pipe must keep the bytes: %q", raw)
	}
	if seen := c.list("--search", "second"); len(seen) != 1 || !seen[0].Seen {
		t.Fatalf("after show: %+v", seen)
	}
	if got := c.list("--limit", "2"); len(got) != 2 {
		t.Fatalf("--limit 2 gave %d", len(got))
	}

	c.must("delete", id)
	if got := c.list("--search", "second"); len(got) != 1 || !got[0].Deleted {
		t.Fatalf("after delete: %+v", got)
	}
	c.must("undelete", id)
	c.must("delete", id)
	c.srv.ResetLog()
	out = c.must("sync")
	if !strings.Contains(out, "1 deleted") || !slices.Contains(c.srv.Commands(), "DELE") {
		t.Fatalf("sync after delete: %q %v", out, c.srv.Commands())
	}
	if got := c.md.UIDs(); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("server has %v", got)
	}
	if len(c.list()) != 2 {
		t.Fatal("deleted message still listed")
	}
	if out := c.must("check"); !strings.Contains(out, "consistent") {
		t.Fatalf("check: %q", out)
	}
}

func TestSyncNoCommitKeepsMarks(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"))
	c.must("sync")
	c.must("delete", fmt.Sprint(c.list()[0].ID))
	c.srv.ResetLog()
	c.must("sync", "--commit=false")
	if slices.Contains(c.srv.Commands(), "DELE") || c.md.Len() != 1 {
		t.Fatalf("--commit=false deleted: %v", c.srv.Commands())
	}
	if !strings.Contains(c.must("sync", "--commit=false", "-v"), "1 pending") {
		t.Fatal("pending count not reported")
	}
}

func TestSyncPendingExit(t *testing.T) {
	c := newCLI(t, "timeout = \"1s\"\n", testMail("a", "first"))
	c.must("sync")
	c.must("delete", fmt.Sprint(c.list()[0].ID))
	c.srv.SetFaults(pop3test.Faults{StallOn: "QUIT"})
	code, _, errs := c.run("sync")
	if code != exitPending || !strings.Contains(errs, "pending") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if c.md.Len() != 1 || !c.list()[0].Deleted {
		t.Fatal("deletion lost or applied without QUIT")
	}
}

// holdLock holds the store's write lock from another process (flock(1))
// until the test ends.
func holdLock(t *testing.T, store string) {
	t.Helper()
	testenv.LookPath(t, "flock")
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command("flock", "--nonblock", filepath.Join(store, "lock"), "sh", "-c", `touch "$1"; exec sleep 60`, "sh", ready)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; ; i++ {
		if _, err := os.Stat(ready); err == nil {
			return
		}
		if i > 500 {
			t.Fatal("flock never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestExitCodes covers every exit status of the headless commands.
func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		faults pop3test.Faults
		setup  func(t *testing.T, c *cli) // after a first successful sync
		args   []string
		want   int
		says   string // what stderr must say
	}{
		{"ok", pop3test.Faults{}, nil, []string{"sync"}, exitOK, ""},
		{"credentials", pop3test.Faults{LoginError: "[AUTH] wrong password"}, nil, []string{"sync"}, exitCredentials, "check the user name and the password"},
		{"credentials without a code", pop3test.Faults{LoginError: "bad password"}, nil, []string{"sync"}, exitCredentials, ""},
		{"in use", pop3test.Faults{LoginError: "[IN-USE] locked"}, nil, []string{"sync"}, exitTryLater, "another mail client is using this mailbox"},
		{"sys temp", pop3test.Faults{LoginError: "[SYS/TEMP] later"}, nil, []string{"sync"}, exitTryLater, ""},
		{"login delay", pop3test.Faults{LoginError: "[LOGIN-DELAY] wait"}, nil, []string{"sync"}, exitTryLater, ""},
		{"offline", pop3test.Faults{}, func(t *testing.T, c *cli) { c.srv.Close() }, []string{"sync"}, exitTryLater, "connection refused"},
		{"account busy (sync)", pop3test.Faults{}, func(t *testing.T, c *cli) { holdLock(t, c.store) }, []string{"sync"}, exitTryLater, "is busy"},
		{"account busy (delete)", pop3test.Faults{}, func(t *testing.T, c *cli) { holdLock(t, c.store) }, []string{"delete", "1"}, exitTryLater, ""},
		{"pending deletions", pop3test.Faults{}, func(t *testing.T, c *cli) {
			c.must("delete", fmt.Sprint(c.list()[0].ID))
			c.srv.SetFaults(pop3test.Faults{StallOn: "QUIT"})
		}, []string{"sync"}, exitPending, "still pending"},
		{"bad flag", pop3test.Faults{}, nil, []string{"sync", "--nope"}, exitUsage, ""},
		{"unknown account", pop3test.Faults{}, nil, []string{"sync", "--account", "nope"}, exitUsage, ""},
		{"bad id", pop3test.Faults{}, nil, []string{"delete", "x"}, exitUsage, ""},
		{"missing id", pop3test.Faults{}, nil, []string{"show", "999"}, exitFailure, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t, "timeout = \"1s\"\n", testMail("a", "first"))
			if tt.setup != nil {
				c.must("sync")
				tt.setup(t, c)
			}
			if tt.faults != (pop3test.Faults{}) {
				c.srv.SetFaults(tt.faults)
			}
			code, out, errs := c.run(tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.want, out, errs)
			}
			// Exit 5 also prints the engine's warning saying why QUIT failed.
			if lines := strings.Count(strings.TrimSpace(errs), "\n") + 1; code != exitOK && lines != 1 && (code != exitPending || lines != 2) {
				t.Fatalf("want one line on stderr, got %q", errs)
			}
			if code == exitTryLater && !strings.Contains(errs, "later") && !strings.Contains(errs, "again") {
				t.Fatalf("a try-later error should say so: %q", errs)
			}
			if tt.says != "" && !strings.Contains(errs, tt.says) {
				t.Fatalf("stderr %q does not say %q", errs, tt.says)
			}
		})
	}
}

func TestOfflineListAndShow(t *testing.T) {
	c := newCLI(t, "prefetch = \"none\"\n", testMail("a", "stored"), testMail("b", "not stored"))
	c.must("sync")
	var stored, notStored jsonMessage
	for _, m := range c.list() {
		if m.UIDL == "a" {
			stored = m
		} else {
			notStored = m
		}
	}
	c.must("show", fmt.Sprint(stored.ID)) // downloads it while online
	c.srv.Close()
	if got := c.list(); len(got) != 2 {
		t.Fatalf("offline list: %d", len(got))
	}
	if out := c.must("show", fmt.Sprint(stored.ID)); !strings.Contains(out, "Body of stored") {
		t.Fatalf("offline show: %q", out)
	}
	code, _, errs := c.run("show", fmt.Sprint(notStored.ID))
	if code != exitTryLater || !strings.Contains(errs, "needs the server") {
		t.Fatalf("offline show of an unstored body: %d %q", code, errs)
	}
	if code, _, _ := c.run("sync"); code != exitTryLater {
		t.Fatalf("offline sync: exit %d, want %d", code, exitTryLater)
	}
}

func TestSyncAll(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"))
	// A second account on its own server and store.
	md := pop3test.NewMaildrop(testMail("x", "other"))
	srv2 := pop3test.NewTest(t, pop3test.Config{Maildrop: md})
	doc, _ := os.ReadFile(c.config)
	doc = append(doc, accountTOML("second", srv2.Addr(), pop3test.DefaultUser, "echo "+pop3test.DefaultPassword, filepath.Join(t.TempDir(), "s2"))...)
	os.WriteFile(c.config, doc, 0o600)
	out := c.must("sync", "--all")
	if !strings.Contains(out, "test: 1 new") || !strings.Contains(out, "second: 1 new") {
		t.Fatalf("sync --all: %q", out)
	}
	if got := c.must("--account", "second", "list"); !strings.Contains(got, "other") {
		t.Fatalf("list of the second account: %q", got)
	}
}

func TestCheckFindsAndRepairs(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second"))
	c.must("sync")
	files, err := filepath.Glob(filepath.Join(c.store, "Maildir", "cur", "*"))
	if err != nil || len(files) != 2 {
		t.Fatalf("stored files %v %v", files, err)
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := c.run("check"); code != exitFailure || !strings.Contains(out, "problem") {
		t.Fatalf("check of a damaged store: exit %d\n%s", code, out)
	}
	if code, out, errs := c.run("check", "--repair"); code != exitOK {
		t.Fatalf("check --repair: exit %d\n%s%s", code, out, errs)
	}
	if out := c.must("check"); !strings.Contains(out, "consistent") {
		t.Fatalf("check after repair: %q", out)
	}
	// The lost body is fetched again by the next sync.
	if out := c.must("sync"); !strings.Contains(out, "1 downloaded") {
		t.Fatalf("sync after repair: %q", out)
	}
}

func TestListDateNullAndVerboseSync(t *testing.T) {
	noDate := pop3test.Message{UID: "nodate", Data: []byte("From: x@example.org\nSubject: no date\n\nbody\n")}
	c := newCLI(t, "", noDate)
	code, out, errs := c.run("sync", "-v")
	if code != exitOK || !strings.Contains(errs, "fetching headers") || !strings.Contains(out, "TLS: none") {
		t.Fatalf("sync -v: exit %d\nstdout %q\nstderr %q", code, out, errs)
	}
	raw := c.must("list", "--json")
	if !strings.Contains(raw, `"date": null`) || !strings.Contains(raw, `"to": []`) {
		t.Fatalf("list --json without Date or To:\n%s", raw)
	}
}

func TestNotesOnlyWithVerbose(t *testing.T) {
	c := newCLIServer(t, pop3test.Config{NoUIDL: true}, "", testMail("a", "first"))
	if code, _, errs := c.run("sync"); code != exitOK || errs != "" {
		t.Fatalf("quiet sync of a server without UIDL: exit %d, stderr %q", code, errs)
	}
	if code, _, errs := c.run("sync", "-v"); code != exitOK || !strings.Contains(errs, "note: the server does not support UIDL") {
		t.Fatalf("sync -v: exit %d, stderr %q", code, errs)
	}
}
