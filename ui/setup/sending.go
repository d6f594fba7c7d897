package setup

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// The sending step: after the POP3 test, the sender (From) and the
// submission server, guessed from the address (config.GuessSMTP) and tested
// with the same password through Options.ProbeSMTP.

type sendField int

const (
	sendFrom sendField = iota
	sendHost
	sendPort
	sendTLS
	sendFieldCount
)

// sendLabels name the fields of the sending step.
func sendLabels() [sendFieldCount]string {
	return [sendFieldCount]string{"From", "SMTP host", "SMTP port", "SMTP TLS"}
}

// sendChoice is what the user decided about sending.
type sendChoice int

const (
	sendUndecided sendChoice = iota
	sendTested               // the server tested works
	sendKept                 // kept without a working test
	sendSkipped              // no sending for this account
)

// guessTimeout bounds each guessed server's test: a wrong guess often
// just does not answer.
const guessTimeout = 10 * time.Second

type sendProbeDoneMsg struct {
	smtp   config.SMTP
	result mailapi.SubmitProbeResult
	err    error
	// tried lists the servers tested, host:port, in order.
	tried []string
}

// sendState is the sending step's part of the model.
type sendState struct {
	init   bool
	focus  sendField
	tls    string
	choice sendChoice
	// tested is the server result is of (choice sendTested).
	tested config.SMTP
	result mailapi.SubmitProbeResult
	tried  []string
	// pin is the submission server's certificate the user chose to trust,
	// on pinHost; asking is set while the form asks about one.
	pin, pinHost string
	asking       bool
}

// startSending enters the sending step after the POP3 test: the first time,
// From and the server are filled from the address and the guesses are
// tested (all but for an account that signs in later, which has no token
// to test with yet).
func (m Model) startSending() (tea.Model, tea.Cmd) {
	m.step, m.err = stepSend, ""
	if m.snd.init {
		return m, m.setSendFocus(m.snd.focus)
	}
	m.snd.init = true
	if _, err := mail.ParseAddress(m.acct.Username); err == nil && strings.Contains(m.acct.Username, "@") {
		m.sendInputs[sendFrom].SetValue(m.acct.Username)
	}
	guesses := config.GuessSMTP(m.acct.Username, m.acct.Host)
	m.snd.tls = config.TLSImplicit
	m.sendInputs[sendPort].SetValue(strconv.Itoa(config.PortSubmissionImplicit))
	if len(guesses) > 0 {
		m.setSendFields(guesses[0])
	}
	if m.acct.OAuth2.Provider != "" || len(guesses) == 0 {
		return m, m.setSendFocus(sendFrom)
	}
	m.step = stepSendProbing
	return m, sendProbeCmd(m.opts.ProbeSMTP, m.acct, m.inputs[fieldPassword].Value(), guesses, guessTimeout)
}

// setSendFields shows server s in the fields.
func (m *Model) setSendFields(s config.SMTP) {
	m.sendInputs[sendHost].SetValue(s.Host)
	m.sendInputs[sendPort].SetValue(strconv.Itoa(s.Port))
	m.snd.tls = s.TLS
}

// sendProbeCmd tests the servers in order until one works. timeout (when
// set) bounds each test; it is not saved.
func sendProbeCmd(probe SubmitProbeFunc, a config.Account, password string, servers []config.SMTP, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		var msg sendProbeDoneMsg
		for _, s := range servers {
			tested := s
			if timeout > 0 {
				tested.Timeout = timeout
			}
			b := a
			b.SMTP = &tested
			ctx, cancel := context.WithTimeout(context.Background(), 2*b.SMTPTimeout()+5*time.Second)
			res, err := probe(ctx, b, password)
			cancel()
			msg.smtp, msg.result, msg.err = s, res, err
			msg.tried = append(msg.tried, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
			var uc *mailapi.UntrustedCertError
			if err == nil || mailapi.KindOf(err) == mailapi.KindCredentials || errors.As(err, &uc) {
				break // found: a refused password or certificate is no wrong guess
			}
		}
		return msg
	}
}

// sendProbeDone shows the test's result: on success the server is kept
// and the focus goes to From; else the fields hold the last server tried,
// to be edited from the host.
func (m Model) sendProbeDone(msg sendProbeDoneMsg) (tea.Model, tea.Cmd) {
	m.step, m.snd.tried = stepSend, msg.tried
	m.setSendFields(msg.smtp)
	var uc *mailapi.UntrustedCertError
	if errors.As(msg.err, &uc) && m.snd.pin == "" {
		m.step, m.untrusted, m.snd.asking, m.err = stepUntrusted, uc, true, ""
		return m, nil
	}
	if msg.err != nil {
		m.snd.choice = sendUndecided
		m.err = oneLine(msg.err.Error())
		if mailapi.KindOf(msg.err) == mailapi.KindCredentials {
			m.err += "; if sending has its own password, keep the server (" + m.keys.Keep.Help().Key +
				") and store it with popterm account passwd --smtp " + m.acct.Name
		}
		return m, m.setSendFocus(sendHost)
	}
	m.err, m.snd.choice, m.snd.tested, m.snd.result = "", sendTested, msg.smtp, msg.result
	return m, m.setSendFocus(sendFrom)
}

