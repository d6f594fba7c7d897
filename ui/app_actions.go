package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// openSelected shows the selected message in the pager and fetches it.
func (m App) openSelected() (tea.Model, tea.Cmd) {
	s, ok := m.index.Selected()
	if !ok {
		return m, nil
	}
	m.screen = screenPager
	m.pager.Load(s)
	spin := m.status.StartFetch()
	return m, tea.Batch(spin, openMessage(m.ctx, m.acct.Engine, m.session, s.ID, m.renderOptions()))
}

// mark sets or clears the deletion mark of the selected message, showing
// it at once and saving it in a command.
func (m *App) mark(deleted bool) tea.Cmd {
	s, ok := m.index.Selected()
	if !ok {
		return nil
	}
	return m.markID(s, deleted)
}

// markShown marks the message in the pager.
func (m *App) markShown(deleted bool) tea.Cmd {
	for _, i := range m.index.order {
		if r := m.index.rows[i]; r.ID == m.pager.ID() {
			cmd := m.markID(r, deleted)
			m.pager.SetDeleted(deleted)
			return cmd
		}
	}
	return nil
}

func (m *App) markID(s mailapi.Summary, deleted bool) tea.Cmd {
	if m.acct.ReadOnly {
		m.status.Fail("This account is open read-only in another popterm; marks cannot be changed here.")
		return nil
	}
	if s.Deleted == deleted {
		return nil
	}
	m.index.update(s.ID, func(r *mailapi.Summary) { r.Deleted = deleted })
	if deleted {
		m.status.SetPending(m.status.Pending() + 1)
	} else {
		m.status.SetPending(m.status.Pending() - 1)
	}
	return markDeleted(m.ctx, m.acct.Engine, m.session, []int64{s.ID}, deleted)
}

// syncNow is `$`: a sync that commits the marks (after asking, when there
// are marks and ui.confirm_commit is on). During a sync it is queued and
// runs when that sync ends.
func (m App) syncNow() (tea.Model, tea.Cmd) {
	switch m.sync.phase {
	case syncSyncing:
		m.sync.queuedSync = true
		m.status.Notify("A sync is running; $ runs when it ends (q stops it and quits).")
		return m, nil
	case syncCommitting, syncQuitting:
		m.status.Notify("Deleting on the server and quitting (Ctrl-C cancels).")
		return m, nil
	}
	if n := m.status.Pending(); n > 0 && m.opts.UI.ConfirmCommit {
		m.prompt = confirmPrompt(promptCommitSync, m.pendingQuestion(n), m.width)
		return m, nil
	}
	return m.startSync(true)
}

// quit is `q`: with marks pending, commit them (after asking) in a session
// that only deletes, and exit when the server confirmed; without marks,
// exit at once. A running sync is stopped first (see commitAndExit).
func (m App) quit() (tea.Model, tea.Cmd) {
	n := m.status.Pending()
	if n == 0 || m.acct.ReadOnly {
		return m.exit()
	}
	if m.sync.deleting() || !m.opts.UI.ConfirmCommit {
		return m.commitAndExit()
	}
	if m.sync.phase == syncCommitting || m.sync.phase == syncQuitting {
		return m, nil // already deleting, then quitting
	}
	m.prompt = confirmPrompt(promptCommitQuit, m.pendingQuestion(n), m.width)
	return m, nil
}

// exit leaves without committing; marks stay pending for next time. A
// running operation is cancelled (nothing is deleted).
func (m App) exit() (tea.Model, tea.Cmd) {
	m.sync.end()
	if n := m.status.Pending(); n > 0 && m.farewell == "" {
		m.farewell = fmt.Sprintf("%s kept for the next commit (q or $ in the reader, or popterm sync --commit).",
			plural(n, "deletion mark"))
	}
	m = m.keepWriting()
	return m, tea.Quit
}
