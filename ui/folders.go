package ui

import (
	"errors"
	"io/fs"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/message"
)

// inbox names the account's own index in the folder switcher.
const inbox = "Inbox"

// mailFolders are the folders of writing, listed after the Inbox even
// before anything was written into them.
func mailFolders() []string { return []string{"Sent", "Drafts", "Outbox"} }

// folderListMsg carries the local folders for the switcher.
type folderListMsg struct {
	session int
	folders []string
	err     error
}

// folderOpenedMsg carries the engine of a folder (or of the Inbox again).
type folderOpenedMsg struct {
	folder string // "" for the Inbox
	base   string // the account
	acct   Account
	err    error
}

// askFolder lists the local folders (in a command) for the switcher.
func (m App) askFolder() (tea.Model, tea.Cmd) {
	if m.opts.OpenFolder == nil {
		m.status.Notify("Local folders are not available here.")
		return m, nil
	}
	eng, session := m.acct.Engine, m.session
	return m, func() tea.Msg {
		folders, err := eng.Folders()
		return folderListMsg{session: session, folders: folders, err: err}
	}
}

// showFolders opens the folder switcher on the folder shown.
func (m App) showFolders(msg folderListMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	if msg.err != nil {
		m.status.Fail(sentence("Could not list the folders", msg.err))
		return m, nil
	}
	m.folderNames = []string{inbox}
	for _, f := range append(append([]string(nil), mailFolders()...), msg.folders...) {
		if !slices.Contains(m.folderNames, f) {
			m.folderNames = append(m.folderNames, f)
		}
	}
	m.folderSel = max(slices.Index(m.folderNames, m.folder), 0)
	if len(m.folderNames) == 1+len(mailFolders()) {
		m.status.Notify("No local folders yet: s saves messages into a new one.")
	}
	m.back, m.screen = screenIndex, screenFolders
	return m, nil
}

// foldersKey moves in the folder switcher and opens a folder.
func (m App) foldersKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back), key.Matches(k, m.keys.Folders):
		m.screen = screenIndex
	case key.Matches(k, m.keys.Down):
		m.folderSel = min(m.folderSel+1, len(m.folderNames)-1)
	case key.Matches(k, m.keys.Up):
		m.folderSel = max(m.folderSel-1, 0)
	case key.Matches(k, m.keys.Top):
		m.folderSel = 0
	case key.Matches(k, m.keys.Bottom):
		m.folderSel = max(len(m.folderNames)-1, 0)
	case key.Matches(k, m.keys.Open):
		m.screen = screenIndex
		return m.openFolder(m.folderSel)
	}
	return m, nil
}

// openFolder opens entry i of the switcher in a command: the Inbox again
// (the account, reopened) or a local folder.
func (m App) openFolder(i int) (tea.Model, tea.Cmd) {
	if i < 0 || i >= len(m.folderNames) {
		return m, nil
	}
	base := m.acct.Name
	if m.folder != "" {
		base = m.baseAccount
	}
	name := m.folderNames[i]
	if i == 0 {
		if m.folder == "" || m.opts.OpenAccount == nil {
			return m, nil
		}
		open := m.opts.OpenAccount
		return m, func() tea.Msg {
			acct, err := open(base)
			return folderOpenedMsg{base: base, acct: acct, err: err}
		}
	}
	if name == m.folder {
		return m, nil
	}
	m.status.Notify("Opening " + message.SanitizeLine(name) + "…")
	openFolder, eng := m.opts.OpenFolder, m.acct.Engine
	return m, func() tea.Msg {
		e, err := openFolder(eng, name)
		acct := Account{Name: base + "/" + name, Engine: e, ReadOnly: true,
			Notice: "Folder " + message.SanitizeLine(name) + ": local and read-only; c switches back to the Inbox."}
		return folderOpenedMsg{folder: name, base: base, acct: acct, err: err}
	}
}

// folderOpened shows the folder (or the Inbox), as an account switch does.
func (m App) folderOpened(msg folderOpenedMsg) (tea.Model, tea.Cmd) {
	if errors.Is(msg.err, fs.ErrNotExist) && slices.Contains(mailFolders(), msg.folder) {
		m.status.Notify(message.SanitizeLine(msg.folder) + " is empty: nothing has been written there yet.")
		return m, nil
	}
	if msg.err != nil {
		m.status.Fail(sentence("Could not open the folder", msg.err))
		return m, nil
	}
	nm, cmd := m.accountOpened(accountOpenedMsg{acct: msg.acct})
	app := nm.(App)
	app.folder, app.baseAccount, app.unified = msg.folder, msg.base, nil
	return app, cmd
}

// readOnlyNote says why marks cannot change: a local folder, or another
// popterm holding the account.
func (m App) readOnlyNote() string {
	if m.folder != "" {
		return "Folder " + message.SanitizeLine(m.folder) + " is read-only here (no marks, no sync); c switches back to the Inbox."
	}
	return "This account is open read-only in another popterm; marks cannot be changed here."
}

// folderRefuses reports the keys a local folder does not take (marks and
// syncs), saying why.
func (m *App) folderRefuses(k tea.KeyPressMsg) bool {
	if m.folder == "" {
		return false
	}
	for _, b := range []key.Binding{m.keys.Delete, m.keys.Undelete, m.keys.Sync, m.keys.Flag, m.keys.ToggleNew} {
		if key.Matches(k, b) {
			m.status.Fail(m.readOnlyNote())
			return true
		}
	}
	return false
}

// foldersView draws the folder switcher.
func (m App) foldersView(height int) string {
	lines := []string{m.styles.Title.Render(fit(" Folders (Enter opens, Esc goes back)", m.width)), fit("", m.width)}
	for i, n := range m.folderNames {
		mark := "  "
		if (i == 0 && m.folder == "") || (i > 0 && n == m.folder) {
			mark = "* "
		}
		row := fit("  "+mark+message.SanitizeLine(n), m.width)
		if i == m.folderSel {
			row = m.styles.Selected.Render(row)
		}
		lines = append(lines, row)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", m.width))
	}
	return strings.Join(lines[:max(height, 0)], "\n")
}