func (m *Model) setSendFocus(f sendField) tea.Cmd {
	m.sendInputs[m.snd.focus].Blur()
	m.snd.focus = f
	if f == sendTLS {
		return nil
	}
	return m.sendInputs[f].Focus()
}

// sendServer builds the submission server from the fields.
func (m Model) sendServer() (config.SMTP, error) {
	s := config.SMTP{Host: strings.TrimSpace(m.sendInputs[sendHost].Value()), TLS: m.snd.tls, Auth: config.AuthAuto}
	port, err := strconv.Atoi(strings.TrimSpace(m.sendInputs[sendPort].Value()))
	if err != nil || port < 1 || port > 65535 {
		return s, errors.New("the SMTP port is a number from 1 to 65535, usually 465 (TLS) or 587 (STARTTLS)")
	}
	s.Port = port
	if s.Host == m.snd.pinHost {
		s.TLSCertSHA256 = m.snd.pin
	}
	a := m.acct
	a.SMTP = &s
	return s, a.Validate()
}

// works reports whether the fields show the server that was tested.
func (m Model) works() bool {
	s, err := m.sendServer()
	return err == nil && m.snd.choice == sendTested && s == m.snd.tested
}

func (m Model) updateSend(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.step, m.err = stepForm, ""
		m.sendInputs[m.snd.focus].Blur()
		return m, m.setFocus(m.focus)
	case key.Matches(msg, k.Next):
		return m, m.setSendFocus((m.snd.focus + 1) % sendFieldCount)
	case key.Matches(msg, k.Prev):
		return m, m.setSendFocus((m.snd.focus + sendFieldCount - 1) % sendFieldCount)
	case key.Matches(msg, k.Skip):
		return m.finishSending(sendSkipped)
	case key.Matches(msg, k.Keep):
		return m.finishSending(sendKept)
	case key.Matches(msg, k.Test):
		return m.testSending()
	case key.Matches(msg, k.Submit):
		switch {
		case m.works():
			return m.finishSending(sendTested)
		case m.acct.OAuth2.Provider != "":
			// No token to test with before the sign-in: enter keeps it.
			return m.finishSending(sendKept)
		}
		return m.testSending()
	case key.Matches(msg, k.Clear) && m.snd.focus != sendTLS:
		m.sendInputs[m.snd.focus].SetValue("")
		return m, nil
	}
	if m.snd.focus == sendPort && msg.Text != "" && strings.Trim(msg.Text, "0123456789") != "" {
		m.err = "the SMTP port is a number from 1 to 65535, usually 465 (TLS) or 587 (STARTTLS)"
		return m, nil
	}
	if m.snd.focus == sendTLS {
		if key.Matches(msg, k.Toggle) || msg.String() == "h" || msg.String() == "l" {
			m.snd.tls = toggleMode(m.snd.tls, &m.sendInputs[sendPort], config.DefaultSMTPPort)
		}
		return m, nil
	}
	return m.updateInput(msg)
}

// updateUntrustedSMTP asks whether to pin the submission server's
// certificate that did not verify.
func (m Model) updateUntrustedSMTP(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Pin):
		m.snd.pin, m.snd.pinHost = m.untrusted.SHA256, strings.TrimSpace(m.sendInputs[sendHost].Value())
		m.untrusted, m.snd.asking = nil, false
		return m.testSending()
	case key.Matches(msg, m.keys.Edit):
		m.step, m.untrusted, m.snd.asking = stepSend, nil, false
		return m, m.setSendFocus(sendHost)
	}
	return m, nil
}

// testSending tests the server the fields give.
func (m Model) testSending() (tea.Model, tea.Cmd) {
	s, err := m.sendServer()
	if err == nil {
		err = m.checkFrom()
	}
	if err != nil {
		m.err = oneLine(err.Error())
		return m, nil
	}
	if m.acct.OAuth2.Provider != "" {
		m.err = "this account has no token before it signs in: keep the server untested (" + m.keys.Keep.Help().Key + ") and test it later with popterm account test"
		return m, nil
	}
	m.step, m.err = stepSendProbing, ""
	return m, sendProbeCmd(m.opts.ProbeSMTP, m.acct, m.inputs[fieldPassword].Value(), []config.SMTP{s}, 0)
}

// from is the From field, trimmed.
func (m Model) from() string { return strings.TrimSpace(m.sendInputs[sendFrom].Value()) }

// checkFrom checks the sender: an address, or nothing when the user name
// is one.
func (m Model) checkFrom() error {
	a := m.acct
	a.From = m.from()
	if err := a.Validate(); err != nil {
		return errors.New("From: enter an address like alice@example.org or \"Alice Example <alice@example.org>\"")
	}
	if _, err := a.FromAddress(); err != nil {
		return errors.New("From: enter the address you send from (the user name is not one), like alice@example.org")
	}
	return nil
}

