package ui

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// handleData applies the results of commands.
func (m App) handleData(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case autoSyncMsg:
		if msg.session == m.session {
			return m.startSync(false, false)
		}
	case checkMsg:
		// Only the latest timer counts, and never over a running sync or an
		// open question.
		if msg.session == m.session && msg.gen == m.checkGen && !m.syncing && !m.prompt.Active() {
			return m.startSync(false, false)
		}
	case listMsg:
		if msg.session != m.session || msg.gen != m.searchGen {
			return m, nil
		}
		if msg.err != nil {
			m.status.Fail(sentence("Could not read the index", msg.err))
			return m, nil
		}
		if msg.partial && (m.loadedGen == msg.gen || m.index.sortBy != sortDate || m.index.threads) {
			return m, nil // the whole list is here already, or the page is not the top of this order
		}
		if !msg.partial {
			m.loadedGen = msg.gen
		}
		m.index.search = m.search
		m.index.SetRows(msg.rows)
	case statsMsg:
		if msg.session != m.session {
			return m, nil
		}
		if msg.err != nil {
			m.status.Fail(sentence("Could not count the messages", msg.err))
			return m, nil
		}
		m.status.stats, m.status.lastSync = msg.stats, msg.lastSync
	case syncProgressMsg:
		if msg.session != m.session || !m.syncing {
			return m, nil
		}
		prev := m.status.progress.Phase
		m.status.progress = msg.p
		if prev == mailapi.PhaseHeaders && msg.p.Phase != prev {
			// New headers are stored: show the new mail before the
			// bodies download.
			reload := m.reload()
			return m, tea.Batch(waitProgress(m.syncChan()), reload)
		}
		return m, waitProgress(m.syncChan())
	case syncDoneMsg:
		if msg.session != m.session {
			return m, nil
		}
		return m.syncDone(msg)
	case openedMsg:
		return m.opened(msg)
	case markedMsg:
		if msg.session != m.session {
			return m, nil
		}
		if msg.err != nil {
			for _, id := range msg.ids {
				m.index.update(id, func(s *mailapi.Summary) { s.Deleted = !msg.deleted })
			}
			if m.pager.ID() == msg.ids[0] {
				m.pager.SetDeleted(!msg.deleted)
			}
			m.status.Fail(sentence("Could not save the deletion mark", msg.err))
		}
		return m, loadStats(m.ctx, m.acct.Engine, m.session)
	case attachmentReadyMsg:
		if msg.err != nil {
			m.status.Fail(sentence("Could not open the attachment", msg.err))
			return m, nil
		}
		m.tempFiles = append(m.tempFiles, filepath.Dir(msg.path))
		return m, tea.ExecProcess(openerCommand(m.opts.UI.OpenCmd, msg.path), func(err error) tea.Msg {
			return openerDoneMsg{err: err}
		})
	case openerDoneMsg:
		var missing *exec.Error
		switch {
		case errors.As(msg.err, &missing) && errors.Is(missing.Err, exec.ErrNotFound):
			m.status.Fail(fmt.Sprintf("No viewer: %q is not installed. Set ui.open_cmd in the config to the program that should open attachments.",
				message.SanitizeLine(missing.Name)))
		case msg.err != nil:
			m.status.Fail(sentence("The viewer failed (set ui.open_cmd in the config)", msg.err))
		default:
			m.status.Notify("")
		}
	case savedMsg:
		if msg.err != nil {
			m.status.Fail(sentence("Could not save the attachment", msg.err))
		} else {
			m.status.Notify("Saved to " + message.SanitizeLine(msg.path) + ".")
		}
	case accountOpenedMsg:
		return m.accountOpened(msg)
	case passwordSetMsg:
		// The typed password is used for this run even when the keyring
		// could not keep it.
		nm, cmd := m.startSync(m.passwordSync, false)
		m = nm.(App)
		switch {
		case msg.err != nil:
			m.afterSync = sentence("Could not keep the password", msg.err)
			m.status.Fail(m.afterSync)
		case msg.kept:
			m.afterSync = "Password stored in the keyring."
		}
		return m, cmd
	case closedMsg:
		if msg.err != nil {
			m.status.Fail(sentence("Closing the previous account", msg.err))
		}
	}
	return m, nil
}

// syncChan is the progress channel of the running sync.
func (m App) syncChan() chan tea.Msg { return m.syncCh }

