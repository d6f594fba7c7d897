package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/message"
)

// attachmentsModel lists a message's attachments: name, type, size.
type attachmentsModel struct {
	keys   *KeyMap
	styles *Styles

	id            int64 // the message
	subject       string
	items         []message.Attachment
	sel           int
	width, height int
}

func newAttachments(keys *KeyMap, styles *Styles) attachmentsModel {
	return attachmentsModel{keys: keys, styles: styles}
}

// Show lists the attachments of message id.
func (m *attachmentsModel) Show(id int64, subject string, items []message.Attachment) {
	m.id, m.subject, m.items, m.sel = id, subject, items, 0
}

// SetSize sets the drawing area.
func (m *attachmentsModel) SetSize(w, h int) { m.width, m.height = w, h }

// Selected returns the selected attachment.
func (m attachmentsModel) Selected() (message.Attachment, bool) {
	if m.sel < 0 || m.sel >= len(m.items) {
		return message.Attachment{}, false
	}
	return m.items[m.sel], true
}

// Update moves the selection.
func (m attachmentsModel) Update(msg tea.Msg) (attachmentsModel, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Down):
		m.sel++
	case key.Matches(k, m.keys.Up):
		m.sel--
	case key.Matches(k, m.keys.Top):
		m.sel = 0
	case key.Matches(k, m.keys.Bottom):
		m.sel = len(m.items) - 1
	}
	m.sel = min(max(m.sel, 0), max(len(m.items)-1, 0))
	return m, nil
}

// Click selects the attachment under line y; it reports whether one was.
func (m *attachmentsModel) Click(y int) bool {
	i := y - 2
	if i < 0 || i >= len(m.items) {
		return false
	}
	m.sel = i
	return true
}

// View draws the list.
func (m attachmentsModel) View() string {
	lines := []string{
		m.styles.Title.Render(fit(" Attachments of “"+message.SanitizeLine(m.subject)+"”", m.width)),
		m.styles.ColumnHeader.Render(fit("  #   "+fit("Name", m.nameWidth())+" "+fit("Type", m.typeWidth())+" "+fmt.Sprintf("%6s", "Size"), m.width)),
	}
	if len(m.items) == 0 {
		lines = append(lines, m.styles.Dim.Render(fit("  This message has no attachments.", m.width)))
	}
	for i, a := range m.items {
		row := fmt.Sprintf("  %-3d ", i+1) + fit(message.SanitizeLine(a.Name), m.nameWidth()) + " " + fit(message.SanitizeLine(a.Type), m.typeWidth()) +
			" " + fmt.Sprintf("%6s", formatSize(a.Size))
		row = fit(row, m.width)
		if i == m.sel {
			row = m.styles.Selected.Render(row)
		} else {
			row = m.styles.Row.Render(row)
		}
		lines = append(lines, row)
	}
	for len(lines) < m.height {
		lines = append(lines, strings.Repeat(" ", m.width))
	}
	return strings.Join(lines[:max(min(len(lines), m.height), 0)], "\n")
}

// typeWidth and nameWidth share the row with the number (6 cells), the
// size (6) and two spaces: the type takes up to 24 cells, the name the rest.
func (m attachmentsModel) typeWidth() int { return min(max((m.width-14)/2, 6), 24) }

func (m attachmentsModel) nameWidth() int { return max(m.width-14-m.typeWidth(), 8) }
