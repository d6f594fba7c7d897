// Package setup is popterm's account setup form (Bubble Tea): it asks for an
// email address, guesses the POP3 server from the domain, lets the user edit
// it, tests it (connection, CAPA per RFC 2449, TLS per RFC 8314/2595,
// login), shows what it found and saves. The probe and the save are function
// values, so the form does no I/O itself and never reaches pop3 or the
// keyring directly.
package setup

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/ui"
)

// Options configure the form.
type Options struct {
	// Probe tests an account before it is saved (required).
	Probe ProbeFunc
	// ProbeSMTP tests the submission server with the same password. When
	// set, a sending step (From, the server guessed and tested, or no
	// sending) follows the POP3 test; without it the form asks nothing
	// about sending.
	ProbeSMTP SubmitProbeFunc
	// Save stores the account and its password (required).
	Save SaveFunc
	// Taken lists the names of existing accounts.
	Taken []string
	// Email prefills the address.
	Email string
	// Intro is an optional line under the title (e.g. "No account yet").
	Intro string
	// UI and Keys come from the config file: the form uses the reader's
	// theme and key map.
	UI   config.UI
	Keys map[string][]string
	// NoColor drops colours (the NO_COLOR convention).
	NoColor bool
	// ASCII draws with ASCII only (a terminal whose locale is not UTF-8).
	ASCII bool
}

type step int

const (
	stepEmail step = iota
	stepForm
	stepProbing
	stepUntrusted
	stepSend
	stepSendProbing
	stepReview
	stepSaving
	stepDone
)

type field int

const (
	fieldName field = iota
	fieldHost
	fieldPort
	fieldTLS
	fieldUser
	fieldPassword
	fieldClientID // only for providers with a built-in OAuth 2.0 sign-in
	fieldCount
)

// fieldLabels name the fields in the form.
func fieldLabels() [fieldCount]string {
	return [fieldCount]string{"Name", "Host", "Port", "TLS", "User", "Password", "Client ID"}
}

// Messages of the form's commands.
type (
	probeDoneMsg struct {
		acct   config.Account
		result mailapi.ProbeResult
		err    error
	}
	saveDoneMsg struct{ err error }
)

// Model is the setup form. It is a complete Bubble Tea model: run it with
// tea.NewProgram, then read Saved.
type Model struct {
	opts     Options
	styles   Styles
	keys     ui.FormKeys
	step     step
	email    textinput.Model
	inputs   [fieldCount]textinput.Model
	tlsMode  string
	focus    field
	provider Provider
	note     string
	err      string
	result   mailapi.ProbeResult
	acct     config.Account
	// pin is the certificate fingerprint the user chose to trust.
	pin       string
	untrusted *mailapi.UntrustedCertError
	saved     bool
	width     int
	// sendInputs and snd are the sending step (sending.go).
	sendInputs [sendFieldCount]textinput.Model
	snd        sendState
}

// New builds the form.
func New(opts Options) Model {
	keys := ui.DefaultKeyMap()
	_ = keys.Override(opts.Keys) // the reader reports a bad [keys] table
	m := Model{opts: opts, styles: formStyles(opts, true), keys: ui.DefaultFormKeys(keys), tlsMode: config.TLSImplicit, width: 80}
	m.email = newInput("alice@example.com", 254)
	m.email.SetValue(opts.Email)
	m.email.Focus()
	placeholders := [fieldCount]string{"work", "pop.example.com", "995", "", "alice@example.com", "", "OAuth 2.0 client ID (docs/config.md)"}
	for i := range m.inputs {
		m.inputs[i] = newInput(placeholders[i], 255)
	}
	m.inputs[fieldPort].CharLimit = 5
	m.inputs[fieldPassword].EchoMode = textinput.EchoPassword
	m.inputs[fieldPassword].EchoCharacter = '•'
	for i, ph := range [sendFieldCount]string{"Alice Example <alice@example.com>", "smtp.example.com", "465", ""} {
		m.sendInputs[i] = newInput(ph, 255)
	}
	m.sendInputs[sendPort].CharLimit = 5
	m.applyStyles()
	return m
}

// applyStyles gives the text fields the form's styles.
func (m *Model) applyStyles() {
	m.email.SetStyles(m.styles.Input)
	for i := range m.inputs {
		m.inputs[i].SetStyles(m.styles.Input)
	}
	for i := range m.sendInputs {
		m.sendInputs[i].SetStyles(m.styles.Input)
	}
}

