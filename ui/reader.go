package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/message"
)

// readerKey handles the keys of flags, limits, tags, saving and piping in
// the index and the pager; handled is false for every other key.
func (m App) readerKey(k tea.KeyPressMsg) (_ tea.Model, _ tea.Cmd, handled bool) {
	if m.folderRefuses(k) {
		return m, nil, true
	}
	if m.unified != nil && m.screen == screenIndex && (key.Matches(k, m.keys.Accounts) || key.Matches(k, m.keys.Folders) || accountNumber(k) > 0) {
		m.status.Notify("Every account is shown: U goes back to one account first.")
		return m, nil, true
	}
	if nm, cmd, ok := m.composeKey(k); ok {
		return nm, cmd, true
	}
	if m.tagNext && m.screen == screenIndex {
		nm, cmd := m.tagPrefix(k)
		return nm, cmd, true
	}
	switch {
	case key.Matches(k, m.keys.Flag):
		cmd := m.toggleLocal(markFlagged)
		return m, cmd, true
	case key.Matches(k, m.keys.ToggleNew):
		cmd := m.toggleLocal(markSeen)
		return m, cmd, true
	case key.Matches(k, m.keys.Save) && m.screen != screenAttachments:
		nm, cmd := m.askSave(m.actionIDs())
		return nm, cmd, true
	case key.Matches(k, m.keys.Pipe):
		nm, cmd := m.askPipe(m.actionIDs())
		return nm, cmd, true
	case key.Matches(k, m.keys.OpenLink) && m.screen == screenPager:
		nm, cmd := m.askLink()
		return nm, cmd, true
	case key.Matches(k, m.keys.NextNew):
		if m.screen == screenPager {
			if pos := m.index.find(m.pager.ID()); pos >= 0 {
				m.index.sel = pos
			}
		}
		if !m.index.nextNew() {
			m.status.Notify("No new messages.")
			return m, nil, true
		}
		if m.screen == screenPager {
			nm, cmd := m.openSelected()
			return nm, cmd, true
		}
		return m, nil, true
	}
	if m.screen != screenIndex {
		return m, nil, false
	}
	switch {
	case key.Matches(k, m.keys.Limit):
		m.prompt = ask(promptLimit, "Limit to (empty: all): ", m.limitDraft(), m.width)
		return m, nil, true
	case key.Matches(k, m.keys.Tag):
		m.toggleTag()
		return m, nil, true
	case key.Matches(k, m.keys.TagPattern):
		m.prompt = ask(promptTagPattern, "Tag messages matching (empty: untag all): ", m.lastTag, m.width)
		return m, nil, true
	case key.Matches(k, m.keys.TagPrefix):
		m.tagNext = true
		m.status.Notify(";: the next d, u, F, N, s or | applies to the " + plural(len(m.index.taggedIDs()), "tagged message") + ".")
		return m, nil, true
	case key.Matches(k, m.keys.Unified):
		nm, cmd := m.toggleUnified()
		return nm, cmd, true
	case key.Matches(k, m.keys.Folders):
		nm, cmd := m.askFolder()
		return nm, cmd, true
	case key.Matches(k, m.keys.Reverse):
		m.index.reverse = !m.index.reverse
		return m, m.index.rearrange(), true
	case k.String() == "esc" && m.search == "" && m.index.limit != nil:
		m.clearLimit()
		return m, nil, true
	}
	return m, nil, false
}

// limitDraft is what the limit prompt starts with: the limit typed last
// (even a bad one, to fix it), else the current limit.
func (m App) limitDraft() string {
	if m.lastPattern != "" {
		return m.lastPattern
	}
	return m.index.limitText
}

// readerPrompt acts on the answers to the prompts readerKey opens;
// handled is false for other prompts.
func (m App) readerPrompt(p promptModel) (_ tea.Model, _ tea.Cmd, handled bool) {
	switch p.kind {
	case promptLimit:
		if p.cancelled {
			return m, nil, true
		}
		text := strings.TrimSpace(p.Value())
		m.lastPattern = text
		if text == "" {
			m.clearLimit()
			return m, nil, true
		}
		return m, m.compilePattern(text, false), true
	case promptTagPattern:
		if p.cancelled {
			return m, nil, true
		}
		text := strings.TrimSpace(p.Value())
		m.lastTag = text
		if text == "" {
			m.index.tagged = map[int64]bool{}
			m.status.Notify("Every tag removed.")
			return m, nil, true
		}
		return m, m.compilePattern(text, true), true
	case promptSaveMessage:
		ids := m.pending
		m.pending = nil
		text := strings.TrimSpace(p.Value())
		if p.cancelled || text == "" || len(ids) == 0 {
			m.status.Notify("")
			return m, nil, true
		}
		m.lastSave = text
		m.status.Notify("Saving " + plural(len(ids), "message") + "…")
		return m, m.saveMessages(ids, text), true
	case promptPipe:
		ids := m.pending
		m.pending = nil
		text := strings.TrimSpace(p.Value())
		if p.cancelled || text == "" || len(ids) == 0 {
			return m, nil, true
		}
		m.lastPipe = text
		m.status.Notify("Running " + message.SanitizeLine(text) + "…")
		return m, pipeMessages(m.ctx, m.acct.Engine, m.session, ids, text), true
	case promptLink:
		if p.cancelled {
			return m, nil, true
		}
		nm, cmd := m.openLink(strings.TrimSpace(p.Value()))
		return nm, cmd, true
	}
	return m, nil, false
}

// readerData applies the results of the commands readerKey starts;
// handled is false for every other message.
func (m App) readerData(msg tea.Msg) (_ tea.Model, _ tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case localMarkedMsg:
		nm, cmd := m.localMarked(msg)
		return nm, cmd, true
	case limitMsg:
		nm, cmd := m.limited(msg)
		return nm, cmd, true
	case foldersMsg:
		nm, cmd := m.saveFolders(msg)
		return nm, cmd, true
	case messagesSavedMsg:
		if msg.session == m.session {
			if msg.err != nil {
				m.status.Fail(sentence("Could not save", msg.err))
			} else {
				m.status.Notify("Saved " + plural(msg.n, "message") + " to " + message.SanitizeLine(msg.where) + ".")
			}
		}
		return m, nil, true
	case pipedMsg:
		nm, cmd := m.showOutput(msg)
		return nm, cmd, true
	case newMailMsg:
		nm, cmd := m.newMail(msg)
		return nm, cmd, true
	case folderListMsg:
		nm, cmd := m.showFolders(msg)
		return nm, cmd, true
	case accountOpenedMsg: // an account switch leaves any folder
		nm, cmd := m.accountOpened(msg)
		app := nm.(App)
		if msg.err == nil {
			app.folder, app.baseAccount, app.unified = "", "", nil
		}
		return app, cmd, true
	case unifiedOpenedMsg:
		nm, cmd := m.unifiedOpened(msg)
		return nm, cmd, true
	case folderOpenedMsg:
		nm, cmd := m.folderOpened(msg)
		return nm, cmd, true
	case accountCountsMsg:
		m.accountCounts = msg.counts
		return m, nil, true
	case notifiedMsg:
		if msg.err != nil {
			m.status.Fail(sentence("notify_cmd failed (see ui.notify_cmd in the config)", msg.err))
		}
		return m, nil, true
	}
	return m, nil, false
}
