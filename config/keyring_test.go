package config

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	a.Name = fmt.Sprintf("test-%d", os.Getpid())
	user := a.PasswordKey()
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
	if !errors.Is(err, ErrNoPassword) || !strings.Contains(err.Error(), "account passwd "+a.Name) {
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

// TestKeyringMigration walks the one-time move of passwords from the shared
// user@host:port key to per-account keys in the real keyring: two accounts
// of one user on one server each get their own copy, the shared entry is
// deleted only once neither needs it, and removing one account never
// deletes the other's password.
func TestKeyringMigration(t *testing.T) {
	ks := realKeyring(t)
	pid := os.Getpid()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	doc := fmt.Sprintf(`
[[account]]
name = "one-%[1]d"
host = "pop.example.com"
username = "shared-%[1]d"

[[account]]
name = "two-%[1]d"
host = "pop.example.com"
username = "shared-%[1]d"
`, pid)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	one, two := &cfg.Accounts[0], &cfg.Accounts[1]
	legacy := one.LegacyPasswordKey()
	t.Cleanup(func() {
		for _, k := range []string{legacy, one.PasswordKey(), two.PasswordKey()} {
			ks.Delete(k)
		}
	})
	if err := ks.Set(legacy, "old shared"); err != nil {
		t.Fatal(err)
	}
	if got, err := Password(t.Context(), one, ks); err != nil || got != "old shared" {
		t.Fatalf("first account, before migration: %q, %v", got, err)
	}
	if got, ok := secretToolLookup(t, one.PasswordKey()); !ok || got != "old shared" {
		t.Fatalf("the password was not copied to %s: %q", one.PasswordKey(), got)
	}
	if _, ok := secretToolLookup(t, legacy); !ok {
		t.Fatal("the shared entry was deleted while the second account still needs it")
	}
	if got, err := Password(t.Context(), two, ks); err != nil || got != "old shared" {
		t.Fatalf("second account: %q, %v", got, err)
	}
	if got, ok := secretToolLookup(t, legacy); ok && got != "" {
		t.Fatalf("the shared entry survived although both accounts have their own key")
	}
	// Per-account secrets: setting one does not change the other.
	if err := SetPassword(ks, two, "two's new", cfg.Accounts); err != nil {
		t.Fatal(err)
	}
	if got, _ := Password(t.Context(), one, ks); got != "old shared" {
		t.Errorf("changing the second account's password changed the first's: %q", got)
	}
	removed := *two
	deleted, err := DeleteSecrets(ks, &removed, cfg.Accounts[:1])
	if err != nil || len(deleted) != 1 {
		t.Fatalf("DeleteSecrets = %v, %v", deleted, err)
	}
	if got, err := Password(t.Context(), one, ks); err != nil || got != "old shared" {
		t.Errorf("removing the second account lost the first's password: %q, %v", got, err)
	}
}

// TestLegacyKeyKeptForUnmigratedPeer: removing an account never deletes
// the shared legacy entry another account still reads.
func TestLegacyKeyKeptForUnmigratedPeer(t *testing.T) {
	ks := NewMemStore()
	a, b := *testAccount(), *testAccount()
	b.Name = "home"
	ks.Set(a.LegacyPasswordKey(), "shared")
	ks.Set(a.PasswordKey(), "mine")
	if _, err := DeleteSecrets(ks, &a, []Account{b}); err != nil {
		t.Fatal(err)
	}
	if got, err := Password(t.Context(), &b, ks); err != nil || got != "shared" {
		t.Fatalf("the other account lost its password: %q, %v", got, err)
	}
	// With the peer gone too, the shared entry goes.
	if _, err := DeleteSecrets(ks, &b, nil); err != nil {
		t.Fatal(err)
	}
	if ks.Len() != 0 {
		t.Errorf("%d secrets left after removing every account", ks.Len())
	}
}
