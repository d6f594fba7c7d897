package setup

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
)

// fakeServer records what the form probes and saves.
type fakeServer struct {
	mu      sync.Mutex
	probed  []config.Account
	pws     []string
	saved   []config.Account
	savedPw string
	probe   func(a config.Account) (mailapi.ProbeResult, error)
	saveErr error
	// smtp answers the submission probe (ProbeSMTP); smtpTried and
	// smtpPws record what it was asked.
	smtp      func(s config.SMTP) (mailapi.SubmitProbeResult, error)
	smtpTried []config.SMTP
	smtpPws   []string
}

func (f *fakeServer) ProbeSMTP(ctx context.Context, a config.Account, pw string) (mailapi.SubmitProbeResult, error) {
	f.mu.Lock()
	f.smtpTried, f.smtpPws = append(f.smtpTried, *a.SMTP), append(f.smtpPws, pw)
	f.mu.Unlock()
	return f.smtp(*a.SMTP)
}

func (f *fakeServer) Probe(ctx context.Context, a config.Account, pw string) (mailapi.ProbeResult, error) {
	f.mu.Lock()
	f.probed, f.pws = append(f.probed, a), append(f.pws, pw)
	f.mu.Unlock()
	if f.probe != nil {
		return f.probe(a)
	}
	return mailapi.ProbeResult{Addr: a.Addr(), TLSVersion: "TLS 1.3", Mechanism: "plain", Mechanisms: []string{"PLAIN"}, Top: true, UIDL: true}, nil
}

func (f *fakeServer) Save(a config.Account, pw string) error {
	if f.saveErr != nil {
		return f.saveErr
	}
	f.saved, f.savedPw = append(f.saved, a), pw
	return nil
}

// driver feeds messages to the model as the program would. It runs only
// the probe and save commands (what the model returns on entering those
// steps), not the text inputs' cursor blinks, which sleep.
type driver struct {
	t *testing.T
	m tea.Model
}