func newInput(placeholder string, limit int) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.CharLimit = limit
	ti.SetWidth(40)
	return ti
}

// Saved returns the account that was saved, if any.
func (m Model) Saved() (config.Account, bool) { return m.acct, m.saved }

// Init asks the terminal for its background color.
func (m Model) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Update handles keys and the results of the probe and the save.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.BackgroundColorMsg:
		m.styles = formStyles(m.opts, msg.IsDark())
		m.applyStyles()
		return m, nil
	case tea.WindowSizeMsg:
		m.width = max(msg.Width, 20)
		return m, nil
	case probeDoneMsg:
		return m.probeDone(msg)
	case sendProbeDoneMsg:
		if m.step != stepSendProbing {
			return m, nil // the user went back meanwhile
		}
		return m.sendProbeDone(msg)
	case saveDoneMsg:
		if msg.err != nil {
			m.step, m.err = stepReview, oneLine(msg.err.Error())
			return m, nil
		}
		m.step, m.saved = stepDone, true
		return m, tea.Quit
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Interrupt) {
			return m, tea.Quit
		}
		switch m.step {
		case stepEmail:
			return m.updateEmail(msg)
		case stepForm:
			return m.updateForm(msg)
		case stepReview:
			return m.updateReview(msg)
		case stepUntrusted:
			return m.updateUntrusted(msg)
		case stepSend:
			return m.updateSend(msg)
		case stepSendProbing:
			if key.Matches(msg, m.keys.Back) {
				m.step = stepSend
			}
			return m, nil
		case stepProbing, stepSaving:
			if key.Matches(msg, m.keys.Back) {
				return m, tea.Quit
			}
			return m, nil
		}
	}
	return m.updateInput(msg)
}

// keepDigit keeps ASCII digits and drops the rest (strings.Map).
func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// updateInput passes other messages (paste, blink) to the focused input.
func (m Model) updateInput(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.step {
	case stepEmail:
		m.email, cmd = m.email.Update(msg)
	case stepForm:
		if p, ok := msg.(tea.PasteMsg); ok && m.focus == fieldPort {
			msg = tea.PasteMsg{Content: strings.Map(keepDigit, p.Content)}
		}
		if m.focus != fieldTLS {
			m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
		}
	case stepSend:
		if p, ok := msg.(tea.PasteMsg); ok && m.snd.focus == sendPort {
			msg = tea.PasteMsg{Content: strings.Map(keepDigit, p.Content)}
		}
		if m.snd.focus != sendTLS {
			m.sendInputs[m.snd.focus], cmd = m.sendInputs[m.snd.focus].Update(msg)
		}
	}
	return m, cmd
}

func (m Model) updateEmail(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Back):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Clear):
		m.email.SetValue("")
		return m, nil
	case key.Matches(msg, m.keys.Next):
		return m.byHand()
	case key.Matches(msg, m.keys.Submit):
		addr := strings.TrimSpace(m.email.Value())
		if !validAddress(addr) {
			m.err = "enter an email address like alice@example.com (or alice@localhost), or press tab to enter the server by hand"
			return m, nil
		}
		p := Guess(addr)
		m.err, m.note, m.provider = "", p.Note, p
		if p.NoPOP {
			m.err = p.Note
			m.note = ""
			return m, nil
		}
		return m.openFields(addr, p, fieldPassword)
	}
	return m.updateInput(msg)
}

// openFields goes on from the address to the fields, filled from the
// provider p, with the focus on f.
func (m Model) openFields(addr string, p Provider, f field) (tea.Model, tea.Cmd) {
	m.inputs[fieldName].SetValue(SuggestName(addr, m.opts.Taken))
	m.inputs[fieldHost].SetValue(p.Host)
	m.inputs[fieldPort].SetValue(strconv.Itoa(p.Port))
	m.inputs[fieldUser].SetValue(addr)
	m.tlsMode = p.TLS
	m.step = stepForm
	m.email.Blur()
	return m, m.setFocus(f)
}

// validAddress accepts local@domain where the domain is a host name, one
// label included (alice@localhost): what the form needs is a domain to
// guess a server from.
func validAddress(addr string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	domain = strings.TrimSuffix(domain, ".")
	if !ok || local == "" || domain == "" || strings.ContainsAny(addr, " \t") || strings.Contains(domain, "@") {
		return false
	}
	for _, r := range domain {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' || r > 0x7f) {
			return false
		}
	}
	return !strings.HasPrefix(domain, ".") && !strings.Contains(domain, "..")
}

