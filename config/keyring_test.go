package config

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/popterm/popterm/internal/testenv"
)

// realKeyring returns the OS keyring for a test, or skips (fails in CI)
// when no Secret Service is reachable. Run the keyring tests inside
//
//	dbus-run-session -- sh -c 'printf %s ci-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null; go test -run Keyring ./config/...'
func realKeyring(t *testing.T) Store {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		testenv.Missing(t, "no DBUS_SESSION_BUS_ADDRESS: run inside dbus-run-session with gnome-keyring-daemon unlocked")
	}
	ks := Keyring()
	if _, err := ks.Get("popterm-test-probe@127.0.0.1:1"); err != nil && !errors.Is(err, ErrNotFound) {
		testenv.Missing(t, "no usable Secret Service: "+err.Error())
	}
	return ks
}

// secretToolLookup runs secret-tool lookup for what popterm stored.
func secretToolLookup(t *testing.T, user string) (string, bool) {
	t.Helper()
	tool := testenv.LookPath(t, "secret-tool")
	out, err := exec.Command(tool, "lookup", "service", KeyringService, "username", user).Output()
	if err != nil {
		return "", false
	}
	return string(out), true
}

func TestKeyringRoundTrip(t *testing.T) {
	ks := realKeyring(t)
	a := testAccount()
	a.Username = fmt.Sprintf("test-%d", os.Getpid())
	user := a.KeyringUser()
	t.Cleanup(func() { ks.Delete(user) })

	if err := ks.Set(user, "first"); err != nil {
		t.Fatal(err)
	}
	if err := ks.Set(user, "ünïcode pass"); err != nil {
		t.Fatalf("replacing: %v", err)
	}
	if got, err := Password(t.Context(), a, ks); err != nil || got != "ünïcode pass" {
		t.Fatalf("Password = %q, %v", got, err)
	}
	if got, ok := secretToolLookup(t, user); !ok || got != "ünïcode pass" {
		t.Fatalf("secret-tool lookup service %s username %s = %q, %v", KeyringService, user, got, ok)
	}
	if err := ks.Delete(user); err != nil {
		t.Fatal(err)
	}
	if got, ok := secretToolLookup(t, user); ok && got != "" {
		t.Fatalf("secret-tool still finds %q after Delete", got)
	}
	if _, err := ks.Get(user); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	if err := ks.Delete(user); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete after Delete: %v", err)
	}
	_, err := Password(t.Context(), a, ks)
	if !errors.Is(err, ErrNoPassword) || !strings.Contains(err.Error(), "account passwd work") {
		t.Errorf("Password after Delete: %v", err)
	}
}

// TestKeyringUnavailableMessage checks the message when the session bus is
// unreachable. godbus keeps one session connection per process, so the
// check runs in a child process of the test binary.
func TestKeyringUnavailableMessage(t *testing.T) {
	if os.Getenv("POPTERM_TEST_KEYRING_CHILD") == "1" {
		_, err := Keyring().Get("x@h:995")
		fmt.Printf("ERR=%v\nIS=%v\n", err, errors.Is(err, ErrKeyringUnavailable))
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeyringUnavailableMessage$")
	cmd.Env = append(os.Environ(), "POPTERM_TEST_KEYRING_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/popterm-test-bus")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	msg, _, _ := strings.Cut(strings.SplitN(string(out), "ERR=", 2)[1], "\nIS=")
	if !strings.Contains(string(out), "IS=true") || !strings.Contains(msg, "password_cmd") || !strings.Contains(msg, "no session D-Bus") {
		t.Errorf("message without a bus = %q", out)
	}
}
