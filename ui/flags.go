package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// Marker keeps the local marks that never reach the server: flagged and
// read (mailbox.Engine implements it; the store keeps them in the index and
// as Maildir F and S flags).
type Marker interface {
	MarkFlagged(ctx context.Context, ids []int64, flagged bool) error
	MarkSeen(ctx context.Context, ids []int64, seen bool) error
}

// localMark names a mark the reader sets on rows: Marker's two, and the
// deletion mark.
type localMark int

const (
	markFlagged localMark = iota
	markSeen
	markDeletion
)

// get reads the mark of a row.
func (k localMark) get(r *mailapi.Summary) bool {
	switch k {
	case markFlagged:
		return r.Flagged
	case markDeletion:
		return r.Deleted
	}
	return r.Seen
}

// set changes the mark of a row.
func (k localMark) set(r *mailapi.Summary, on bool) {
	switch k {
	case markFlagged:
		r.Flagged = on
	case markDeletion:
		r.Deleted = on
	default:
		r.Seen = on
	}
}

// applyMark sets a mark on the rows of ids at once (the store follows in a
// command) and returns the IDs that changed; none on a read-only account,
// which it reports.
func (m *App) applyMark(ids []int64, mark localMark, on bool) []int64 {
	if m.acct.ReadOnly {
		m.status.Fail(m.readOnlyNote())
		return nil
	}
	var changed []int64
	for _, id := range ids {
		m.index.update(id, func(r *mailapi.Summary) {
			if mark.get(r) != on {
				mark.set(r, on)
				changed = append(changed, id)
			}
		})
	}
	return changed
}

// localMarkedMsg reports that local marks were written (or not: err).
type localMarkedMsg struct {
	session int
	ids     []int64
	mark    localMark
	on      bool
	err     error
}

// current is the message a key acts on: the one in the pager, else the
// index's selection.
func (m App) current() (mailapi.Summary, bool) {
	if m.screen == screenPager {
		return m.index.byID(m.pager.ID())
	}
	return m.index.Selected()
}

// toggleLocal flips a local mark of the current message (F, N); the
// cursor stays where it is.
func (m *App) toggleLocal(mark localMark) tea.Cmd {
	s, ok := m.current()
	if !ok {
		return nil
	}
	on := !mark.get(&s)
	cmd := m.setLocal([]int64{s.ID}, mark, on)
	switch {
	case cmd == nil:
	case mark == markFlagged && on:
		m.status.Notify("Flagged.")
	case mark == markFlagged:
		m.status.Notify("Flag removed.")
	case on:
		m.status.Notify("Marked as read.")
	default:
		m.status.Notify("Marked as new.")
	}
	return cmd
}

// setLocal sets a local mark on messages: shown at once, saved in a
// command, undone when saving fails.
func (m *App) setLocal(ids []int64, mark localMark, on bool) tea.Cmd {
	changed := m.applyMark(ids, mark, on)
	if len(changed) == 0 {
		return nil
	}
	if mark == markSeen {
		if on {
			m.status.stats.Unseen = max(m.status.stats.Unseen-len(changed), 0)
		} else {
			m.status.stats.Unseen += len(changed)
		}
	}
	ctx, eng, session := m.ctx, m.acct.Engine, m.session
	return func() tea.Msg {
		var err error
		switch mark {
		case markFlagged:
			err = eng.MarkFlagged(ctx, changed, on)
		case markDeletion:
			err = eng.MarkDeleted(ctx, changed, on)
		default:
			err = eng.MarkSeen(ctx, changed, on)
		}
		return localMarkedMsg{session: session, ids: changed, mark: mark, on: on, err: err}
	}
}

// localMarked undoes marks that could not be saved, and counts again.
func (m App) localMarked(msg localMarkedMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	if msg.err != nil {
		for _, id := range msg.ids {
			m.index.update(id, func(r *mailapi.Summary) { msg.mark.set(r, !msg.on) })
		}
		m.status.Fail(sentence("Could not save the mark", msg.err))
	}
	return m, loadStats(m.ctx, m.acct.Engine, m.session)
}