// byHand skips the guess: the server fields start empty (the address, when
// there is one, is the user name) with the focus on the host.
func (m Model) byHand() (tea.Model, tea.Cmd) {
	m.provider = Provider{}
	m.err, m.note = "", "Enter your provider's POP3 settings: host, port and TLS mode (space switches it)."
	return m.openFields(strings.TrimSpace(m.email.Value()), Provider{Port: config.PortImplicit, TLS: config.TLSImplicit}, fieldHost)
}

func (m *Model) setFocus(f field) tea.Cmd {
	m.inputs[m.focus].Blur()
	m.focus = f
	if f == fieldTLS {
		return nil
	}
	return m.inputs[f].Focus()
}

func (m Model) updateForm(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Back):
		m.step, m.err, m.pin = stepEmail, "", ""
		m.inputs[m.focus].Blur()
		return m, m.email.Focus()
	case key.Matches(msg, m.keys.Next):
		return m, m.setFocus(m.nextField(m.focus, 1))
	case key.Matches(msg, m.keys.Prev):
		return m, m.setFocus(m.nextField(m.focus, -1))
	case key.Matches(msg, m.keys.Submit):
		if !m.submitsOn(m.focus) {
			return m, m.setFocus(m.nextField(m.focus, 1))
		}
		return m.submit()
	case key.Matches(msg, m.keys.Test):
		return m.submit()
	case key.Matches(msg, m.keys.Clear) && m.focus != fieldTLS:
		m.inputs[m.focus].SetValue("")
		return m, nil
	}
	if m.focus == fieldPort && msg.Text != "" && strings.Trim(msg.Text, "0123456789") != "" {
		m.err = "the port is a number from 1 to 65535, usually 995 (TLS) or 110 (STARTTLS)"
		return m, nil
	}
	if m.focus == fieldTLS {
		// No text goes into the TLS field: its letters may toggle too.
		if key.Matches(msg, m.keys.Toggle) || msg.String() == "h" || msg.String() == "l" {
			m.tlsMode = toggleMode(m.tlsMode, &m.inputs[fieldPort], config.DefaultPort)
		}
		return m, nil
	}
	return m.updateInput(msg)
}

// toggleMode switches between implicit TLS and STARTTLS, moving the port
// along when it was the default (defaultPort). Cleartext is only for the
// command line.
func toggleMode(old string, port *textinput.Model, defaultPort func(string) int) string {
	mode := config.TLSStartTLS
	if old == config.TLSStartTLS {
		mode = config.TLSImplicit
	}
	if port.Value() == strconv.Itoa(defaultPort(old)) {
		port.SetValue(strconv.Itoa(defaultPort(mode)))
	}
	return mode
}

// account builds and validates the account from the fields.
func (m Model) account() (config.Account, error) {
	name := strings.TrimSpace(m.inputs[fieldName].Value())
	a := config.NewAccount(name)
	a.Host = strings.TrimSpace(m.inputs[fieldHost].Value())
	a.TLS = m.tlsMode
	a.Username = strings.TrimSpace(m.inputs[fieldUser].Value())
	port, err := strconv.Atoi(strings.TrimSpace(m.inputs[fieldPort].Value()))
	if err != nil || port < 1 || port > 65535 {
		return a, errors.New("the port is a number from 1 to 65535, usually 995 (TLS) or 110 (STARTTLS)")
	}
	a.Port = port
	a.TLSCertSHA256 = m.pin
	if slices.Contains(m.opts.Taken, name) {
		return a, errors.New("an account named " + strconv.Quote(name) + " already exists: choose another name")
	}
	if err := m.oauth2(&a); err != nil || a.OAuth2.Provider != "" {
		return a, err
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	if m.inputs[fieldPassword].Value() == "" {
		return a, errors.New("enter the password (it goes to the OS keyring, never to a file)")
	}
	return a, nil
}

func (m Model) submit() (tea.Model, tea.Cmd) {
	a, err := m.account()
	if err != nil {
		m.err = oneLine(err.Error())
		return m, nil
	}
	var alts []string
	if a.Host == m.provider.Host {
		alts = m.provider.Alternatives
	}
	if a.OAuth2.Provider != "" {
		// No token yet to test with: the sign-in follows the save.
		m.step, m.err, m.acct = stepReview, "", a
		if m.opts.ProbeSMTP != nil {
			return m.startSending()
		}
		return m, nil
	}
	m.step, m.err, m.acct = stepProbing, "", a
	return m, probeCmd(m.opts.Probe, a, m.inputs[fieldPassword].Value(), alts)
}

// probeCmd runs the probe, trying the alternative hosts while the host name
// does not resolve.
func probeCmd(probe ProbeFunc, a config.Account, password string, alts []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 2*a.Timeout+5*time.Second)
		defer cancel()
		res, err := probe(ctx, a, password)
		for _, host := range alts {
			if !isNoSuchHost(err) {
				break
			}
			b := a
			b.Host = host
			if r, e := probe(ctx, b, password); e == nil || !isNoSuchHost(e) {
				a, res, err = b, r, e
			}
		}
		return probeDoneMsg{acct: a, result: res, err: err}
	}
}