func newDriver(t *testing.T, f *fakeServer, taken ...string) *driver {
	t.Setenv("XDG_DATA_HOME", "/data")
	return &driver{t: t, m: New(Options{Probe: f.Probe, Save: f.Save, Taken: taken})}
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	if st := d.model().step; cmd != nil && (st == stepProbing || st == stepSaving || st == stepSendProbing) {
		d.send(cmd())
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (d *driver) key(k rune) { d.send(tea.KeyPressMsg{Code: k}) }

func (d *driver) model() Model { return d.m.(Model) }

func (d *driver) view() string { return d.model().View().Content }

func TestFormGuessProbeSave(t *testing.T) {
	f := &fakeServer{}
	d := newDriver(t, f, "gmail")
	d.typeText("alice@gmail.com")
	d.key(tea.KeyEnter)
	v := d.view()
	for _, want := range []string{"pop.gmail.com", "995", "implicit TLS", "alice@gmail.com", "gmail-2", "app password"} {
		if !strings.Contains(v, want) {
			t.Errorf("after the address the form lacks %q:\n%s", want, v)
		}
	}
	// Focus is on the password; it is masked.
	d.typeText("hunter2")
	if strings.Contains(d.view(), "hunter2") {
		t.Fatal("the password is shown in clear")
	}
	d.key(tea.KeyEnter)
	if len(f.probed) != 1 || f.pws[0] != "hunter2" || f.probed[0].Host != "pop.gmail.com" || f.probed[0].Name != "gmail-2" {
		t.Fatalf("probed %+v with %q", f.probed, f.pws)
	}
	v = d.view()
	if !strings.Contains(v, "Connected and logged in") || !strings.Contains(v, "TLS 1.3") || !strings.Contains(v, "with PLAIN") {
		t.Fatalf("review:\n%s", v)
	}
	if strings.Contains(v, "hunter2") {
		t.Fatal("the password is shown")
	}
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.savedPw != "hunter2" || f.saved[0].Username != "alice@gmail.com" {
		t.Fatalf("saved %+v with %q", f.saved, f.savedPw)
	}
	if a, ok := d.model().Saved(); !ok || a.Name != "gmail-2" {
		t.Errorf("Saved() = %+v, %v", a, ok)
	}
}

func TestFormEditAndTLSToggle(t *testing.T) {
	f := &fakeServer{}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	// Move up from Password to TLS (User, then TLS) and toggle to STARTTLS:
	// the default port follows.
	d.key(tea.KeyUp)
	d.key(tea.KeyUp)
	d.key(tea.KeyRight)
	if v := d.view(); !strings.Contains(v, "STARTTLS") || !strings.Contains(v, "110") {
		t.Fatalf("after toggling:\n%s", v)
	}
	// Edit the host: up twice more to Host, clear it and type another.
	d.key(tea.KeyUp)
	d.key(tea.KeyUp)
	for range len("pop.example.org") {
		d.key(tea.KeyBackspace)
	}
	d.typeText("mx.example.org")
	d.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if !strings.Contains(d.view(), "enter the password") || len(f.probed) != 0 {
		t.Fatalf("probed without a password:\n%s", d.view())
	}
	d.key(tea.KeyTab) // Port
	d.key(tea.KeyTab) // TLS
	d.key(tea.KeyTab) // User
	d.key(tea.KeyTab) // Password
	d.typeText("pw")
	d.key(tea.KeyEnter)
	if len(f.probed) != 1 {
		t.Fatalf("not probed:\n%s", d.view())
	}
	a := f.probed[0]
	if a.Host != "mx.example.org" || a.TLS != config.TLSStartTLS || a.Port != 110 || a.Name != "example" {
		t.Errorf("probed %+v", a)
	}
}

func TestFormProbeFailureSavesNothing(t *testing.T) {
	f := &fakeServer{probe: func(a config.Account) (mailapi.ProbeResult, error) {
		return mailapi.ProbeResult{}, errors.New("log in as bob: -ERR [AUTH] invalid\x1b[31m password \u202egnp.exe")
	}}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	v := d.view()
	if !strings.Contains(v, "invalid") || strings.Contains(v, "\x1b[31m password") || strings.Contains(v, "\u202e") {
		t.Fatalf("failure view (must show the error, sanitized):\n%q", v)
	}
	if len(f.saved) != 0 {
		t.Fatal("saved after a failed probe")
	}
	if _, ok := d.model().Saved(); ok {
		t.Error("Saved() after a failure")
	}
}

func TestFormTriesAlternativeHost(t *testing.T) {
	f := &fakeServer{probe: func(a config.Account) (mailapi.ProbeResult, error) {
		if a.Host == "pop.example.org" {
			return mailapi.ProbeResult{}, &net.DNSError{Err: "no such host", Name: a.Host, IsNotFound: true}
		}
		return mailapi.ProbeResult{Addr: a.Addr(), TLSVersion: "TLS 1.3", Mechanism: "user"}, nil
	}}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].Host != "mail.example.org" {
		t.Fatalf("saved %+v after probing %v", f.saved, f.probed)
	}
}

func TestFormPinsUntrustedCertificate(t *testing.T) {
	pin := strings.Repeat("ab", 32)
	f := &fakeServer{probe: func(a config.Account) (mailapi.ProbeResult, error) {
		if a.TLSCertSHA256 != pin {
			return mailapi.ProbeResult{}, &mailapi.UntrustedCertError{SHA256: pin, Subject: "CN=mail", Err: errors.New("x509: certificate signed by unknown authority")}
		}
		return mailapi.ProbeResult{Addr: a.Addr(), TLSVersion: "TLS 1.3", Mechanism: "plain"}, nil
	}}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	if v := d.view(); !strings.Contains(v, "not trusted") || !strings.Contains(v, pin) {
		t.Fatalf("untrusted view:\n%s", v)
	}
	d.typeText("p")
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].TLSCertSHA256 != pin {
		t.Fatalf("saved %+v", f.saved)
	}
}

func TestFormRefusesNoPOPProvider(t *testing.T) {
	d := newDriver(t, &fakeServer{})
	d.typeText("carol@icloud.com")
	d.key(tea.KeyEnter)
	if v := d.view(); !strings.Contains(v, "IMAP only") || strings.Contains(v, "Password") {
		t.Fatalf("iCloud:\n%s", v)
	}
	d.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if _, ok := d.model().Saved(); ok {
		t.Error("saved")
	}
}

func TestFormSaveErrorShown(t *testing.T) {
	f := &fakeServer{saveErr: errors.New("keyring: the OS keyring is not available; set password_cmd")}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	d.key(tea.KeyEnter)
	if v := d.view(); !strings.Contains(v, "password_cmd") {
		t.Fatalf("save error not shown:\n%s", v)
	}
	if _, ok := d.model().Saved(); ok {
		t.Error("Saved() after a failed save")
	}
}

