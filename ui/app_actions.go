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
		m.status.stats.Deleted++
	} else {
		m.status.stats.Deleted = max(m.status.stats.Deleted-1, 0)
	}
	return markDeleted(m.ctx, m.acct.Engine, m.session, []int64{s.ID}, deleted)
}

// syncNow is `$`: a sync that commits the marks (after asking, when there
// are marks and ui.confirm_commit is on).
func (m App) syncNow() (tea.Model, tea.Cmd) {
	if m.syncing {
		m.status.Notify("A sync is running; press $ again when it ends (q quits after it).")
		return m, nil
	}
	if n := m.status.stats.Deleted; n > 0 && m.opts.UI.ConfirmCommit {
		m.prompt = confirmPrompt(promptCommitSync, pendingQuestion(n), m.width)
		return m, nil
	}
	return m.startSync(true, false)
}

// quit is `q`: with marks pending, commit them (after asking), and exit
// only when the server confirmed; else exit at once.
func (m App) quit() (tea.Model, tea.Cmd) {
	n := m.status.stats.Deleted
	if n == 0 || m.acct.ReadOnly {
		return m.exit()
	}
	if m.syncing {
		m.quitWhenDone = true
		m.status.Notify("A sync is running: quitting when it ends (Ctrl-C cancels the sync and the quit).")
		return m, nil
	}
	if m.opts.UI.ConfirmCommit {
		m.prompt = confirmPrompt(promptCommitQuit, pendingQuestion(n), m.width)
		return m, nil
	}
	return m.startSync(true, true)
}

// exit leaves without committing; marks stay pending for next time.
func (m App) exit() (tea.Model, tea.Cmd) {
	if m.syncing {
		m.syncCancel()
	}
	if n := m.status.stats.Deleted; n > 0 && m.farewell == "" {
		m.farewell = fmt.Sprintf("%s kept for the next commit (q or $ in the reader, or popterm sync --commit).",
			plural(n, "deletion mark"))
	}
	return m, tea.Quit
}
