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
		if msg.session == m.session && !m.sync.busy() {
			return m.startSync(false)
		}
	case checkMsg:
		// Only the latest timer counts, and never over a running sync or an
		// open question.
		if msg.session == m.session && msg.gen == m.checkGen && !m.sync.busy() && !m.prompt.Active() {
			return m.startSync(false)
		}
	case listMsg:
		if msg.session != m.session || msg.gen != m.searchGen {
			return m, nil
		}
		if msg.err != nil {
			m.status.Fail(sentence("Could not read the index", msg.err))
			return m, nil
		}
		var rest tea.Cmd
		if msg.partial {
			// The first page is here: read the whole list now.
			rest = loadList(m.loadCtx, m.acct.Engine, m.session, m.searchGen, m.search)
		}
		if msg.partial && (m.loadedGen == msg.gen || m.index.spec() != (orderSpec{})) {
			return m, rest // the whole list is here already, or the page is not the top of this order
		}
		if !msg.partial {
			m.loadedGen = msg.gen
		}
		return m, tea.Batch(m.index.Arrange(msg.rows, listTag{gen: msg.gen, search: m.search, total: msg.total, partial: msg.partial, unindexed: msg.unindexed}), rest)
	case typedMsg:
		if msg.session == m.session && msg.gen == m.searchGen {
			return m, m.readTyped()
		}
	case arrangedMsg:
		if !m.index.Arranged(msg) {
			return m, nil // a newer load or order was asked for since
		}
		m.shownList = msg.tag
		m.index.SetSearch(msg.tag.search)
		if msg.tag.search != "" && msg.tag.unindexed > 0 {
			m.status.Notify(fmt.Sprintf("Results may be incomplete: %s still waiting for the search index", plural(msg.tag.unindexed, "message")))
		}
		if !msg.tag.partial {
			m.index.forgetTags()
		}
	case statsMsg:
		if msg.session != m.session {
			return m, nil
		}
		if msg.err != nil {
			m.status.Fail(sentence("Could not count the messages", msg.err))
			return m, nil
		}
		m.status.SetCounts(msg.stats, msg.lastSync)
	case syncProgressMsg:
		if msg.session != m.session || !m.sync.busy() {
			return m, nil
		}
		prev := m.sync.progress.Phase
		m.sync.progress = msg.p
		if prev == mailapi.PhaseHeaders && msg.p.Phase != prev {
			// New headers are stored: show the new mail before the
			// bodies download.
			reload := m.reload()
			return m, tea.Batch(waitProgress(m.sync.ch), reload)
		}
		return m, waitProgress(m.sync.ch)
	case syncDoneMsg:
		if msg.session != m.session {
			return m, nil
		}
		nm, cmd := m.syncDone(msg)
		if app, ok := nm.(App); ok && msg.flushed != nil {
			app.flushedBySync(*msg.flushed)
			nm = app
		}
		return nm, cmd
	case commitDoneMsg:
		if msg.session != m.session {
			return m, nil
		}
		return m.commitDone(msg)
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
		var nm tea.Model
		var cmd tea.Cmd
		if m.retry == jobCommit {
			nm, cmd = m.startCommit()
		} else {
			nm, cmd = m.startSync(m.retry == jobSync)
		}
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

// startSync begins a sync; commit sends DELE for the marks ($).
func (m App) startSync(commit bool) (tea.Model, tea.Cmd) {
	if m.acct.ReadOnly {
		m.status.Fail("This account is open read-only in another popterm; sync there.")
		return m, nil
	}
	if m.sync.busy() {
		m.status.Notify("A sync is already running.")
		return m, nil
	}
	ctx := m.sync.begin(m.ctx, syncSyncing, commit, false)
	if commit {
		m.status.Notify("Committing deletions…")
	}
	return m, tea.Batch(runSync(ctx, m.acct.Engine, m.syncMailer(), m.session, commit, m.sync.ch), waitProgress(m.sync.ch))
}

// startCommit begins a commit (UIDL, DELE, QUIT; nothing fetched) that
// exits the reader when the server confirms it.
func (m App) startCommit() (tea.Model, tea.Cmd) {
	ctx := m.sync.begin(m.ctx, syncCommitting, true, true)
	m.status.Notify(fmt.Sprintf("Deleting %s on the server…", plural(m.status.Pending(), "message")))
	return m, tea.Batch(runCommit(ctx, m.acct.Engine, m.session, m.sync.ch), waitProgress(m.sync.ch))
}