func TestGuess(t *testing.T) {
	tests := []struct {
		email, host string
		port        int
		noPOP       bool
		note        string
	}{
		{"a@gmail.com", "pop.gmail.com", 995, false, "OAuth 2.0 sign-in is preferred"},
		{"a@GoogleMail.com", "pop.gmail.com", 995, false, ""},
		{"a@outlook.com", "outlook.office365.com", 995, false, "only OAuth 2.0"},
		{"a@hotmail.com", "outlook.office365.com", 995, false, "--oauth2 microsoft"},
		{"a@naver.com", "pop.naver.com", 995, false, ""},
		{"a@hanmail.net", "pop.daum.net", 995, false, ""},
		{"a@web.de", "pop3.web.de", 995, false, ""},
		{"a@icloud.com", "", 0, true, "IMAP only"},
		{"a@example.com", "pop.example.com", 995, false, "Guessed"},
		{"a@example.com.", "pop.example.com", 995, false, ""},
	}
	for _, tt := range tests {
		p := Guess(tt.email)
		if p.Host != tt.host || p.Port != tt.port || p.NoPOP != tt.noPOP || !strings.Contains(p.Note, tt.note) {
			t.Errorf("Guess(%q) = %+v", tt.email, p)
		}
		if !p.NoPOP && p.TLS != config.TLSImplicit {
			t.Errorf("Guess(%q) TLS = %q", tt.email, p.TLS)
		}
	}
	if alts := Guess("a@example.com").Alternatives; len(alts) != 1 || alts[0] != "mail.example.com" {
		t.Errorf("alternatives = %v", alts)
	}
	if got := SuggestName("a@mail.example.com", []string{"mail", "mail-2"}); got != "mail-3" {
		t.Errorf("SuggestName = %q", got)
	}
}

func TestFormShowsProbing(t *testing.T) {
	d := newDriver(t, &fakeServer{})
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	m, cmd := d.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // the probe is not run
	if v := m.(Model).View().Content; cmd == nil || !strings.Contains(v, "Testing pop.example.org:995") {
		t.Fatalf("probing view:\n%s", v)
	}
}

// The form uses the reader's styles: NO_COLOR (and theme "mono") leave no
// colour in it; a colour theme does colour it.
func TestFormUsesTheReaderStyles(t *testing.T) {
	f := &fakeServer{}
	for _, tt := range []struct {
		opts      Options
		wantColor bool
	}{
		{Options{NoColor: true}, false},
		{Options{UI: config.UI{Theme: "mono"}}, false},
		{Options{UI: config.UI{Theme: "dark"}}, true},
	} {
		opts := tt.opts
		opts.Probe, opts.Save = f.Probe, f.Save
		m := New(opts)
		m.err = "something failed"
		view := m.View().Content
		// An SGR sequence with a colour: 38;… (foreground) or 48;… (background).
		colored := strings.Contains(view, "38;") || strings.Contains(view, "48;")
		if colored != tt.wantColor {
			t.Errorf("%+v: coloured %v, want %v:\n%q", tt.opts, colored, tt.wantColor, view)
		}
	}
}

// The form's keys come from the reader's key map: a [keys] interrupt
// override ends the form, and the hints name the bindings.
func TestFormUsesTheReaderKeyMap(t *testing.T) {
	f := &fakeServer{}
	d := &driver{t: t, m: New(Options{Probe: f.Probe, Save: f.Save, Keys: map[string][]string{"interrupt": {"ctrl+g"}}})}
	if !strings.Contains(d.view(), "enter continue · esc cancel") {
		t.Errorf("hints:\n%s", d.view())
	}
	_, cmd := d.m.Update(tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl})
	if cmd == nil {
		t.Fatal("the configured interrupt key did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("the configured interrupt key did not end the form")
	}
}

// TestFormAcceptsLocalhostAddress: alice@localhost is an address; the guess
// is the host itself.
func TestFormAcceptsLocalhostAddress(t *testing.T) {
	f := &fakeServer{}
	d := newDriver(t, f)
	d.typeText("alice@localhost")
	d.key(tea.KeyEnter)
	if d.model().step != stepForm {
		t.Fatalf("alice@localhost refused:\n%s", d.view())
	}
	d.typeText("pw")
	d.key(tea.KeyEnter)
	if len(f.probed) != 1 || f.probed[0].Host != "localhost" || f.probed[0].Username != "alice@localhost" {
		t.Fatalf("probed %+v", f.probed)
	}
	for _, bad := range []string{"alice", "@localhost", "alice@", "a b@x.org", "alice@exa..mple.org", "alice@ex/ample"} {
		if validAddress(bad) {
			t.Errorf("validAddress(%q) = true", bad)
		}
	}
}

