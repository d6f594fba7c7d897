package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/mailapi"
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

// TestSetupFormSavesSending runs the form as `popterm account add` wires
// it (setupOptions: its Save writes the config and the keyring), with
// probes that stand for the servers: the POP3 test works, the first
// submission guess (smtp.DOMAIN:465) is refused and the second (587,
// STARTTLS) works; a display name is typed in From. The config file then
// holds from and [account.smtp], and loads back.
func TestSetupFormSavesSending(t *testing.T) {
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	e := &env{configPath: a.cfgPath, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, keyring: ks}
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		t.Fatal(err)
	}
	opts := setupOptions(e, cfg, "", look{noColor: true})
	opts.Probe = func(ctx context.Context, acct config.Account, pw string) (mailapi.ProbeResult, error) {
		return mailapi.ProbeResult{Addr: acct.Addr(), TLSVersion: "TLS 1.3", Mechanism: "user", Top: true, UIDL: true}, nil
	}
	var tried []string
	opts.ProbeSMTP = func(ctx context.Context, acct config.Account, pw string) (mailapi.SubmitProbeResult, error) {
		addr := net.JoinHostPort(acct.SMTP.Host, strconv.Itoa(acct.SMTP.Port))
		tried = append(tried, addr)
		if acct.SMTP.Port != 587 || acct.SMTP.TLS != config.TLSStartTLS || pw != "pw ✓" {
			return mailapi.SubmitProbeResult{}, errors.New("connect to " + addr + ": connection refused")
		}
		return mailapi.SubmitProbeResult{Addr: addr, TLSVersion: "TLS 1.3", Mechanism: "plain", Auth: []string{"PLAIN"}}, nil
	}
	tm := teatest.NewTestModel(t, setup.New(opts), teatest.WithInitialTermSize(100, 40))
	waitFor := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(20*time.Second))
	}
	key := func(code rune, mod tea.KeyMod) { tm.Send(tea.KeyPressMsg{Code: code, Mod: mod}) }
	tm.Type("bob@example.org")
	key(tea.KeyEnter, 0)
	waitFor("Password")
	tm.Type("pw ✓")
	key(tea.KeyEnter, 0)
	waitFor("Ready to send")
	key('u', tea.ModCtrl)
	tm.Type("Bob Example <bob@example.org>")
	key(tea.KeyEnter, 0)
	waitFor("save (password")
	key(tea.KeyEnter, 0)
	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(setup.Model)
	if _, ok := final.Saved(); !ok {
		t.Fatalf("not saved; view:\n%s", final.View().Content)
	}
	if strings.Join(tried, " ") != "smtp.example.org:465 smtp.example.org:587" {
		t.Errorf("tested %v", tried)
	}
	data, err := os.ReadFile(a.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"from = 'Bob Example <bob@example.org>'", "[account.smtp]", "host = 'smtp.example.org'", "tls = 'starttls'"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the config lacks %s:\n%s", want, data)
		}
	}
	if bytes.Contains(data, []byte("pw ✓")) {
		t.Fatal("the password reached the config file")
	}
	saved, err := a.config().Account("example")
	if err != nil || saved.SMTP == nil || saved.SMTP.Port != 587 || saved.SMTP.Host != "smtp.example.org" {
		t.Fatalf("loaded back %+v, %v", saved, err)
	}
	if from, err := saved.FromAddress(); err != nil || from.Name != "Bob Example" || from.Address != "bob@example.org" {
		t.Errorf("from %v, %v", from, err)
	}
	if pw, err := ks.Get(saved.PasswordKey()); err != nil || pw != "pw ✓" {
		t.Errorf("keyring holds %q, %v", pw, err)
	}
}
