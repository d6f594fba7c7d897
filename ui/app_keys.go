package ui

import (
	"fmt"
	"os/exec"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
)

// handleKey gives Ctrl-C its meaning everywhere, then routes the key to
// the open prompt or the current screen.
func (m App) handleKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.signin.active {
		return m.signInKey(k)
	}
	if key.Matches(k, m.keys.Interrupt) {
		if m.sync.busy() && !m.sync.interrupted {
			what := "sync"
			if m.sync.phase == syncCommitting {
				what = "commit"
			}
			m.sync.interrupt() // and the quit or $ waiting for it
			m.status.Notify("Cancelling the " + what + "; nothing is deleted. Ctrl-C again exits.")
			return m, nil
		}
		return m.exit()
	}
	if m.prompt.Active() {
		return m.handlePrompt(k)
	}
	m.status.Clear() // news and errors were read: the hints come back
	switch m.screen {
	case screenPager:
		return m.pagerKey(k)
	case screenAttachments:
		return m.attachmentsKey(k)
	case screenHelp:
		return m.helpKey(k)
	case screenAccounts:
		return m.accountsKey(k)
	case screenOutput:
		return m.outputKey(k)
	case screenFolders:
		return m.foldersKey(k)
	case screenCompose:
		return m.composeScreenKey(k)
	}
	return m.indexKey(k)
}

// indexKey handles the index's actions; movement goes to the index.
func (m App) indexKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if nm, cmd, ok := m.readerKey(k); ok {
		return nm, cmd
	}
	switch {
	case key.Matches(k, m.keys.Open) && m.folder == "Drafts":
		return m.write("resume") // a draft goes back to the editor
	case key.Matches(k, m.keys.Open):
		return m.openSelected()
	case key.Matches(k, m.keys.Delete):
		cmd := m.mark(true)
		m.index.Move(1)
		return m, cmd
	case key.Matches(k, m.keys.Undelete):
		cmd := m.mark(false) // before m is copied into the result
		return m, cmd
	case key.Matches(k, m.keys.Sync):
		return m.syncNow()
	case key.Matches(k, m.keys.Search):
		m.prompt = ask(promptSearch, "Search: ", m.search, m.width)
		return m, nil
	case key.Matches(k, m.keys.Help):
		m.showHelp()
		return m, nil
	case key.Matches(k, m.keys.Accounts):
		if len(m.opts.Accounts) < 2 || m.opts.OpenAccount == nil {
			m.status.Notify("Only one account is configured; add more with popterm account add.")
			return m, nil
		}
		m.back, m.screen = screenIndex, screenAccounts
		m.accountSel = max(indexOf(m.opts.Accounts, m.acct.Name), 0)
		return m, m.loadCounts()
	case key.Matches(k, m.keys.Quit):
		return m.quit()
	case key.Matches(k, m.keys.Exit):
		return m.exit()
	case k.String() == "esc" && m.search != "":
		m.search = ""
		reload := m.reload()
		return m, reload
	}
	if n := accountNumber(k); n > 0 && len(m.opts.Accounts) > 1 {
		return m.switchTo(n - 1)
	}
	var cmd tea.Cmd
	m.index, cmd = m.index.Update(k)
	return m, cmd
}