// commitAndExit is the confirmed `q`: during a sync that is already
// deleting, exit when it is done; during another sync, stop its download
// (what is stored stays) and commit when it has ended; else commit now.
func (m App) commitAndExit() (tea.Model, tea.Cmd) {
	switch {
	case m.sync.deleting():
		m.sync.exitAfter = true
		m.status.Notify("Deleting on the server: quitting when it is done (Ctrl-C cancels).")
		return m, nil
	case m.sync.phase == syncSyncing:
		m.sync.stopForQuit()
		m.status.Notify(fmt.Sprintf("Stopping the download (what arrived stays stored); then deleting %s and quitting. Ctrl-C cancels.",
			plural(m.status.Pending(), "message")))
		return m, nil
	case m.sync.busy():
		return m, nil // committing or quitting already
	}
	return m.startCommit()
}

// passwordPrompt asks for the password; the typed one retries j.
func (m *App) passwordPrompt(j job) {
	m.retry = j
	m.prompt = ask(promptPassword, "Password for "+message.SanitizeLine(m.acct.Name)+": ", "", m.width)
}

// syncJob is the job of a sync that commits or not.
func syncJob(commit bool) job {
	if commit {
		return jobSync
	}
	return jobCheck
}

// needsPassword reports whether err means no password could be had.
func needsPassword(err error) bool {
	return errors.Is(err, config.ErrNoPassword) || errors.Is(err, config.ErrKeyringUnavailable)
}

// syncDone shows a sync's result, reloads, and runs what was queued: the
// commit of a quit that stopped it, or a `$` pressed while it ran.
func (m App) syncDone(msg syncDoneMsg) (tea.Model, tea.Cmd) {
	was := m.sync.end()
	note := m.afterSync
	m.afterSync = ""
	reload := m.reload()
	err, res := msg.err, msg.res
	stopped := was.phase == syncQuitting && errors.Is(err, context.Canceled)
	switch {
	case stopped:
		// Stopped for q: the commit follows.
	case err != nil && was.interrupted && errors.Is(err, context.Canceled):
		m.status.Notify("Sync cancelled; nothing was deleted.")
	case err != nil && m.offersSignIn(err):
		m.signInPrompt(err, syncJob(msg.commit))
	case err != nil && m.opts.SetPassword != nil && !m.acct.SignIn && needsPassword(err):
		m.status.SetNet(netUnknown)
		m.passwordPrompt(syncJob(msg.commit))
		m.status.Notify(sentence("No password for this account; type it (Esc stays offline)", err))
	case err != nil && m.opts.SetPassword != nil && !m.acct.SignIn && mailapi.KindOf(err) == mailapi.KindCredentials && !msg.commit:
		m.status.SetNet(netOnline) // the server answered
		m.passwordPrompt(jobCheck)
		m.status.Fail(sentence("The server refused the password; type it again (Esc stays offline)", err))
	case err != nil:
		m.failed(err, msg.commit)
	case msg.commit && !res.Committed && res.Pending > 0:
		m.status.SetNet(netOnline)
		m.status.Fail("The server did not confirm the deletions; " + marksStayPending(res.Pending) + ": q tries again, x exits keeping them.")
	default:
		m.status.SetNet(netOnline)
		if msg.commit && res.Committed {
			// Until the counts are read again: a quit waiting for this
			// commit must not ask about the marks it just deleted.
			m.status.SetPending(res.Pending)
		}
		summary := strings.TrimSpace(syncSummary(res, msg.commit) + " " + note)
		m.status.Notify(summary)
		if was.exitAfter && msg.commit && res.Committed {
			m.farewell = summary
			return m, tea.Quit
		}
	}
	if was.phase == syncQuitting && !m.prompt.Active() {
		if err != nil && !stopped && mailapi.KindOf(err) == mailapi.KindTryLater {
			// The server did not answer this sync: deleting there now
			// would only fail again.
			text, _ := m.status.Message()
			m.status.Fail(strings.TrimSpace(text + " Not quitting: q tries to delete the marks again, x exits keeping them."))
			return m, tea.Batch(reload, m.scheduleCheck())
		}
		nm, commit := m.startCommit()
		return nm, tea.Batch(reload, commit)
	}
	if was.exitAfter && m.status.Pending() > 0 {
		text, _ := m.status.Message()
		m.status.Fail(strings.TrimSpace(text + " Not quitting: q tries to delete the marks again, x exits keeping them."))
	}
	check := m.scheduleCheck()
	if was.queuedSync && err == nil && !m.prompt.Active() {
		nm, sync := m.syncNow()
		return nm, tea.Batch(reload, check, sync)
	}
	return m, tea.Batch(reload, check)
}