func isNoSuchHost(err error) bool {
	var dns *net.DNSError
	return err != nil && errors.As(err, &dns) && dns.IsNotFound
}

func (m Model) probeDone(msg probeDoneMsg) (tea.Model, tea.Cmd) {
	var uc *mailapi.UntrustedCertError
	if errors.As(msg.err, &uc) && m.pin == "" {
		m.step, m.untrusted, m.err = stepUntrusted, uc, ""
		return m, nil
	}
	if msg.err != nil {
		m.step, m.err = stepForm, oneLine(msg.err.Error())
		if mailapi.KindOf(msg.err) != mailapi.KindCredentials {
			// The server could not be reached as guessed: the way to fix
			// it by hand starts at the host.
			m.setFocus(fieldHost)
		}
		return m, nil
	}
	m.step, m.err, m.result, m.acct = stepReview, "", msg.result, msg.acct
	m.inputs[fieldHost].SetValue(msg.acct.Host)
	if m.opts.ProbeSMTP != nil {
		return m.startSending()
	}
	return m, nil
}

// updateUntrusted asks whether to pin a certificate that did not verify.
func (m Model) updateUntrusted(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.snd.asking {
		return m.updateUntrustedSMTP(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Pin):
		m.pin = m.untrusted.SHA256
		m.untrusted = nil
		return m.submit()
	case key.Matches(msg, m.keys.Edit):
		m.step, m.untrusted = stepForm, nil
		return m, m.setFocus(m.focus)
	}
	return m, nil
}

func (m Model) updateReview(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Save):
		m.step, m.err = stepSaving, ""
		save, acct, pw := m.opts.Save, m.acct, m.inputs[fieldPassword].Value()
		return m, func() tea.Msg { return saveDoneMsg{err: save(acct, pw)} }
	case key.Matches(msg, m.keys.Edit):
		m.err = ""
		if m.snd.init {
			if m.snd.choice != sendTested {
				m.snd.choice = sendUndecided
			}
			m.step = stepSend
			return m, m.setSendFocus(m.snd.focus)
		}
		m.step = stepForm
		return m, m.setFocus(m.focus)
	}
	return m, nil
}

