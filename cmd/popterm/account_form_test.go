package main

import (
	"bytes"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/ui/setup"
)

// TestSetupFormAgainstServer drives the real setup form, with the real probe,
// against a pop3test server with a self-signed certificate: the address is
// entered, the host and port edited, the untrusted certificate pinned on
// request, and the account saved to the config and the (in-memory) keyring.
func TestSetupFormAgainstServer(t *testing.T) {
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	s, pin := tlsServer(t, true, map[string]string{"bob@example.org": "pw ✓"})
	host, port, _ := net.SplitHostPort(s.Addr())

	acct := driveSetupForm(t, a, "bob@example.org", host, port, "", "pw ✓")
	if acct.Addr() != s.Addr() || acct.TLSCertSHA256 != pin || acct.Name != "example" || acct.Username != "bob@example.org" {
		t.Errorf("saved %+v", acct)
	}
	got := a.config()
	if saved, err := got.Account("example"); err != nil || saved.TLSCertSHA256 != pin {
		t.Fatalf("config holds %+v, %v", saved, err)
	}
	if pw, err := ks.Get(acct.PasswordKey()); err != nil || pw != "pw ✓" {
		t.Errorf("keyring holds %q, %v", pw, err)
	}
	data, _ := os.ReadFile(a.cfgPath)
	if bytes.Contains(data, []byte("pw ✓")) {
		t.Fatal("the password reached the config file")
	}
	// The saved account works from the command line too.
	if code, out, errOut := a.run("", "account", "test", "example"); code != exitOK || !strings.Contains(out, "works") {
		t.Errorf("account test: exit %d, out %q, stderr %q", code, out, errOut)
	}
}

// TestSetupFormDovecotKeyring is the interactive `account add` end to end:
// the form against a real Dovecot (implicit TLS, its self-signed
// certificate pinned in the form) with the password stored in the real
// gnome-keyring, looked up with secret-tool, and gone after account remove.
func TestSetupFormDovecotKeyring(t *testing.T) {
	requireKeyring(t)
	d := dovecottest.Start(t)
	a := newAcctEnv(t, nil) // the real OS keyring
	host, port, _ := net.SplitHostPort(d.TLSAddr())
	user := d.User + "@" + d.TLSAddr()
	acct := driveSetupForm(t, a, d.User+"@example.org", host, port, d.User, d.Password)
	t.Cleanup(func() { config.Keyring().Delete(acct.PasswordKey()) })
	sum := d.CertSHA256()
	if acct.KeyringUser() != user || acct.TLSCertSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("saved %+v", acct)
	}
	if got, ok := secretToolLookup(t, acct.PasswordKey()); !ok || got != d.Password {
		t.Fatalf("secret-tool lookup service popterm username %s: %q, %v", acct.PasswordKey(), got, ok)
	}
	assertNotInFiles(t, a.dir, d.Password)
	if code, _, errOut := a.run("", "account", "remove", acct.Name); code != exitOK {
		t.Fatalf("remove: exit %d, stderr %q", code, errOut)
	}
	if got, ok := secretToolLookup(t, acct.PasswordKey()); ok && got != "" {
		t.Fatalf("the secret survived remove: %q", got)
	}
}

// driveSetupForm runs the setup form (real probe, saving to a's config and
// keyring) as a user would: the address, then host, port and (unless "")
// user edited, the password, the untrusted certificate pinned, save. It
// returns the saved account.
func driveSetupForm(t *testing.T, a *acctEnv, email, host, port, user, password string) config.Account {
	t.Helper()
	e := &env{configPath: a.cfgPath, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, keyring: a.keyring}
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		t.Fatal(err)
	}
	form := setup.New(setup.Options{
		Probe: probeAccount,
		Save: func(acct config.Account, pw string) error {
			return saveNewAccount(e, cfg, acct, pw, true, false)
		},
	})
	tm := teatest.NewTestModel(t, form, teatest.WithInitialTermSize(100, 40))
	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(20*time.Second))
	}
	key := func(code rune, mod tea.KeyMod) { tm.Send(tea.KeyPressMsg{Code: code, Mod: mod}) }
	replace := func(text string) {
		key('u', tea.ModCtrl) // clear the field
		tm.Type(text)
	}

	tm.Type(email)
	key(tea.KeyEnter, 0)
	waitFor("Password")
	key(tea.KeyTab, tea.ModShift) // Password -> User
	if user != "" {
		replace(user)
	}
	for range 3 { // User -> TLS -> Port -> Host
		key(tea.KeyTab, tea.ModShift)
	}
	replace(host)
	key(tea.KeyTab, 0)
	replace(port)
	for range 3 { // Port -> TLS -> User -> Password
		key(tea.KeyTab, 0)
	}
	tm.Type(password)
	key(tea.KeyEnter, 0)
	waitFor("not trusted")
	tm.Type("p")
	waitFor("Connected and logged in")
	key(tea.KeyEnter, 0)

	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(setup.Model)
	acct, ok := final.Saved()
	if !ok {
		t.Fatalf("not saved; view:\n%s", final.View().Content)
	}
	return acct
}