// accountNumber returns 1-9 for the number keys, else 0.
func accountNumber(k tea.KeyPressMsg) int {
	if s := k.String(); len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		return int(s[0] - '0')
	}
	return 0
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// pagerKey handles the pager's actions; scrolling goes to the pager.
func (m App) pagerKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if nm, cmd, ok := m.readerKey(k); ok {
		return nm, cmd
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.screen = screenIndex
		return m, nil
	case key.Matches(k, m.keys.NextMessage):
		return m.openNext(1, nil)
	case key.Matches(k, m.keys.PrevMessage):
		return m.openNext(-1, nil)
	case key.Matches(k, m.keys.Delete):
		// As in the index (and mutt): mark, then go on to the next message.
		cmd := m.markShown(true) // before m is copied into the call
		return m.openNext(1, cmd)
	case key.Matches(k, m.keys.Undelete):
		cmd := m.markShown(false)
		return m, cmd
	case key.Matches(k, m.keys.Attachments):
		msg := m.pager.Message()
		if msg == nil || len(msg.Attachments) == 0 {
			m.status.Notify("This message has no attachments.")
			return m, nil
		}
		m.attach.Show(m.pager.ID(), msg.Subject, msg.Attachments)
		m.screen = screenAttachments
		return m, nil
	case key.Matches(k, m.keys.Find):
		m.prompt = ask(promptFind, "Find: ", m.pager.find, m.width)
		return m, nil
	case key.Matches(k, m.keys.FindNext) && m.pager.find == "":
		m.status.Notify("Nothing to find again yet: / finds text in this message.")
		return m, nil
	case key.Matches(k, m.keys.Help):
		m.showHelp()
		return m, nil
	}
	var cmd tea.Cmd
	m.pager, cmd = m.pager.Update(k)
	return m, cmd
}

// openNext opens the message delta rows away in the index from the one
// shown (J, K, and d after marking); at either end it stays and says so.
// cmd, already issued by the caller, runs either way.
func (m App) openNext(delta int, cmd tea.Cmd) (tea.Model, tea.Cmd) {
	if pos := m.index.find(m.pager.ID()); pos >= 0 {
		m.index.Select(pos) // the shown message, even if a reload moved the selection
	}
	before := m.index.Cursor()
	m.index.Move(delta)
	if m.index.Cursor() == before {
		if delta > 0 {
			m.status.Notify("This is the last message.")
		} else {
			m.status.Notify("This is the first message.")
		}
		return m, cmd
	}
	nm, open := m.openSelected()
	return nm, tea.Batch(cmd, open)
}

// attachmentsKey handles open, save and back.
func (m App) attachmentsKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.screen = screenPager
		return m, nil
	case key.Matches(k, m.keys.Open):
		return m.openAttachment()
	case key.Matches(k, m.keys.Save):
		if _, ok := m.attach.Selected(); !ok {
			return m, nil
		}
		// A trailing separator: save into that folder under the
		// attachment's own name; type a file name to choose another.
		m.prompt = ask(promptSavePath, "Save to: ", folderPath(m.downloadDir), m.width)
		return m, nil
	case key.Matches(k, m.keys.Help):
		m.showHelp()
		return m, nil
	}
	var cmd tea.Cmd
	m.attach, cmd = m.attach.Update(k)
	return m, cmd
}

// openAttachment writes the selected attachment to a private temporary
// file; the opener runs when it is ready.
func (m App) openAttachment() (tea.Model, tea.Cmd) {
	a, ok := m.attach.Selected()
	if !ok {
		return m, nil
	}
	m.status.Notify("Opening " + message.SanitizeLine(a.Name) + "…")
	return m, writeAttachmentTemp(m.ctx, m.acct.Engine, m.attach.id, a)
}

// openerCommand builds the viewer command: ui.open_cmd (else the config's
// default) split into words (no shell), then the file as its own argument.
func openerCommand(openCmd, path string) *exec.Cmd {
	argv := strings.Fields(openCmd)
	if len(argv) == 0 {
		argv = strings.Fields(config.DefaultUI().OpenCmd)
	}
	return exec.Command(argv[0], append(argv[1:], path)...)
}

// accountsKey moves in the switcher and switches.
func (m App) accountsKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back), key.Matches(k, m.keys.Accounts):
		m.screen = m.back
	case key.Matches(k, m.keys.Down):
		m.accountSel = min(m.accountSel+1, len(m.opts.Accounts)-1)
	case key.Matches(k, m.keys.Up):
		m.accountSel = max(m.accountSel-1, 0)
	case key.Matches(k, m.keys.Open):
		m.screen = screenIndex
		return m.switchTo(m.accountSel)
	default:
		if n := accountNumber(k); n > 0 && n <= len(m.opts.Accounts) {
			m.screen = screenIndex
			return m.switchTo(n - 1)
		}
	}
	return m, nil
}

