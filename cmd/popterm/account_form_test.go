package main

import (
	"bytes"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/popterm/popterm/config"
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
	_, port, _ := net.SplitHostPort(s.Addr())

	e := &env{configPath: a.cfgPath, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, keyring: ks}
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

	tm.Type("bob@example.org")
	key(tea.KeyEnter, 0)
	waitFor("pop.example.org")
	for range 4 { // Password -> User -> TLS -> Port -> Host
		key(tea.KeyTab, tea.ModShift)
	}
	key('u', tea.ModCtrl) // clear the host
	tm.Type("127.0.0.1")
	key(tea.KeyTab, 0)
	key('u', tea.ModCtrl)
	tm.Type(port)
	for range 3 { // Port -> TLS -> User -> Password
		key(tea.KeyTab, 0)
	}
	tm.Type("pw ✓")
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
	if acct.Addr() != s.Addr() || acct.TLSCertSHA256 != pin || acct.Name != "example" || acct.Username != "bob@example.org" {
		t.Errorf("saved %+v", acct)
	}
	got := a.config()
	if saved, err := got.Account("example"); err != nil || saved.TLSCertSHA256 != pin {
		t.Fatalf("config holds %+v, %v", saved, err)
	}
	if pw, err := ks.Get("bob@example.org@" + s.Addr()); err != nil || pw != "pw ✓" {
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