// startSync begins a sync; commit sends DELE for the marks, quitAfter
// exits when that commit succeeds.
func (m App) startSync(commit, quitAfter bool) (tea.Model, tea.Cmd) {
	if m.acct.ReadOnly {
		m.status.Fail("This account is open read-only in another popterm; sync there.")
		return m, nil
	}
	if m.syncing {
		m.status.Notify("A sync is already running.")
		return m, nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.syncing, m.syncCommit, m.syncCancel, m.quitAfter, m.interrupted = true, commit, cancel, quitAfter, false
	m.syncCh = make(chan tea.Msg, 16)
	m.status.syncing = true
	m.status.progress = mailapi.Progress{Phase: mailapi.PhaseConnect}
	if commit {
		m.status.Notify("Committing deletions…")
	}
	return m, tea.Batch(runSync(ctx, m.acct.Engine, m.session, commit, m.syncCh), waitProgress(m.syncCh))
}

// syncDone shows a sync's result, reloads, and finishes a quit.
func (m App) syncDone(msg syncDoneMsg) (tea.Model, tea.Cmd) {
	m.syncing = false
	m.syncCancel()
	m.status.syncing = false
	quitAfter := m.quitAfter
	m.quitAfter = false
	note := m.afterSync
	m.afterSync = ""
	reload := m.reload()
	err, res := msg.err, msg.res
	switch {
	case err != nil && m.interrupted && errors.Is(err, context.Canceled):
		m.status.Notify("Sync cancelled; nothing was deleted.")
	case err != nil && m.opts.SetPassword != nil &&
		(errors.Is(err, config.ErrNoPassword) || errors.Is(err, config.ErrKeyringUnavailable)):
		m.status.net = netUnknown
		m.passwordSync = msg.commit
		m.prompt = ask(promptPassword, "Password for "+message.SanitizeLine(m.acct.Name)+": ", "", m.width)
		m.status.Notify(sentence("No password for this account; type it (Esc stays offline)", err))
	case err != nil && m.opts.SetPassword != nil && mailapi.KindOf(err) == mailapi.KindCredentials && !msg.commit:
		m.status.net = netOnline // the server answered
		m.passwordSync = false
		m.prompt = ask(promptPassword, "Password for "+message.SanitizeLine(m.acct.Name)+": ", "", m.width)
		m.status.Fail(sentence("The server refused the password; type it again (Esc stays offline)", err))
	case err != nil:
		m.status.net = netOffline
		if mailapi.KindOf(err) == mailapi.KindCredentials {
			m.status.net = netOnline
		}
		what := "Sync failed"
		if msg.commit {
			what = "Could not delete on the server"
		}
		s := sentence(what, err)
		if mailapi.KindOf(err) == mailapi.KindTryLater && !msg.commit {
			// Being offline is a state (shown in the bar), not a fault.
			if !mailapi.Advises(err) { // the engine's own sentence says what to do already
				s += " The stored mail stays readable; $ tries again."
			}
			m.status.Notify(s)
			break
		}
		if msg.commit && m.status.stats.Deleted > 0 {
			s += fmt.Sprintf(" The %s stay pending: q tries again, x exits keeping them.", plural(m.status.stats.Deleted, "mark"))
		}
		m.status.Fail(s)
	case msg.commit && !res.Committed && res.Pending > 0:
		m.status.net = netOnline
		m.status.Fail(fmt.Sprintf("The server did not confirm the deletions; %s stay pending: q tries again, x exits keeping them.",
			plural(res.Pending, "mark")))
	default:
		m.status.net = netOnline
		if msg.commit && res.Committed {
			// Until the counts are read again: a quit waiting for this
			// commit must not ask about the marks it just deleted.
			m.status.stats.Deleted = res.Pending
		}
		m.status.Notify(strings.TrimSpace(syncSummary(res, msg.commit) + " " + note))
		if quitAfter {
			m.farewell = m.status.notice
			return m, tea.Quit
		}
	}
	check := m.scheduleCheck()
	if m.quitWhenDone && err != nil && m.status.stats.Deleted > 0 {
		// The server did not answer this sync: asking to delete there now
		// would only fail again.
		m.quitWhenDone = false
		text, _ := m.status.Message()
		m.status.Fail(strings.TrimSpace(text + " Not quitting: q tries to delete the marks again, x exits keeping them."))
	}
	if m.quitWhenDone && !m.prompt.Active() {
		m.quitWhenDone = false
		nm, quit := m.quit()
		return nm, tea.Batch(reload, quit)
	}
	return m, tea.Batch(reload, check)
}

// checkMsg is the periodic check's timer firing.
type checkMsg struct{ session, gen int }

// scheduleCheck arms the next periodic check (Options.CheckEvery), which
// syncs without deleting, like the one at start-up.
func (m *App) scheduleCheck() tea.Cmd {
	if m.opts.CheckEvery <= 0 || m.acct.ReadOnly {
		return nil
	}
	m.checkGen++
	session, gen := m.session, m.checkGen
	return tea.Tick(m.opts.CheckEvery, func(time.Time) tea.Msg { return checkMsg{session: session, gen: gen} })
}

// syncSummary says what a successful sync did.
func syncSummary(res mailapi.Result, commit bool) string {
	s := "Synced"
	if res.New > 0 {
		s += fmt.Sprintf(": %d new", res.New)
	} else {
		s += ": no new mail"
	}
	if commit {
		s += fmt.Sprintf(", %d deleted on the server", res.Deleted)
	}
	for _, w := range res.Warnings {
		s += ". " + message.SanitizeLine(w)
	}
	return s + "."
}

// opened shows a rendered message (or why it could not be fetched).
func (m App) opened(msg openedMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	m.status.fetching = false
	if msg.id != m.pager.ID() {
		return m, nil
	}
	m.pager.SetMessage(msg.msg, msg.err)
	if msg.err == nil {
		m.index.update(msg.id, func(s *mailapi.Summary) { s.Seen, s.Cached = true, true })
	}
	return m, loadStats(m.ctx, m.acct.Engine, m.session)
}

// accountOpened replaces the engine after a switch.
func (m App) accountOpened(msg accountOpenedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.status.Fail(sentence("Could not open the account", msg.err))
		return m, nil
	}
	if m.syncing {
		m.syncCancel()
		m.syncing, m.status.syncing = false, false
	}
	old := m.acct.Engine
	m.acct = msg.acct
	m.session++
	m.search = ""
	m.screen = screenIndex
	m.index.SetRows(nil)
	m.status = newStatus(m.styles, m.loc)
	m.status.SetSize(m.width)
	m.status.account, m.status.readOnly = m.acct.Name, m.acct.ReadOnly
	m.status.Notify(m.acct.Notice)
	cmds := []tea.Cmd{closeEngine(old), m.reload()}
	if !m.acct.ReadOnly {
		s := m.session
		cmds = append(cmds, func() tea.Msg { return autoSyncMsg{session: s} })
	}
	return m, tea.Batch(cmds...)
}
