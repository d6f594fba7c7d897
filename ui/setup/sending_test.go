package setup

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
)

// smtpWorks is a submission server that works at addr (host:port) only,
// and refuses the connection elsewhere.
func smtpWorks(addrs ...string) func(s config.SMTP) (mailapi.SubmitProbeResult, error) {
	return func(s config.SMTP) (mailapi.SubmitProbeResult, error) {
		addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
		for _, a := range addrs {
			if a == addr {
				return mailapi.SubmitProbeResult{Addr: addr, TLSVersion: "TLS 1.3", Mechanism: "plain", Auth: []string{"PLAIN", "LOGIN"}, Size: 35882577, EightBitMIME: true}, nil
			}
		}
		return mailapi.SubmitProbeResult{}, errors.New("connect to " + addr + ": connection refused")
	}
}

// newSendDriver is a form with the sending step, at the POP3 test of
// address with password "pw".
func newSendDriver(t *testing.T, f *fakeServer, opts Options, address string) *driver {
	t.Setenv("XDG_DATA_HOME", "/data")
	opts.Probe, opts.ProbeSMTP, opts.Save = f.Probe, f.ProbeSMTP, f.Save
	d := &driver{t: t, m: New(opts)}
	d.typeText(address)
	d.key(tea.KeyEnter)
	d.typeText("pw")
	d.key(tea.KeyEnter)
	return d
}

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

func addrs(ss []config.SMTP) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.TLS+" "+net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	}
	return out
}

// TestSendingGuessOrder: after the POP3 test, smtp.DOMAIN is tried with
// implicit TLS on 465, then with STARTTLS on 587, with the POP3 password;
// the one that works is shown, and saved with From.
func TestSendingGuessOrder(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks("smtp.example.org:587")}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	want := []string{"implicit smtp.example.org:465", "starttls smtp.example.org:587"}
	if got := addrs(f.smtpTried); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("tried %v, want %v", got, want)
	}
	if f.smtpPws[0] != "pw" || f.smtpPws[1] != "pw" {
		t.Errorf("the SMTP test used %q, not the POP3 password", f.smtpPws)
	}
	v := d.view()
	for _, w := range []string{"POP3 connected", "Ready to send", "smtp.example.org", "587", "STARTTLS", "PLAIN LOGIN", "34.2 MB", "bob@example.org"} {
		if !strings.Contains(v, w) {
			t.Errorf("the sending step lacks %q:\n%s", w, v)
		}
	}
	if strings.Contains(v, "refused") {
		t.Errorf("the failed first guess is shown as an error:\n%s", v)
	}
	d.key(tea.KeyEnter) // review
	if v := d.view(); d.model().step != stepReview || !strings.Contains(v, "Ready to send: TLS 1.3") || !strings.Contains(v, "with PLAIN") {
		t.Fatalf("review:\n%s", v)
	}
	d.key(tea.KeyEnter) // save
	if len(f.saved) != 1 {
		t.Fatalf("not saved:\n%s", d.view())
	}
	a := f.saved[0]
	if a.From != "bob@example.org" || a.SMTP == nil || a.SMTP.Host != "smtp.example.org" || a.SMTP.Port != 587 || a.SMTP.TLS != config.TLSStartTLS || a.SMTP.Timeout != 0 {
		t.Errorf("saved from %q smtp %+v", a.From, a.SMTP)
	}
}

// TestSendingKnownProviders: Gmail's and Microsoft's servers are known,
// not guessed.
func TestSendingKnownProviders(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks("smtp.gmail.com:465")}
	newSendDriver(t, f, Options{}, "alice@gmail.com")
	if got := addrs(f.smtpTried); len(got) != 1 || got[0] != "implicit smtp.gmail.com:465" {
		t.Errorf("Gmail: tried %v", got)
	}
	if g := config.GuessSMTP("a@outlook.com", ""); len(g) != 1 || g[0].TLS != config.TLSStartTLS || g[0].Port != 587 || !strings.Contains(g[0].Host, "outlook") {
		t.Errorf("Outlook guess %+v", g)
	}
}