// commitDone shows a commit's result and exits when the server confirmed
// it; otherwise the marks stay pending and the reader stays open.
func (m App) commitDone(msg commitDoneMsg) (tea.Model, tea.Cmd) {
	was := m.sync.end()
	reload := m.reload()
	err, res := msg.err, msg.res
	switch {
	case err != nil && was.interrupted && errors.Is(err, context.Canceled):
		m.status.Notify("Commit cancelled; nothing was deleted.")
	case err != nil && m.offersSignIn(err):
		m.signInPrompt(err, jobCommit)
	case err != nil && m.opts.SetPassword != nil && !m.acct.SignIn && needsPassword(err):
		m.status.SetNet(netUnknown)
		m.passwordPrompt(jobCommit)
		m.status.Notify(sentence("No password for this account; type it (Esc stays offline)", err))
	case err != nil:
		m.failed(err, true)
	case !res.Committed && res.Pending > 0:
		m.status.SetNet(netOnline)
		m.status.Fail("The server did not confirm the deletions; " + marksStayPending(res.Pending) + ": q tries again, x exits keeping them.")
	default:
		m.status.SetNet(netOnline)
		m.status.SetPending(res.Pending)
		s := fmt.Sprintf("%s on the server.", plural(res.Deleted, "message")+" deleted")
		for _, w := range res.Warnings {
			s += " " + clauseText(w) + "."
		}
		m.status.Notify(s)
		if was.exitAfter {
			m.farewell = s
			return m, tea.Quit
		}
	}
	return m, reload
}

// failed shows why a sync or commit failed: being offline is a state (the
// bar), the rest is an error that says what the marks do now.
func (m *App) failed(err error, commit bool) {
	var delay *mailapi.LoginDelayError
	switch {
	case errors.As(err, &delay):
		m.status.SetWait(delay.Until) // not offline: the server answered
	case mailapi.KindOf(err) == mailapi.KindCredentials:
		m.status.SetNet(netOnline)
	default:
		m.status.SetNet(netOffline)
	}
	what := "Sync failed"
	if commit {
		what = "Could not delete on the server"
	}
	s := sentence(what, err)
	if mailapi.KindOf(err) == mailapi.KindTryLater && !commit {
		if !mailapi.Advises(err) { // the engine's own sentence says what to do already
			s += " The stored mail stays readable; $ tries again."
		}
		m.status.Notify(s)
		return
	}
	if n := m.status.Pending(); commit && n > 0 {
		s += " The " + strings.TrimPrefix(marksStayPending(n), "the ") + ": q tries again, x exits keeping them."
	}
	m.status.Fail(s)
}

// checkMsg is the periodic check's timer firing.
type checkMsg struct{ session, gen int }

// scheduleCheck arms the next periodic check (Account.CheckEvery), which
// syncs without deleting, like the one at start-up.
func (m *App) scheduleCheck() tea.Cmd {
	if m.acct.CheckEvery <= 0 || m.acct.ReadOnly {
		return nil
	}
	m.checkGen++
	session, gen := m.session, m.checkGen
	return tea.Tick(m.acct.CheckEvery, func(time.Time) tea.Msg { return checkMsg{session: session, gen: gen} })
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
		s += ". " + clauseText(w)
	}
	return s + "."
}

// opened shows a rendered message (or why it could not be fetched).
func (m App) opened(msg openedMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	m.status.StopFetch()
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
	m.sync.end() // the previous account's operation is cancelled
	old := m.acct.Engine
	m.acct = msg.acct
	m.session++
	m.search = ""
	m.screen = screenIndex
	m.index.SetRows(nil)
	m.shownList = listTag{}
	m.index.resetReader()
	m.status = newStatus(m.styles, m.loc)
	m.status.SetSize(m.width)
	m.status.SetAccount(m.acct.Name, m.acct.ReadOnly)
	m.status.Notify(m.acct.Notice)
	if mailer, ok := m.acct.Engine.(Mailer); ok { // a folder's engine keeps the account's
		m.mailer = mailer
	}
	cmds := []tea.Cmd{closeEngine(old), m.reload(), m.countOutbox()}
	if !m.acct.ReadOnly {
		s := m.session
		cmds = append(cmds, func() tea.Msg { return autoSyncMsg{session: s} })
	}
	return m, tea.Batch(cmds...)
}
