package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// doubleClick is the longest gap between the clicks of a double-click.
const doubleClick = 400 * time.Millisecond

// handleMouse scrolls with the wheel, selects on click and opens on a
// double-click.
func (m App) handleMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	if m.prompt.Active() {
		return m, nil
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		delta := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			delta = -3
		case tea.MouseWheelDown:
			delta = 3
		}
		switch m.screen {
		case screenIndex:
			m.index.Scroll(delta)
		case screenPager:
			m.pager.Scroll(delta)
		case screenHelp:
			m.helpTop = min(max(m.helpTop+delta, 0), max(len(m.helpLines())-m.mainHeight(), 0))
		}
	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft {
			return m, nil
		}
		y := msg.Mouse().Y
		now := m.now()
		double := y == m.lastClickRow && now.Sub(m.lastClick) <= doubleClick
		m.lastClick, m.lastClickRow = now, y
		switch m.screen {
		case screenIndex:
			pos := m.index.RowAt(y)
			if pos < 0 {
				return m, nil
			}
			m.index.Select(pos)
			if double {
				m.lastClickRow = -1
				return m.openSelected()
			}
		case screenAttachments:
			if m.attach.Click(y) && double {
				m.lastClickRow = -1
				return m.openAttachment()
			}
		}
	}
	return m, nil
}
