// Package e2e runs the real popterm binary under tmux against a real
// Dovecot: the reader as a user sees it, and the server's maildrop as the
// judge of what was deleted.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/testenv"
)

// waitLimit bounds every wait for the screen; it is a deadlock guard, not
// a speed assertion.
const waitLimit = 60 * time.Second

// binary is the popterm built once for all the tests of this package.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// buildPopterm builds the binary (once per test run).
func buildPopterm(t testing.TB) string {
	t.Helper()
	goBin := testenv.LookPath(t, "go", filepath.Join(runtime.GOROOT(), "bin", "go"))
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "popterm-e2e-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "popterm")
		out, err := exec.Command(goBin, "build", "-o", binary.path, "github.com/popterm/popterm/cmd/popterm").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// mailbox is a Dovecot with five messages, "E2E message 1" (oldest) to
// "E2E message 5" (newest), and a popterm config and data home for it.
type mailbox struct {
	srv    *dovecottest.Server
	bin    string
	home   string // HOME, XDG_CONFIG_HOME and XDG_DATA_HOME live here
	config string
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	testenv.LookPath(t, "tmux")
	srv := dovecottest.Start(t)
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= 5; i++ {
		raw := fmt.Sprintf("From: Sender %d <sender%d@example.org>\r\nTo: %s@example.org\r\n"+
			"Subject: E2E message %d\r\nDate: %s\r\nMessage-ID: <e2e-%d@example.org>\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nBody of message %d.\r\n%s",
			i, i, srv.User, i, base.Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z), i, i,
			strings.Repeat(fmt.Sprintf("Line of text in message %d.\r\n", i), 60))
		srv.Deliver(srv.User, []byte(raw))
	}
	home, cfg := writeConfig(t, srv, "", "\n[ui]\nconfirm_commit = true\n")
	return &mailbox{srv: srv, bin: buildPopterm(t), home: home, config: cfg}
}

// writeConfig writes a popterm config under a new home for srv's user:
// one account "e2e" (implicit TLS, password from a 0600 file), with
// account (lines added to its table) and tail (tables after it).
func writeConfig(t *testing.T, srv *dovecottest.Server, account, tail string) (home, cfg string) {
	t.Helper()
	home = t.TempDir()
	pw := filepath.Join(home, "password")
	if err := os.WriteFile(pw, []byte(srv.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(srv.TLSAddr(), ":")
	cfgDir := filepath.Join(home, "config", "popterm")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg = filepath.Join(cfgDir, "config.toml")
	toml := fmt.Sprintf(`default_account = "e2e"

[[account]]
name = "e2e"
host = %q
port = %s
tls = "implicit"
username = %q
password_cmd = %q
ca_file = %q
prefetch = "none"
`, host, port, srv.User, "cat "+pw, srv.CAFile())
	if err := os.WriteFile(cfg, []byte(toml+account+tail), 0o600); err != nil {
		t.Fatal(err)
	}
	return home, cfg
}

// subjects are the subjects of the messages on the server, sorted.
func (mb *mailbox) subjects() []string {
	var s []string
	for _, raw := range mb.srv.Messages(mb.srv.User) {
		for _, line := range strings.Split(string(raw), "\n") {
			if rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), "Subject: "); ok {
				s = append(s, rest)
			}
		}
	}
	slices.Sort(s)
	return s
}

// screen is the reader running in a private tmux server.
type screen struct {
	t    testing.TB
	sock string
}

// start runs the reader in a 100x30 tmux window.
func (mb *mailbox) start(t *testing.T) *screen {
	t.Helper()
	return startCommand(t, mb.home, mb.bin+" --config "+mb.config)
}