// TestSendingFailureThenEdit: when no guess works the error shows, the
// focus is on the host, and the server typed by hand is tested and saved;
// a display name may be typed in From.
func TestSendingFailureThenEdit(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks("mail.provider.net:2525")}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	m := d.model()
	if m.step != stepSend || m.snd.focus != sendHost || !strings.Contains(d.view(), "connection refused") || !strings.Contains(d.view(), "Tried smtp.example.org:465, smtp.example.org:587") {
		t.Fatalf("after failed guesses: step %d focus %d\n%s", m.step, m.snd.focus, d.view())
	}
	d.key(tea.KeyEnter) // review refused: nothing works yet, enter tests again
	if len(f.smtpTried) != 3 || d.model().step != stepSend {
		t.Fatalf("enter on a failed server: tried %v, step %d", addrs(f.smtpTried), d.model().step)
	}
	d.send(ctrl('u'))
	d.typeText("mail.provider.net")
	d.key(tea.KeyTab) // port
	d.send(ctrl('u'))
	d.typeText("25x25")
	if !strings.Contains(d.view(), "SMTP port is a number") {
		t.Errorf("no word about the letter in the port:\n%s", d.view())
	}
	d.key(tea.KeyTab)   // TLS: STARTTLS, the last guess's
	d.key(tea.KeyRight) // implicit
	d.key(tea.KeyTab)   // From (wraps)
	d.send(ctrl('u'))
	d.typeText("Bob Example <bob@example.org>")
	d.send(ctrl('s'))
	if got := addrs(f.smtpTried[3:]); len(got) != 1 || got[0] != "implicit mail.provider.net:2525" {
		t.Fatalf("tested %v:\n%s", got, d.view())
	}
	if !strings.Contains(d.view(), "Ready to send") {
		t.Fatalf("after the manual test:\n%s", d.view())
	}
	// Editing the server after the test asks for a new test.
	d.key(tea.KeyTab) // host
	d.typeText("x")
	if d.model().works() || !strings.Contains(d.view(), "test sending") {
		t.Fatalf("an edited server still counts as tested:\n%s", d.view())
	}
	d.key(tea.KeyBackspace)
	d.key(tea.KeyEnter) // the fields are the tested server again: review
	d.key(tea.KeyEnter) // save
	if len(f.saved) != 1 {
		t.Fatalf("not saved:\n%s", d.view())
	}
	a := f.saved[0]
	if a.From != "Bob Example <bob@example.org>" || a.SMTP == nil || a.SMTP.Host != "mail.provider.net" || a.SMTP.Port != 2525 || a.SMTP.TLS != config.TLSImplicit {
		t.Errorf("saved from %q smtp %+v", a.From, a.SMTP)
	}
}

// TestSendingRefusedPassword: a guess that refuses the password is the
// server (no further guess), and the form says how to give sending its own
// password.
func TestSendingRefusedPassword(t *testing.T) {
	f := &fakeServer{smtp: func(s config.SMTP) (mailapi.SubmitProbeResult, error) {
		return mailapi.SubmitProbeResult{}, &mailapi.Error{Kind: mailapi.KindCredentials, Msg: "smtp: 535 5.7.8 authentication failed"}
	}}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	if len(f.smtpTried) != 1 || !strings.Contains(d.view(), "535") || !strings.Contains(d.model().err, "account passwd --smtp example") {
		t.Fatalf("tried %v:\n%s", addrs(f.smtpTried), d.view())
	}
	d.send(ctrl('k'))
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].SMTP == nil || f.saved[0].SMTP.Port != 465 {
		t.Fatalf("saved %+v", f.saved)
	}
}

// TestSendingPinsUntrustedCertificate: a submission server whose
// certificate does not verify is offered for pinning, tested again with
// the pin, and saved with it (the POP3 pin is not reused).
func TestSendingPinsUntrustedCertificate(t *testing.T) {
	pin := strings.Repeat("cd", 32)
	f := &fakeServer{smtp: func(s config.SMTP) (mailapi.SubmitProbeResult, error) {
		if s.TLSCertSHA256 != pin {
			return mailapi.SubmitProbeResult{}, &mailapi.Error{Kind: mailapi.KindConfig, Err: &mailapi.UntrustedCertError{SHA256: pin, Subject: "CN=smtp", Err: errors.New("x509: certificate signed by unknown authority")}}
		}
		return smtpWorks(net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))(s)
	}}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	if v := d.view(); d.model().step != stepUntrusted || !strings.Contains(v, "submission server's (smtp.example.org) certificate is not trusted") || !strings.Contains(v, pin) {
		t.Fatalf("untrusted SMTP certificate:\n%s", v)
	}
	if len(f.smtpTried) != 1 {
		t.Errorf("an untrusted certificate is a found server, yet the guessing went on: %v", addrs(f.smtpTried))
	}
	d.typeText("p")
	if v := d.view(); !strings.Contains(v, "Ready to send") || !strings.Contains(v, "Pinned") {
		t.Fatalf("after pinning:\n%s", v)
	}
	d.key(tea.KeyEnter)
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].SMTP == nil || f.saved[0].SMTP.TLSCertSHA256 != pin || f.saved[0].TLSCertSHA256 != "" {
		t.Fatalf("saved %+v", f.saved)
	}
}

// TestSendingSkipAndKeep: ctrl+n saves the account without sending;
// ctrl+k keeps the untested server.
func TestSendingSkipAndKeep(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks()}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	d.send(ctrl('n'))
	if v := d.view(); d.model().step != stepReview || !strings.Contains(v, "no sending for this account") {
		t.Fatalf("after skip:\n%s", v)
	}
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].SMTP != nil {
		t.Fatalf("saved %+v", f.saved)
	}

	f = &fakeServer{smtp: smtpWorks()}
	d = newSendDriver(t, f, Options{}, "bob@example.org")
	d.send(ctrl('k'))
	if v := d.view(); !strings.Contains(v, "Not tested") {
		t.Fatalf("after keep:\n%s", v)
	}
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].SMTP == nil || f.saved[0].SMTP.Port != 587 {
		t.Fatalf("saved %+v", f.saved)
	}
}

