package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// toggleTag tags or untags the selected message and moves on to the next
// one, as mutt does.
func (m *App) toggleTag() {
	s, ok := m.index.Selected()
	if !ok {
		return
	}
	if m.index.tagged[s.ID] {
		delete(m.index.tagged, s.ID)
	} else {
		m.index.tagged[s.ID] = true
	}
	m.index.Move(1)
}

// taggedIDs are the tagged messages still in the index, in display order
// (the ones the limit hides too, after the shown ones).
func (m indexModel) taggedIDs() []int64 {
	var ids []int64
	for _, i := range m.order {
		if id := m.rows[i].ID; m.tagged[id] {
			ids = append(ids, id)
		}
	}
	for i := range m.rows {
		if id := m.rows[i].ID; m.tagged[id] && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// forgetTags drops tags of messages no longer in the index, after a
// reload (a commit removed them).
func (m *indexModel) forgetTags() {
	for id := range m.tagged {
		if _, ok := m.byID(id); !ok {
			delete(m.tagged, id)
		}
	}
}

// resetReader forgets the tags and the limit (another account opened).
func (m *indexModel) resetReader() {
	m.tagged = map[int64]bool{}
	m.limit, m.limitText = nil, ""
	m.accountOf = nil
}

// tagPrefix is `;`: the next key's action applies to every tagged message.
func (m App) tagPrefix(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	m.tagNext = false
	ids := m.index.taggedIDs()
	if len(ids) == 0 {
		m.status.Notify("No message is tagged: T tags one, ctrl+t tags by pattern.")
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Delete), key.Matches(k, m.keys.Undelete):
		deleted := key.Matches(k, m.keys.Delete)
		cmd := m.markMany(ids, deleted)
		return m, cmd
	case key.Matches(k, m.keys.Flag):
		on := !m.all(ids, markFlagged) // all flagged: unflag them
		cmd := m.setLocal(ids, markFlagged, on)
		return m, cmd
	case key.Matches(k, m.keys.ToggleNew):
		on := !m.all(ids, markSeen) // all read: mark them new
		cmd := m.setLocal(ids, markSeen, on)
		return m, cmd
	case key.Matches(k, m.keys.Save):
		return m.askSave(ids)
	case key.Matches(k, m.keys.Pipe):
		return m.askPipe(ids)
	}
	m.status.Notify("; applies d, u, F, N, s or | to the tagged messages; that key does not apply.")
	return m, nil
}

// all reports whether every message of ids has the mark.
func (m App) all(ids []int64, mark localMark) bool {
	for _, id := range ids {
		if r, ok := m.index.byID(id); ok && !mark.get(&r) {
			return false
		}
	}
	return true
}

// markMany sets or clears the deletion mark of several messages.
func (m *App) markMany(ids []int64, deleted bool) tea.Cmd {
	changed := m.applyMark(ids, markDeletion, deleted)
	if len(changed) == 0 {
		return nil
	}
	if deleted {
		m.status.stats.Deleted += len(changed)
		m.status.Notify(plural(len(changed), "tagged message") + " marked for deletion.")
	} else {
		m.status.stats.Deleted = max(m.status.stats.Deleted-len(changed), 0)
		m.status.Notify(plural(len(changed), "tagged message") + " undeleted.")
	}
	return markDeleted(m.ctx, m.acct.Engine, m.session, changed, deleted)
}