// startCommand runs a command line in a 100x30 tmux window, with HOME and
// the XDG folders under home.
func startCommand(t testing.TB, home, command string) *screen {
	t.Helper()
	s := &screen{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	env := fmt.Sprintf("env HOME=%s XDG_CONFIG_HOME=%s XDG_DATA_HOME=%s TERM=xterm-256color LANG=C.UTF-8",
		home, filepath.Join(home, "config"), filepath.Join(home, "data"))
	cmd := "exec " + env + " " + command // the pane's process is popterm itself
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", cmd)
	s.tmux("set-option", "-t", "e2e", "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	return s
}

func (s *screen) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// keys sends tmux key names ("j", "Enter", "Space").
func (s *screen) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		s.tmux("send-keys", "-t", "e2e", k)
	}
}

// typeText types text literally.
func (s *screen) typeText(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", "e2e", "-l", text)
}

func (s *screen) capture() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

// waitFor waits until the screen shows every one of want and returns it.
func (s *screen) waitFor(want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		text := s.capture()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(text, w)
		}
		if ok {
			return text
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q; it shows:\n%s", want, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone waits until the screen no longer shows text.
func (s *screen) waitGone(text string) {
	s.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for strings.Contains(s.capture(), text) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen still shows %q:\n%s", text, s.capture())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitExit waits until the reader has exited and returns the last screen.
func (s *screen) waitExit() string {
	s.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead}")) != "1" {
		if time.Now().After(deadline) {
			s.t.Fatalf("the reader did not exit; it shows:\n%s", s.capture())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// With the history: what was printed after leaving the alternate
	// screen may have scrolled out of view.
	return s.tmux("capture-pane", "-p", "-S", "-200", "-t", "e2e")
}

// markTwo marks E2E messages 4 and 2 (newest first: 5 4 3 2 1).
func markTwo(s *screen) {
	s.keys("g", "j", "d") // 4 marked, selection on 3
	s.keys("j", "d")      // 2 marked
	s.waitFor("2 to delete")
}

func TestReadMarkQuitDeletesExactlyThose(t *testing.T) {
	mb := newMailbox(t)
	s := mb.start(t)
	s.waitFor("E2E message 5", "E2E message 1", "synced")

	s.keys("Enter")
	s.waitFor("From: Sender 5 <sender5@example.org>", "Subject: E2E message 5", "Body of message 5.")
	s.keys("Space")
	s.waitGone("Subject: E2E message 5") // paged down past the header
	s.waitFor("Line of text in message 5.")
	s.keys("q")
	s.waitFor("Date", "From", "Subject")

	markTwo(s)
	quitDeletingTwo(t, s)
	mb.wantSubjects(t, "E2E message 1", "E2E message 3", "E2E message 5")
}

// quitDeletingTwo presses q, confirms the deletion of the two marked
// messages and waits for the reader to say it deleted them and exit.
func quitDeletingTwo(t *testing.T, s *screen) {
	t.Helper()
	s.keys("q")
	s.waitFor("Delete 2 messages on the server? [y/N]")
	s.keys("y")
	if out := s.waitExit(); !strings.Contains(out, "2 messages deleted on the server") {
		t.Errorf("no result shown after exit:\n%s", out)
	}
}

// wantSubjects fails unless the server holds exactly these subjects (sorted).
func (mb *mailbox) wantSubjects(t *testing.T, want ...string) {
	t.Helper()
	if got := mb.subjects(); !slices.Equal(got, want) {
		t.Fatalf("server holds %q, want %q", got, want)
	}
}

// New mail arrives after the reader's start-up sync (prefetch = "all"):
// `d d q y` deletes exactly the two marked messages in a session that reads
// nothing, as Dovecot's own logout line for it says (top=0, retr=0).
func TestQuitAfterNewMailOnlyDeletes(t *testing.T) {
	mb := newMailbox(t)
	cfg, err := os.ReadFile(mb.config)
	if err != nil {
		t.Fatal(err)
	}
	cfg = []byte(strings.Replace(string(cfg), `prefetch = "none"`, `prefetch = "all"`, 1))
	if err := os.WriteFile(mb.config, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	s := mb.start(t)
	s.waitFor("E2E message 5", "E2E message 1", "synced")
	for i := 1; i <= 2; i++ {
		mb.srv.Deliver(mb.srv.User, []byte(fmt.Sprintf("From: Late <late@example.org>\r\nSubject: Late message %d\r\n\r\nArrived after the start.\r\n", i)))
	}
	s.keys("g", "d", "d") // 5 and 4, newest first
	s.waitFor("2 to delete")
	quitDeletingTwo(t, s)
	mb.wantSubjects(t, "E2E message 1", "E2E message 2", "E2E message 3", "Late message 1", "Late message 2")
	if err := mb.srv.WaitIdle(waitLimit); err != nil {
		t.Fatal(err)
	}
	logouts := mb.srv.Logouts()
	if len(logouts) < 2 {
		t.Fatalf("want the start-up sync's and the commit's logout lines, got:\n%s", strings.Join(logouts, "\n"))
	}
	if first := logouts[0]; !strings.Contains(first, "retr=5/") {
		t.Errorf("the start-up sync (prefetch all) should count 5 RETR: %s", first)
	}
	last := logouts[len(logouts)-1]
	for _, want := range []string{"top=0/0", "retr=0/0", "del=2/7"} {
		if !strings.Contains(last, want) {
			t.Errorf("the commit's logout line lacks %q: %s", want, last)
		}
	}
}

func TestExitKeepsMarksAndDeletesNothing(t *testing.T) {
	mb := newMailbox(t)
	s := mb.start(t)
	s.waitFor("E2E message 5", "synced")
	markTwo(s)
	s.keys("x")
	out := s.waitExit()
	if !strings.Contains(out, "2 deletion marks kept") {
		t.Errorf("exit did not say the marks are kept:\n%s", out)
	}
	if n := len(mb.subjects()); n != 5 {
		t.Fatalf("server holds %d messages after x, want 5", n)
	}
	// The marks are still there next time, and a background sync did not
	// commit them.
	s2 := mb.start(t)
	s2.waitFor("2 to delete", "synced")
	if n := len(mb.subjects()); n != 5 {
		t.Fatalf("a background sync deleted: %d messages left", n)
	}
	s2.keys("x")
	s2.waitExit()
}

func TestOfflineReadsCachedMessage(t *testing.T) {
	mb := newMailbox(t)
	s := mb.start(t)
	s.waitFor("E2E message 3", "synced")
	s.keys("g", "j", "j", "Enter") // E2E message 3, fetched and stored
	s.waitFor("Body of message 3.")
	s.keys("q", "x")
	s.waitExit()

	if err := mb.srv.Stop(); err != nil {
		t.Fatal(err)
	}
	off := mb.start(t)
	off.waitFor("E2E message 5", "offline")
	off.keys("g", "j", "j", "Enter")
	off.waitFor("Subject: E2E message 3", "Body of message 3.")
	off.keys("q", "g", "Enter") // message 5 was never downloaded
	off.waitFor("Subject: E2E message 5", "not downloaded yet")
	off.keys("q", "x")
	off.waitExit()
}

// With no password anywhere (no password_cmd, nothing in the keyring, or
// no keyring at all), the reader asks for it, masked, and syncs with it.
func TestPasswordPromptWhenNoneStored(t *testing.T) {
	mb := newMailbox(t)
	cfg, err := os.ReadFile(mb.config)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(cfg), "\n") {
		if !strings.HasPrefix(line, "password_cmd") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(mb.config, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	s := mb.start(t)
	s.waitFor("Password for e2e:")
	s.typeText(mb.srv.Password)
	screen := s.waitFor("Password for e2e: " + strings.Repeat("•", len([]rune(mb.srv.Password))))
	if strings.Contains(screen, mb.srv.Password) {
		t.Fatalf("the password is shown:\n%s", screen)
	}
	s.keys("Enter")
	s.waitFor("Store this password in the keyring? [y/N]")
	s.keys("n")
	s.waitFor("E2E message 5", "online")
	s.keys("x")
	s.waitExit()
}