// TestSendingFromChecked: From must be an address; without one the user
// name (not an address) cannot stand in.
func TestSendingFromChecked(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks("smtp.example.org:465")}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	d.send(ctrl('u'))
	d.typeText("not an address")
	d.key(tea.KeyEnter)
	if v := d.view(); d.model().step != stepSend || !strings.Contains(v, "From: enter an address") {
		t.Fatalf("bad From accepted:\n%s", v)
	}
	d.send(ctrl('u')) // empty: the user name is an address
	d.key(tea.KeyEnter)
	if d.model().step != stepReview {
		t.Fatalf("an empty From with an address as user name refused:\n%s", d.view())
	}
	// Back from the review to the sending step, and from it to the server.
	d.key(tea.KeyEscape)
	if d.model().step != stepSend {
		t.Fatalf("esc on the review: step %d", d.model().step)
	}
	d.key(tea.KeyEscape)
	if d.model().step != stepForm {
		t.Fatalf("esc on the sending step: step %d", d.model().step)
	}
}

// TestSendingFromNeededWithoutAddress: a user name that is no address
// gives no From; sending needs one, no sending does not.
func TestSendingFromNeededWithoutAddress(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks()}
	d := newSendDriver(t, f, Options{}, "bob@example.org")
	d.key(tea.KeyEscape) // back to the POP3 fields: the user name
	d.key(tea.KeyUp)
	d.send(ctrl('u'))
	d.typeText("bob")
	d.send(ctrl('s'))
	if d.model().step != stepSend {
		t.Fatalf("step %d:\n%s", d.model().step, d.view())
	}
	d.key(tea.KeyUp) // host (where the failed guesses left the focus) -> From
	d.send(ctrl('u'))
	d.send(ctrl('k'))
	if err := d.model().err; !strings.Contains(err, "the user name is not one") {
		t.Fatalf("kept without a From: %q", err)
	}
	d.typeText("bob@@")
	d.send(ctrl('n'))
	if err := d.model().err; !strings.Contains(err, "From: enter an address") {
		t.Fatalf("a bad From with no sending: %q", err)
	}
	d.send(ctrl('u'))
	d.send(ctrl('n'))
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].SMTP != nil || f.saved[0].From != "" || f.saved[0].Username != "bob" {
		t.Fatalf("saved %+v", f.saved)
	}
}

// TestSendingStepScreen is the golden screen of the sending step (80
// columns, styles stripped), in UTF-8 and in ASCII, and with NO_COLOR no
// colour.
func TestSendingStepScreen(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  Options
		works []string
	}{
		{"utf8", Options{NoColor: true}, []string{"smtp.example.org:465"}},
		{"ascii", Options{NoColor: true, ASCII: true}, []string{"smtp.example.org:465"}},
		{"failed", Options{NoColor: true}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeServer{smtp: smtpWorks(tt.works...)}
			d := newSendDriver(t, f, tt.opts, "bob@example.org")
			view := d.view()
			if strings.Contains(view, "38;") || strings.Contains(view, "48;") {
				t.Errorf("colour with NO_COLOR:\n%q", view)
			}
			if tt.opts.ASCII {
				for _, r := range view {
					if r >= 0x80 {
						t.Fatalf("non-ASCII %q:\n%s", r, view)
					}
				}
			}
			golden.RequireEqual(t, []byte(ansi.Strip(view)))
		})
	}
}

// TestSendingSigninAccount: an account that signs in after the save has no
// token to test with: enter keeps the known server untested.
func TestSendingSigninAccount(t *testing.T) {
	f := &fakeServer{smtp: smtpWorks()}
	d := &driver{t: t, m: New(Options{Probe: f.Probe, ProbeSMTP: f.ProbeSMTP, Save: f.Save})}
	t.Setenv("XDG_DATA_HOME", "/data")
	d.typeText("alice@gmail.com")
	d.key(tea.KeyEnter)
	d.key(tea.KeyTab) // Client ID
	d.typeText("client-1")
	d.key(tea.KeyEnter)
	if d.model().step != stepSend || len(f.smtpTried) != 0 || !strings.Contains(d.view(), "Not tested") {
		t.Fatalf("sign-in account: step %d tried %v\n%s", d.model().step, f.smtpTried, d.view())
	}
	d.key(tea.KeyEnter)
	d.key(tea.KeyEnter)
	if len(f.saved) != 1 || f.saved[0].SMTP == nil || f.saved[0].SMTP.Host != "smtp.gmail.com" || f.saved[0].OAuth2.ClientID != "client-1" {
		t.Fatalf("saved %+v", f.saved)
	}
}
