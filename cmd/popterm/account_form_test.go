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
	"github.com/popterm/popterm/internal/postfixtest"
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
	f := startForm(t, form)
	f.tm.Type(email)
	f.key(tea.KeyEnter, 0)
	f.waitFor("Password")
	f.enterServer(host, port, user, password)
	f.waitFor("not trusted")
	f.tm.Type("p")
	f.waitFor("Connected and logged in")
	f.key(tea.KeyEnter, 0)
	acct := f.saved()
	return acct
}

// formTM runs the setup form under teatest, as a terminal would.
type formTM struct {
	t  *testing.T
	tm *teatest.TestModel
}

func startForm(t *testing.T, m setup.Model) *formTM {
	return &formTM{t: t, tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 40))}
}

// waitFor waits until the screen shows what.
func (f *formTM) waitFor(what string) {
	f.t.Helper()
	teatest.WaitFor(f.t, f.tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
		teatest.WithDuration(20*time.Second))
}

func (f *formTM) key(code rune, mod tea.KeyMod) { f.tm.Send(tea.KeyPressMsg{Code: code, Mod: mod}) }

// replace empties the focused field and types text.
func (f *formTM) replace(text string) {
	f.key('u', tea.ModCtrl)
	f.tm.Type(text)
}

// saved waits for the form to end and returns the account it saved.
func (f *formTM) saved() config.Account {
	f.t.Helper()
	final := f.tm.FinalModel(f.t, teatest.WithFinalTimeout(20*time.Second)).(setup.Model)
	acct, ok := final.Saved()
	if !ok {
		f.t.Fatalf("not saved; view:\n%s", final.View().Content)
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
	f := startForm(t, setup.New(opts))
	f.tm.Type("bob@example.org")
	f.key(tea.KeyEnter, 0)
	f.waitFor("Password")
	f.tm.Type("pw ✓")
	f.key(tea.KeyEnter, 0)
	f.waitFor("Ready to send")
	f.replace("Bob Example <bob@example.org>")
	f.key(tea.KeyEnter, 0)
	f.waitFor("save (password")
	f.key(tea.KeyEnter, 0)
	f.saved()
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
	var out bytes.Buffer
	noteSending(&env{stdout: &out}, *saved)
	if !strings.Contains(out.String(), "sends through smtp.example.org:587 (STARTTLS)") {
		t.Errorf("after the form: %q", out.String())
	}
	if pw, err := ks.Get(saved.PasswordKey()); err != nil || pw != "pw ✓" {
		t.Errorf("keyring holds %q, %v", pw, err)
	}
}

// TestSetupFormPostfix is the interactive `account add` with sending, end to
// end: the form wired as popterm wires it (its real probes and save)
// against a real Dovecot (POP3) and a real Postfix (submission with
// STARTTLS, AUTH through Dovecot), the servers entered by hand
// (alice@localhost gives no submission guess), both self-signed
// certificates pinned in the form. The saved account then passes `popterm
// account test`, sending included.
func TestSetupFormPostfix(t *testing.T) {
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	pf := postfixtest.Start(t, dove)
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	e := &env{configPath: a.cfgPath, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, keyring: ks}
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(dove.TLSAddr())

	f := startForm(t, setup.New(setupOptions(e, cfg, "", look{noColor: true})))
	f.tm.Type(dove.User + "@localhost")
	f.key(tea.KeyEnter, 0)
	f.waitFor("Password")
	f.enterServer(host, port, dove.User, dove.Password)
	f.waitFor("not trusted")
	f.tm.Type("p")
	f.waitFor("POP3 connected and logged in")
	// The sending step, by hand: From, host, port, STARTTLS.
	f.replace("Alice Example <" + dove.User + "@" + postfixtest.Domain + ">")
	f.key(tea.KeyTab, 0)
	f.replace("127.0.0.1")
	f.key(tea.KeyTab, 0)
	f.replace(strconv.Itoa(pf.SubmissionPort))
	f.key(tea.KeyTab, 0)
	f.key(tea.KeyRight, 0) // STARTTLS
	f.key(tea.KeyEnter, 0)
	f.waitFor("submission server's (127.0.0.1) certificate is not trusted")
	f.tm.Type("p")
	f.waitFor("Ready to send")
	f.key(tea.KeyEnter, 0)
	f.waitFor("save (password")
	f.key(tea.KeyEnter, 0)
	acct := f.saved()

	saved, err := a.config().Account(acct.Name)
	if err != nil || saved.SMTP == nil || saved.SMTP.Host != "127.0.0.1" || saved.SMTP.Port != pf.SubmissionPort || saved.SMTP.TLS != config.TLSStartTLS || saved.SMTP.TLSCertSHA256 == "" {
		t.Fatalf("saved %+v (smtp %+v), %v", saved, saved.SMTP, err)
	}
	if from, err := saved.FromAddress(); err != nil || from.Address != dove.User+"@"+postfixtest.Domain {
		t.Errorf("from %v, %v", from, err)
	}
	assertNotInFiles(t, a.dir, dove.Password)
	code, out, errOut := a.run("", "account", "test", acct.Name)
	if code != exitOK || !strings.Contains(out, "can send") || !strings.Contains(out, "AUTH PLAIN") {
		t.Errorf("account test: exit %d, out %q, stderr %q", code, out, errOut)
	}
}

// enterServer edits the POP3 fields the address step guessed, as a user
// would from the Password field: the user (unless ""), host and port, then
// types the password and tests the server.
func (f *formTM) enterServer(host, port, user, password string) {
	f.key(tea.KeyTab, tea.ModShift) // Password -> User
	if user != "" {
		f.replace(user)
	}
	for range 3 { // User -> TLS -> Port -> Host
		f.key(tea.KeyTab, tea.ModShift)
	}
	f.replace(host)
	f.key(tea.KeyTab, 0)
	f.replace(port)
	for range 3 { // Port -> TLS -> User -> Password
		f.key(tea.KeyTab, 0)
	}
	f.tm.Type(password)
	f.key(tea.KeyEnter, 0)
}