// TestFormServerByHand: tab on the address skips the guess; the host, port
// and TLS mode are typed; a wrong guess that fails moves the focus to the
// host.
func TestFormServerByHand(t *testing.T) {
	f := &fakeServer{}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyTab)
	if m := d.model(); m.step != stepForm || m.focus != fieldHost || m.inputs[fieldHost].Value() != "" {
		t.Fatalf("tab did not open the fields by hand at the host (step %d focus %d):\n%s", m.step, m.focus, d.view())
	}
	d.typeText("mail.provider.net")
	d.key(tea.KeyTab) // Port
	d.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	d.typeText("1995")
	d.key(tea.KeyTab) // TLS
	d.key(tea.KeyRight)
	d.key(tea.KeyTab) // User
	d.key(tea.KeyTab) // Password
	d.typeText("pw")
	d.key(tea.KeyEnter)
	if len(f.probed) != 1 {
		t.Fatalf("not probed:\n%s", d.view())
	}
	if a := f.probed[0]; a.Host != "mail.provider.net" || a.Port != 1995 || a.TLS != config.TLSStartTLS || a.Username != "bob@example.org" {
		t.Errorf("probed %+v", a)
	}

	f = &fakeServer{probe: func(a config.Account) (mailapi.ProbeResult, error) {
		return mailapi.ProbeResult{}, &mailapi.Error{Kind: mailapi.KindTryLater, Msg: "connect to " + a.Addr() + ": connection refused: check the port"}
	}}
	d = newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	if m := d.model(); m.step != stepForm || m.focus != fieldHost || !strings.Contains(d.view(), "connection refused") {
		t.Errorf("after a failed guess: step %d focus %d\n%s", m.step, m.focus, d.view())
	}
}

// TestFormCtrlUClearsAndPortTakesDigits: Ctrl-U empties the whole field
// wherever the cursor is; the port field takes digits only, from 1 to 65535.
func TestFormCtrlUClearsAndPortTakesDigits(t *testing.T) {
	f := &fakeServer{}
	d := newDriver(t, f)
	d.typeText("bob@example.org")
	d.key(tea.KeyHome)
	d.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if v := d.model().email.Value(); v != "" {
		t.Errorf("Ctrl-U at the start of the address left %q", v)
	}
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.key(tea.KeyUp) // User
	d.key(tea.KeyUp) // TLS
	d.key(tea.KeyUp) // Port
	if d.model().focus != fieldPort {
		t.Fatalf("focus %d", d.model().focus)
	}
	d.key(tea.KeyHome)
	d.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if v := d.model().inputs[fieldPort].Value(); v != "" {
		t.Errorf("Ctrl-U with the cursor at the start left %q", v)
	}
	d.typeText("9x9-5")
	d.send(tea.PasteMsg{Content: "a1"})
	if v := d.model().inputs[fieldPort].Value(); v != "9951" {
		t.Errorf("port = %q, want only the digits 9951", v)
	}
	if !strings.Contains(d.view(), "1 to 65535") {
		t.Errorf("no word about the letter typed into the port:\n%s", d.view())
	}
	d.send(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	d.typeText("99999")
	d.send(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if len(f.probed) != 0 || !strings.Contains(d.view(), "1 to 65535") {
		t.Errorf("port 99999 was probed (%v) or not explained:\n%s", f.probed, d.view())
	}
}

// TestFormASCII: with Options.ASCII (LANG=C) the form draws ASCII only.
func TestFormASCII(t *testing.T) {
	f := &fakeServer{}
	d := &driver{t: t, m: New(Options{Probe: f.Probe, Save: f.Save, ASCII: true})}
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	v := d.view()
	if !strings.Contains(v, "Connected and logged in") {
		t.Fatalf("review:\n%s", v)
	}
	for _, r := range v {
		if r >= 0x80 {
			t.Fatalf("non-ASCII %q in the form:\n%s", r, v)
		}
	}
}
