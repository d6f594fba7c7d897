package main

import (
	"bytes"
	"encoding/hex"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/testenv"
)

// dovecotAdd runs `account add` against a real Dovecot.
func dovecotAdd(a *acctEnv, name, addr, tlsMode, user, password string, extra ...string) (int, string, string) {
	host, port, _ := net.SplitHostPort(addr)
	args := append([]string{"account", "add", "--name", name, "--host", host, "--port", port, "--tls", tlsMode,
		"--user", user, "--password-stdin"}, extra...)
	return a.run(password+"\n", args...)
}

// TestAccountDovecot runs add (implicit TLS with ca_file, STARTTLS with a
// pin), test, passwd and remove against a real Dovecot.
func TestAccountDovecot(t *testing.T) {
	d := dovecottest.Start(t)
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)

	code, _, errOut := dovecotAdd(a, "dc", d.TLSAddr(), "implicit", d.User, "not-it", "--ca-file", d.CAFile())
	if code != exitCredentials || ks.Len() != 0 {
		t.Fatalf("wrong password: exit %d, stderr %q, keyring %d", code, errOut, ks.Len())
	}
	if _, err := os.Stat(a.cfgPath); !os.IsNotExist(err) {
		t.Fatal("a failed probe wrote the config")
	}

	code, out, errOut := dovecotAdd(a, "dc", d.TLSAddr(), "implicit", d.User, d.Password, "--ca-file", d.CAFile())
	if code != exitOK {
		t.Fatalf("add implicit: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"TLS 1.3", "TOP: yes", "UIDL: yes", "PIPELINING: yes", "added account dc"} {
		if !strings.Contains(out, want) {
			t.Errorf("add output lacks %q:\n%s", want, out)
		}
	}
	sum := d.CertSHA256()
	code, out, errOut = dovecotAdd(a, "dc-stls", d.Addr(), "starttls", d.User, d.Password, "--tls-cert-sha256", hex.EncodeToString(sum[:]))
	if code != exitOK || !strings.Contains(out, "TLS 1.") {
		t.Fatalf("add starttls: exit %d, out %q, stderr %q", code, out, errOut)
	}

	for _, name := range []string{"dc", "dc-stls"} {
		if code, out, errOut := a.run("", "account", "test", name); code != exitOK || !strings.Contains(out, "works") {
			t.Errorf("test %s: exit %d, out %q, stderr %q", name, code, out, errOut)
		}
	}
	if code, _, errOut := a.run("wrong\n", "account", "passwd", "--password-stdin", "dc"); code != exitCredentials {
		t.Fatalf("passwd with a wrong password: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := a.run("wrong\n", "account", "passwd", "--password-stdin", "--no-probe", "dc"); code != exitOK {
		t.Fatalf("passwd: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := a.run("", "account", "test", "dc"); code != exitCredentials {
		t.Errorf("test after a wrong passwd: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := a.run("", "account", "remove", "dc"); code != exitOK {
		t.Fatalf("remove: exit %d, stderr %q", code, errOut)
	}
	if names := a.config().AccountNames(); len(names) != 1 || names[0] != "dc-stls" || ks.Len() != 1 {
		t.Errorf("after remove: %v, keyring %d", names, ks.Len())
	}
}

// TestKeyringDovecot is the end-to-end check: account add, test and
// remove against a real Dovecot with the password in the real gnome-keyring,
// looked up with secret-tool, and never in the config file. Run inside
// dbus-run-session with gnome-keyring-daemon unlocked.
func TestKeyringDovecot(t *testing.T) {
	requireKeyring(t)
	d := dovecottest.Start(t)
	a := newAcctEnv(t, nil) // the real OS keyring
	user := "password:dc"
	t.Cleanup(func() { config.Keyring().Delete(user) })

	if code, _, errOut := dovecotAdd(a, "dc", d.TLSAddr(), "implicit", d.User, d.Password, "--ca-file", d.CAFile()); code != exitOK {
		t.Fatalf("add: exit %d, stderr %q", code, errOut)
	}
	if got, ok := secretToolLookup(t, user); !ok || got != d.Password {
		t.Fatalf("secret-tool lookup service popterm username %s: %q, %v", user, got, ok)
	}
	if code, out, errOut := a.run("", "account", "test", "dc"); code != exitOK || !strings.Contains(out, "works") {
		t.Fatalf("test: exit %d, out %q, stderr %q", code, out, errOut)
	}
	// A sync logs in with the stored password and writes the store: the
	// password is in none of the files popterm wrote, nor in its output.
	d.Deliver(d.User, []byte("From: a@example.com\nSubject: hi\n\nbody\n"))
	code, out, errOut := a.run("", "--account", "dc", "sync")
	if code != exitOK || strings.Contains(out+errOut, d.Password) {
		t.Fatalf("sync: exit %d, out %q, stderr %q", code, out, errOut)
	}
	assertNotInFiles(t, a.dir, d.Password)
	if code, _, errOut := a.run("", "account", "remove", "dc"); code != exitOK {
		t.Fatalf("remove: exit %d, stderr %q", code, errOut)
	}
	if got, ok := secretToolLookup(t, user); ok && got != "" {
		t.Fatalf("the secret survived remove: %q", got)
	}
}

// assertNotInFiles fails if any file under dir contains secret.
func assertNotInFiles(t *testing.T, dir, secret string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the password is in %s", path)
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("walking %s: %d files, %v", dir, files, err)
	}
}

// requireKeyring skips (fails in CI) without a usable Secret Service.
func requireKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		testenv.Missing(t, "no DBUS_SESSION_BUS_ADDRESS: run inside dbus-run-session with gnome-keyring-daemon unlocked")
	}
	if _, err := config.Keyring().Get("popterm-probe@127.0.0.1:1"); err != nil && !strings.Contains(err.Error(), config.ErrNotFound.Error()) {
		testenv.Missing(t, "no usable Secret Service: "+err.Error())
	}
}