// switchTo opens account i of the list (in a command).
func (m App) switchTo(i int) (tea.Model, tea.Cmd) {
	if i < 0 || i >= len(m.opts.Accounts) || m.opts.OpenAccount == nil {
		return m, nil
	}
	name := m.opts.Accounts[i]
	if name == m.acct.Name {
		return m, nil
	}
	m.status.Notify("Opening " + message.SanitizeLine(name) + "…")
	return m, openAccount(m.opts.OpenAccount, name)
}

// handlePrompt feeds the prompt and acts on its outcome.
func (m App) handlePrompt(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "tab" && m.prompt.kind == promptSaveMessage {
		return m.completeFolder(), nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "tab" && m.prompt.kind == promptAttach {
		return m.completePath(), nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "tab" && (m.prompt.kind == promptTo || m.prompt.kind == promptCc) {
		return m.completeAddress(), nil
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(msg)
	p := m.prompt
	if !p.done && !p.cancelled {
		if p.kind == promptSearch && p.changed {
			m.search = strings.TrimSpace(p.Value())
			typed := m.searchTyped()
			return m, tea.Batch(cmd, typed)
		}
		return m, cmd
	}
	m.prompt = promptModel{}
	if nm, cmd, ok := m.composePrompt(p); ok {
		return nm, cmd
	}
	if nm, cmd, ok := m.readerPrompt(p); ok {
		return nm, cmd
	}
	switch p.kind {
	case promptSearch:
		if p.cancelled {
			m.search = ""
			reload := m.reload()
			return m, reload
		}
		return m, m.readTyped() // Enter: no need to wait for a pause
	case promptFind:
		if p.done {
			m.pager.SetFind(p.Value())
		}
	case promptSavePath:
		if p.done && strings.TrimSpace(p.Value()) != "" {
			a, _ := m.attach.Selected()
			target := strings.TrimSpace(p.Value())
			m.status.Notify("Saving " + message.SanitizeLine(a.Name) + "…")
			return m, saveAttachment(m.ctx, m.acct.Engine, m.attach.id, a.Index, target)
		}
	case promptPassword:
		if p.done && p.Value() != "" {
			m.password = p.Value()
			m.prompt = confirmPrompt(promptKeepPassword, "Store this password in the keyring?", m.width)
			return m, nil
		}
		m.status.Notify("No password given; the reader stays offline. $ asks again.")
	case promptKeepPassword:
		pw := m.password
		m.password = ""
		if p.cancelled {
			m.status.Notify("No password given; the reader stays offline. $ asks again.")
			return m, nil
		}
		return m, setPassword(m.opts.SetPassword, m.acct.Name, pw, p.yes)
	case promptCommitQuit:
		switch {
		case p.cancelled:
			m.status.Notify("")
		case p.yes:
			return m.commitAndExit()
		default:
			return m.exit()
		}
	case promptCommitSync:
		if !p.cancelled {
			return m.startSync(p.yes)
		}
	case promptSignIn:
		if p.yes {
			return m.startSignIn()
		}
		m.status.Notify("Not signed in; the reader stays offline. $ offers the sign-in again.")
	}
	return m, nil
}

// pendingQuestion is the commit confirmation for n marks; the unified
// view names each account's share.
func (m App) pendingQuestion(n int) string {
	q := fmt.Sprintf("Delete %s on the server?", plural(n, "message"))
	if shares := m.index.marksByAccount(); shares != "" {
		q = fmt.Sprintf("Delete %s on the server (%s)?", plural(n, "message"), shares)
	}
	return q
}