// View draws the form.
func (m Model) View() tea.View {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.Title.Render("popterm · add a POP3 account") + "\n")
	if m.opts.Intro != "" && m.step == stepEmail {
		b.WriteString(m.opts.Intro + "\n\n")
	}
	wrap := m.wrap()
	emailLabel := s.Label
	if m.step == stepEmail {
		emailLabel = s.Focused
	}
	b.WriteString(emailLabel.Render("Email") + m.email.View() + "\n")
	if m.step != stepEmail {
		labels := fieldLabels()
		for f := range fieldCount {
			if !m.shown(f) {
				continue
			}
			label := s.Label
			if f == m.focus && m.step == stepForm {
				label = s.Focused
			}
			value := m.inputs[f].View()
			if f == fieldTLS {
				value = m.tlsView()
			}
			b.WriteString(label.Render(labels[f]) + value + "\n")
		}
	}
	if m.note != "" && !m.sendingShown() {
		b.WriteString("\n" + s.Note.Inherit(wrap).Render(m.note) + "\n")
	}
	if m.pin != "" && m.step != stepEmail && !m.sendingShown() {
		b.WriteString(s.Label.Render("Pinned") + "sha256 " + m.pin + "\n")
	}
	switch m.step {
	case stepUntrusted:
		u := m.untrusted
		which := "The server's"
		if m.snd.asking {
			which = "The submission server's (" + message.SanitizeLine(m.sendInputs[sendHost].Value()) + ")"
		}
		b.WriteString("\n" + s.Warn.Inherit(wrap).Render(which+" certificate is not trusted: "+oneLine(u.Err.Error())) + "\n")
		b.WriteString(wrap.Render("Certificate "+oneLine(u.Subject)+"\nSHA-256 "+u.SHA256) + "\n")
		b.WriteString(wrap.Render("Pin it only if this is your server's certificate (compare the SHA-256 with the server's: openssl x509 -noout -fingerprint -sha256).") + "\n")
	case stepProbing:
		b.WriteString("\nTesting " + message.SanitizeLine(m.acct.Addr()) + "… connecting, asking CAPA, logging in\n")
	case stepSend, stepSendProbing:
		if m.acct.OAuth2.Provider == "" {
			b.WriteString("\n" + s.OK.Render("✓ POP3 connected and logged in. Sending:") + "\n")
		} else {
			b.WriteString("\nSending:\n")
		}
		m.sendView(&b)
	case stepReview, stepSaving, stepDone:
		if m.acct.OAuth2.Provider != "" {
			b.WriteString("\n" + wrap.Render(signinNote(m.acct.OAuth2.Provider)) + "\n")
		} else {
			b.WriteString("\n" + s.OK.Render("✓ Connected and logged in") + "\n")
			writeLines(&b, s, m.result.Lines())
		}
		if m.snd.init {
			m.sendView(&b)
		}
	}
	if m.err != "" {
		b.WriteString("\n" + s.Error.Inherit(wrap).Render("✗ "+m.err) + "\n")
	}
	b.WriteString("\n" + s.Help.Inherit(wrap).Render(m.help()) + "\n")
	if m.opts.ASCII {
		return tea.NewView(ui.ToASCII(b.String()))
	}
	return tea.NewView(b.String())
}

// wrap is the style that wraps text to the terminal's width.
func (m Model) wrap() lipgloss.Style { return lipgloss.NewStyle().Width(max(m.width-2, 20)) }

func (m Model) tlsView() string {
	return modeView(m.tlsMode, map[string]string{
		config.TLSImplicit: "implicit TLS (usually port 995)",
		config.TLSStartTLS: "STARTTLS (usually port 110)",
	}, m.focus == fieldTLS && m.step == stepForm)
}

// modeView shows a TLS mode by its description, between arrows when the
// field has the focus.
func modeView(mode string, desc map[string]string, focused bool) string {
	if focused {
		return "‹ " + desc[mode] + " ›"
	}
	return desc[mode]
}

// writeLines writes a probe's lines, indented, warnings in Warn.
func writeLines(b *strings.Builder, s Styles, lines []string) {
	for _, l := range lines {
		st := s.Value
		if strings.HasPrefix(l, "warning:") {
			st = s.Warn
		}
		b.WriteString("  " + st.Render(message.SanitizeLine(l)) + "\n")
	}
}

func (m Model) help() string {
	k := m.keys
	switch m.step {
	case stepEmail:
		return hints(k.Submit, bindingAs(k.Back, "cancel"), bindingAs(k.Next, "enter the server by hand"))
	case stepForm:
		if m.shown(fieldClientID) {
			return hints(bindingAs(k.Next, "move"), k.Toggle, bindingAs(k.Submit, "on Client ID continues"), k.Test, k.Back)
		}
		return hints(bindingAs(k.Next, "move"), k.Toggle, bindingAs(k.Submit, "on Password tests the server"), k.Test, k.Clear, k.Back)
	case stepProbing:
		return hints(bindingAs(k.Back, "cancel"))
	case stepSend:
		return m.sendHelp()
	case stepSendProbing:
		return hints(bindingAs(k.Back, "stop waiting"))
	case stepUntrusted:
		return hints(k.Pin, k.Edit)
	case stepReview:
		if m.acct.OAuth2.Provider != "" {
			return hints(bindingAs(k.Save, "save and sign in"), k.Edit)
		}
		return hints(k.Save, k.Edit)
	case stepSaving:
		return "saving…"
	}
	return "saved"
}

// hints is the help line of bindings: "keys what · keys what".
func hints(bs ...key.Binding) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = b.Help().Key + " " + b.Help().Desc
	}
	return strings.Join(parts, " · ")
}

// bindingAs is b with another description, for the help of one step.
func bindingAs(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// oneLine keeps the first line of s, sanitized for the terminal.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return message.SanitizeLine(s)
}
