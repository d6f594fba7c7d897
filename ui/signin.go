package ui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
)

// DeviceSignIn is a device sign-in (OAuth 2.0, RFC 8628) that
// Options.SignIn has started: the code to show and the wait for the user.
type DeviceSignIn struct {
	// URL is where the user enters the code.
	URL string
	// Code is the user code.
	Code string
	// CompleteURL is an address that carries the code ("" if none).
	CompleteURL string
	// Wait polls the provider until the user has signed in and the new
	// sign-in is stored; it returns when ctx ends, too.
	Wait func(ctx context.Context) error
}

// signInState is a device sign-in run from the reader: asking for a code,
// then waiting for the user. It is modal: only Esc and Ctrl-C act.
type signInState struct {
	active bool
	id     int             // tells this sign-in's messages from a cancelled one's
	ctx    context.Context // ends with the sign-in
	cancel context.CancelFunc
	code   DeviceSignIn // zero until the provider gave a code
	retry  job          // what runs again once signed in
}

// signInCodeMsg brings the device code (or why there is none).
type signInCodeMsg struct {
	id   int
	code DeviceSignIn
	err  error
}

// signInDoneMsg ends the wait for the user.
type signInDoneMsg struct {
	id  int
	err error
}

// offersSignIn reports whether err means the account's saved sign-in was
// refused, or that it has none, and the reader can sign in in place.
func (m App) offersSignIn(err error) bool {
	return m.opts.SignIn != nil && (errors.Is(err, config.ErrSignInAgain) || errors.Is(err, config.ErrNotSignedIn))
}

// signInPrompt shows why the sign-in was refused and offers a new one;
// j runs again once signed in.
func (m *App) signInPrompt(err error, j job) {
	m.retry = j
	m.status.SetNet(netOnline) // the provider answered
	m.status.Fail(sentence("", err))
	q := "Sign in again now with a code?"
	if errors.Is(err, config.ErrNotSignedIn) {
		q = "Sign in now with a code?"
	}
	m.prompt = confirmPrompt(promptSignIn, q, m.width)
}

// startSignIn asks the provider for a device code, on a command.
func (m App) startSignIn() (tea.Model, tea.Cmd) {
	ctx, cancel := context.WithCancel(m.ctx)
	m.signin = signInState{active: true, id: m.signin.id + 1, ctx: ctx, cancel: cancel, retry: m.retry}
	m.status.Notify("Asking the provider for a sign-in code…")
	start, id, name := m.opts.SignIn, m.signin.id, m.acct.Name
	return m, func() tea.Msg {
		code, err := start(ctx, name)
		return signInCodeMsg{id: id, code: code, err: err}
	}
}

// signInKey handles a key during a sign-in: Esc, Ctrl-G or Ctrl-C (the
// interrupt key) cancel it; the rest is ignored.
func (m App) signInKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if s := k.String(); s == "esc" || s == "ctrl+g" || s == "ctrl+c" || key.Matches(k, m.keys.Interrupt) {
		m.endSignIn()
		m.status.Notify("Sign-in cancelled; the reader stays offline. $ tries the saved sign-in again.")
	}
	return m, nil
}

// endSignIn stops the sign-in (its late messages are ignored).
func (m *App) endSignIn() {
	if m.signin.cancel != nil {
		m.signin.cancel()
	}
	m.signin = signInState{id: m.signin.id}
}

// signInData handles the sign-in's messages.
func (m App) signInData(msg tea.Msg) (tea.Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case signInCodeMsg:
		if !m.signin.active || msg.id != m.signin.id {
			return m, nil, true
		}
		if msg.err != nil {
			m.endSignIn()
			m.status.Fail(sentence("Could not start the sign-in", msg.err))
			return m, nil, true
		}
		if msg.code.Wait == nil {
			m.endSignIn()
			m.status.Fail("Could not start the sign-in: no way to wait for it.")
			return m, nil, true
		}
		m.signin.code = msg.code
		m.status.Notify("")
		ctx, wait, id := m.signin.ctx, msg.code.Wait, msg.id // Esc cancels the wait
		return m, func() tea.Msg { return signInDoneMsg{id: id, err: wait(ctx)} }, true
	case signInDoneMsg:
		if !m.signin.active || msg.id != m.signin.id {
			return m, nil, true
		}
		retry := m.signin.retry
		m.endSignIn()
		if msg.err != nil {
			m.status.Fail(sentence("Sign-in failed", msg.err) + " $ tries again.")
			return m, nil, true
		}
		m.afterSync = "Signed in again."
		var nm tea.Model
		var cmd tea.Cmd
		if retry == jobCommit {
			nm, cmd = m.startCommit()
		} else {
			nm, cmd = m.startSync(retry == jobSync)
		}
		return nm, cmd, true
	}
	return m, nil, false
}

// signInView is the screen of a device sign-in: where to go, the code,
// and how to cancel. Every string from the provider is sanitized, and an
// address too long for the window wraps rather than losing its end.
func (m App) signInView(height int) string {
	c := m.signin.code
	type line struct {
		text  string
		style *lipgloss.Style
	}
	var lines []line
	add := func(style *lipgloss.Style, texts ...string) {
		for _, t := range texts {
			lines = append(lines, line{t, style})
		}
	}
	url := func(indent, u string) {
		for _, l := range strings.Split(ansi.Hardwrap(message.SanitizeLine(u), max(m.width-len(indent)-1, 8), false), "\n") {
			add(nil, indent+l)
		}
	}
	add(&m.styles.Subject, " Sign in to "+message.SanitizeLine(m.acct.Name))
	add(nil, "")
	if c.Code == "" {
		add(nil, " Asking the provider for a code…")
	} else {
		add(nil, " On any device with a browser, open", "")
		url("   ", c.URL)
		add(nil, "", " and enter the code", "")
		add(&m.styles.Prompt, "   "+message.SanitizeLine(c.Code))
		add(nil, "")
		if c.CompleteURL != "" {
			add(nil, " (or open this address, which carries the code:")
			url("   ", c.CompleteURL+")")
			add(nil, "")
		}
	}
	out := make([]string, 0, height)
	for _, l := range lines {
		t := fit(l.text, m.width)
		if l.style != nil {
			t = l.style.Render(t)
		}
		out = append(out, t)
	}
	for len(out) < height {
		out = append(out, fit("", m.width))
	}
	return strings.Join(out[:height], "\n")
}