// finishSending records the choice in the account and goes on to the
// review.
func (m Model) finishSending(c sendChoice) (tea.Model, tea.Cmd) {
	a := m.acct
	a.From, a.SMTP = m.from(), nil
	var err error
	if c != sendSkipped {
		var s config.SMTP
		s, err = m.sendServer()
		a.SMTP = &s
	}
	if err == nil && (c != sendSkipped || a.From != "") {
		err = m.checkFrom()
	}
	if err != nil {
		m.err = oneLine(err.Error())
		return m, nil
	}
	m.sendInputs[m.snd.focus].Blur()
	m.acct, m.snd.choice, m.step, m.err = a, c, stepReview, ""
	return m, nil
}

// sendingShown reports whether the screen shows the sending part, which
// takes the place of the POP3 note and pin.
func (m Model) sendingShown() bool {
	switch m.step {
	case stepSend, stepSendProbing:
		return true
	case stepReview, stepSaving, stepDone:
		return m.snd.init
	case stepUntrusted:
		return m.snd.asking
	}
	return false
}

// sendView draws the sending step's fields and what its test found.
func (m Model) sendView(b *strings.Builder) {
	s := m.styles
	labels := sendLabels()
	if m.step == stepReview || m.step == stepSaving || m.step == stepDone {
		m.sendSummary(b)
		return
	}
	for f := range sendFieldCount {
		label := s.Label
		if f == m.snd.focus && m.step == stepSend {
			label = s.Focused
		}
		value := m.sendInputs[f].View()
		if f == sendTLS {
			value = modeView(m.snd.tls, map[string]string{
				config.TLSImplicit: "implicit TLS (usually port 465)",
				config.TLSStartTLS: "STARTTLS (usually port 587)",
			}, f == m.snd.focus && m.step == stepSend)
		}
		b.WriteString(label.Render(labels[f]) + value + "\n")
	}
	if srv, _ := m.sendServer(); srv.TLSCertSHA256 != "" {
		b.WriteString(s.Label.Render("Pinned") + "sha256 " + srv.TLSCertSHA256 + "\n")
	}
	switch {
	case m.step == stepSendProbing:
		b.WriteString("\nTesting sending through " + message.SanitizeLine(m.sendInputs[sendHost].Value()) + "… EHLO, TLS, AUTH, SIZE\n")
	case m.acct.OAuth2.Provider != "":
		b.WriteString("\n" + s.Warn.Inherit(m.wrap()).Render(m.notTested()) + "\n")
	case m.works():
		b.WriteString("\n" + s.OK.Render("✓ Ready to send") + "\n")
		writeLines(b, s, m.snd.result.Lines())
	case len(m.snd.tried) > 1 && m.step == stepSend:
		b.WriteString("\n" + s.Note.Inherit(m.wrap()).Render("Tried "+message.SanitizeLine(strings.Join(m.snd.tried, ", "))+": check your provider's SMTP settings.") + "\n")
	}
}

// notTested says that the server is kept untested, and how to test it.
func (m Model) notTested() string {
	return "Not tested: popterm account test " + message.SanitizeLine(m.acct.Name) + " tests it after the sign-in."
}

// sendSummary is the sending part of the review, short: it is long
// already.
func (m Model) sendSummary(b *strings.Builder) {
	s := m.styles
	b.WriteString("\n" + s.Label.Render("From") + message.SanitizeLine(m.acct.From) + "\n")
	if m.acct.SMTP == nil {
		b.WriteString(s.Label.Render("SMTP") + "none: no sending for this account (add [account.smtp] later: docs/config.md)\n")
		return
	}
	b.WriteString(s.Label.Render("SMTP") + message.SanitizeLine(net.JoinHostPort(m.acct.SMTP.Host, strconv.Itoa(m.acct.SMTP.Port))) + " (" + config.TLSModeName(m.acct.SMTP.TLS) + ")\n")
	if m.snd.choice == sendKept {
		b.WriteString(s.Warn.Inherit(m.wrap()).Render(m.notTested()) + "\n")
		return
	}
	b.WriteString(s.OK.Inherit(m.wrap()).Render("✓ Ready to send: "+message.SanitizeLine(strings.Join(m.snd.result.Facts(), ", "))) + "\n")
}

// sendHelp is the help line of the sending step.
func (m Model) sendHelp() string {
	k := m.keys
	switch {
	case m.works():
		return hints(bindingAs(k.Submit, "review"), bindingAs(k.Next, "move"), k.Skip, k.Back)
	case m.acct.OAuth2.Provider != "":
		return hints(bindingAs(k.Submit, "keep it (tested after the sign-in)"), bindingAs(k.Next, "move"), k.Toggle, k.Skip, k.Back)
	}
	return hints(bindingAs(k.Submit, "test sending"), bindingAs(k.Next, "move"), k.Toggle, k.Skip, k.Keep, k.Back)
}
