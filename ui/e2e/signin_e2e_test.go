package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/oauthtest"
	"github.com/popterm/popterm/internal/testenv"
)

// TestReaderSignsInAgain: the saved sign-in is revoked at the provider;
// the reader says so, offers a device sign-in, shows the code, stores the
// new refresh token in the real keyring and syncs through a Dovecot that
// checks the new access token itself.
func TestReaderSignsInAgain(t *testing.T) {
	testenv.LookPath(t, "tmux")
	secretTool := testenv.LookPath(t, "secret-tool")
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		testenv.Missing(t, "no DBUS_SESSION_BUS_ADDRESS: run inside dbus-run-session with gnome-keyring-daemon unlocked (scripts/test.sh)")
	}
	srv := oauthtest.Start(t, "alice", oauthtest.WithInterval(2)) // the code stays on screen for a poll
	d := dovecottest.Start(t, dovecottest.WithOAuth2(srv.IntrospectURL()))
	d.Deliver(d.User, []byte("From: a@example.org\r\nSubject: After signing in again\r\n\r\nbody\r\n"))

	name := fmt.Sprintf("e2e-oa-%d", os.Getpid())
	key := "oauth2:" + name
	t.Cleanup(func() { exec.Command(secretTool, "clear", "service", "popterm", "username", key).Run() })
	home := t.TempDir()
	cfgDir := filepath.Join(home, "config", "popterm")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(d.TLSAddr(), ":")
	cfg := filepath.Join(cfgDir, "config.toml")
	doc := fmt.Sprintf(`[[account]]
name = %q
host = %q
port = %s
username = %q
ca_file = %q
prefetch = "none"
oauth2 = "custom"
oauth2_client_id = %q
oauth2_token_url = %q
oauth2_device_url = %q
oauth2_scopes = ["pop3", "offline_access"]
`, name, host, port, d.User, d.CAFile(), srv.ClientID, srv.TokenURL(), srv.DeviceURL())
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := buildPopterm(t)
	login := exec.Command(bin, "--config", cfg, "account", "login", "--device", name)
	login.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"))
	if out, err := login.CombinedOutput(); err != nil {
		t.Fatalf("account login --device: %v\n%s", err, out)
	}
	old := srv.RefreshTokens()
	srv.RevokeAll()

	s := startCommand(t, home, bin+" --config "+cfg)
	s.waitFor("sign in again: popterm account login", "Sign in again now with a code? [y/N]")
	s.keys("y")
	screen := s.waitFor("On any device with a browser, open", srv.URL+"/activate", "WDJB-MJHT", "Esc or Ctrl-C cancels")
	if strings.Contains(screen, "Password") {
		t.Fatalf("a sign-in account was asked for a password:\n%s", screen)
	}
	s.waitFor("After signing in again", "Signed in again.", "online")

	out, err := exec.Command(secretTool, "lookup", "service", "popterm", "username", key).Output()
	now := srv.RefreshTokens()
	if err != nil || len(now) != 1 || string(out) != now[0] || now[0] == old[0] {
		t.Fatalf("the keyring does not hold the new refresh token (lookup error %v, %d live grants)", err, len(now))
	}
	s.keys("x")
	s.waitExit()
}
