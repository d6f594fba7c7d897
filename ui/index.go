package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// indexModel is the message list. Only the visible rows are ever built, so
// 100,000 messages cost no more per frame than 100.
type indexModel struct {
	keys   *KeyMap
	styles *Styles
	clock  func() time.Time
	loc    *time.Location
	layout string // ui.date_format for older dates

	rows    []mailapi.Summary
	order   []int // display position -> rows index
	depth   []int // thread depth per display position, nil without threads
	sortBy  sortKey
	threads bool
	reverse bool // O: the sort order reversed

	// The order is computed in a command (see Arrange): shown is the order
	// the rows are in (the column title names it), full and fullDepth the
	// whole display order before the limit. next and nextTag are the rows
	// of the latest arrangement asked for, and orderGen its number: an
	// older arrangement that arrives late is dropped.
	shown           orderSpec
	full, fullDepth []int
	next            []mailapi.Summary
	nextTag         listTag
	orderGen        int

	accountOf func(id int64) string       // the unified view's account of a row; nil: one account
	limit     func(*mailapi.Summary) bool // l: only rows it accepts; nil shows all
	limitText string                      // the pattern, for the status bar

	tagged map[int64]bool // tagged message IDs (T, ctrl+t)

	sel, top      int // selected and first visible display positions
	width, height int // height counts the column header line
	search        string
}

// headerLines is the number of lines above the first row (column titles).
const headerLines = 1

func newIndex(keys *KeyMap, styles *Styles, clock func() time.Time, loc *time.Location, layout string) indexModel {
	return indexModel{keys: keys, styles: styles, clock: clock, loc: loc, layout: layout, tagged: map[int64]bool{}}
}

// SetSize sets the area the index draws in.
func (m *indexModel) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clamp()
}

// visible is the number of message rows that fit.
func (m indexModel) visible() int { return max(m.height-headerLines, 1) }

// Len is the number of shown messages.
func (m indexModel) Len() int { return len(m.order) }

// Selected returns the selected message, if any.
func (m indexModel) Selected() (mailapi.Summary, bool) {
	if m.sel < 0 || m.sel >= len(m.order) {
		return mailapi.Summary{}, false
	}
	return m.rows[m.order[m.sel]], true
}

// Select selects the row at position pos of the shown order.
func (m *indexModel) Select(pos int) {
	m.sel = pos
	m.clamp()
}

// Cursor is the position of the selected row in the shown order.
func (m indexModel) Cursor() int { return m.sel }

// SetSearch records the words the next rows were found with.
func (m *indexModel) SetSearch(words string) { m.search = words }

// spec is the order asked for.
func (m indexModel) spec() orderSpec {
	return orderSpec{by: m.sortBy, threads: m.threads, reverse: m.reverse}
}

// Arrange asks for rows to be shown in the current order: the order is
// computed by the returned command, and the rows appear when its
// arrangedMsg is handed to Arranged. Any earlier arrangement still under
// way is dropped when it arrives.
func (m *indexModel) Arrange(rows []mailapi.Summary, tag listTag) tea.Cmd {
	m.orderGen++
	m.next, m.nextTag = rows, tag
	return arrangeCmd(m.orderGen, rows, tag, m.spec())
}

// rearrange orders the latest rows again (the sort key, threads or the
// reversal changed).
func (m *indexModel) rearrange() tea.Cmd { return m.Arrange(m.next, m.nextTag) }

// Arranged shows an arrangement unless a newer one was asked for since; it
// reports whether it did.
func (m *indexModel) Arranged(msg arrangedMsg) bool {
	if msg.gen != m.orderGen {
		return false
	}
	m.show(msg.rows, msg.spec, msg.order, msg.depth)
	return true
}

// SetRows shows rows at once, ordering them here: for no rows or a few
// (tests, an account switch); the reader's loads go through Arrange.
func (m *indexModel) SetRows(rows []mailapi.Summary) {
	m.orderGen++
	m.next, m.nextTag = rows, listTag{total: len(rows)}
	order, depth := arrange(rows, m.spec())
	m.show(rows, m.spec(), order, depth)
}

// show replaces the rows and their order. New rows (a reload) keep the
// selected message selected on the same screen line when it is still
// there; the same rows in another order keep it selected.
func (m *indexModel) show(rows []mailapi.Summary, spec orderSpec, order, depth []int) {
	cur, had := m.Selected()
	line := m.sel - m.top
	same := sameRows(rows, m.rows)
	m.rows, m.shown, m.full, m.fullDepth = rows, spec, order, depth
	m.applyLimit()
	if had {
		switch pos := m.find(cur.ID); {
		case pos >= 0 && same:
			m.sel = pos
		case pos >= 0:
			m.sel, m.top = pos, pos-line
		case same:
			m.sel = 0
		}
	}
	m.clamp()
}

// sameRows reports whether a and b are the same slice of rows.
func sameRows(a, b []mailapi.Summary) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// find returns the display position of a message ID, or -1.
func (m indexModel) find(id int64) int {
	for pos, i := range m.order {
		if m.rows[i].ID == id {
			return pos
		}
	}
	return -1
}

// byID returns the row with this ID, shown or not.
func (m indexModel) byID(id int64) (mailapi.Summary, bool) {
	for i := range m.rows {
		if m.rows[i].ID == id {
			return m.rows[i], true
		}
	}
	return mailapi.Summary{}, false
}

// update changes the row with this ID (optimistic marks, seen), in the
// rows shown and in rows still being ordered.
func (m *indexModel) update(id int64, f func(*mailapi.Summary)) {
	change := func(rows []mailapi.Summary) {
		for i := range rows {
			if rows[i].ID == id {
				f(&rows[i])
				return
			}
		}
	}
	change(m.rows)
	if !sameRows(m.next, m.rows) {
		change(m.next)
	}
}

// Move moves the selection by delta rows.
func (m *indexModel) Move(delta int) {
	m.sel += delta
	m.clamp()
}

// clamp keeps the selection in range and visible.
func (m *indexModel) clamp() {
	n := len(m.order)
	m.sel = min(max(m.sel, 0), max(n-1, 0))
	vis := m.visible()
	if m.sel < m.top {
		m.top = m.sel
	}
	if m.sel >= m.top+vis {
		m.top = m.sel - vis + 1
	}
	m.top = min(max(m.top, 0), max(n-vis, 0))
}

// Scroll moves the view by delta rows, dragging the selection along only
// when it would leave the screen (mouse wheel).
func (m *indexModel) Scroll(delta int) {
	vis := m.visible()
	m.top = min(max(m.top+delta, 0), max(len(m.order)-vis, 0))
	m.sel = min(max(m.sel, m.top), m.top+vis-1)
	m.clamp()
}

// RowAt returns the display position under screen line y of the index
// area, or -1.
func (m indexModel) RowAt(y int) int {
	pos := m.top + y - headerLines
	if y < headerLines || pos >= len(m.order) || pos >= m.top+m.visible() {
		return -1
	}
	return pos
}

// Update handles the index's own keys: movement, sort and threads.
func (m indexModel) Update(msg tea.Msg) (indexModel, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Down):
		m.Move(1)
	case key.Matches(k, m.keys.Up):
		m.Move(-1)
	case key.Matches(k, m.keys.Top):
		m.sel = 0
		m.clamp()
	case key.Matches(k, m.keys.Bottom):
		m.sel = len(m.order) - 1
		m.clamp()
	case key.Matches(k, m.keys.PageDown):
		m.sel += m.visible()
		m.top += m.visible()
		m.clamp()
	case key.Matches(k, m.keys.PageUp):
		m.sel -= m.visible()
		m.top -= m.visible()
		m.clamp()
	case key.Matches(k, m.keys.Sort):
		m.sortBy = (m.sortBy + 1) % sortKeys
		return m, m.rearrange()
	case key.Matches(k, m.keys.Threads):
		m.threads = !m.threads
		return m, m.rearrange()
	}
	return m, nil
}

// columns are the cell widths of a row.
type columns struct{ state, account, date, sender, size, subject int }

func (m indexModel) columns() columns {
	c := columns{state: len(stateLegend), date: 10, size: 5}
	if m.layout != "" { // ui.date_format, for older dates
		c.date = min(max(stringWidth(time.Date(2000, 12, 30, 23, 59, 59, 0, time.UTC).Format(m.layout)), 10), 24)
	}
	c.sender = min(max(m.width/5, 12), 28)
	if m.width < narrow {
		// The size gives way, and older dates show their year only, so
		// the subject keeps some room.
		c.size, c.sender = 0, max(m.width/5, 6)
		if m.layout == "" {
			c.date = len("Jan 02")
		}
	}
	c.account = m.accountWidth()
	// one leading space and a space after each column but the subject
	c.subject = max(m.width-1-c.state-c.date-c.sender-c.size-4-c.account, 0)
	if c.account > 0 {
		c.subject-- // the space after the account column
	}
	if c.size == 0 {
		c.subject++ // no size column, no space after it
	}
	return c
}

// dateLayout is the layout of dates before this year: ui.date_format, else
// the year alone in a narrow window (the full date does not fit there).
func (m indexModel) dateLayout() string {
	if m.layout == "" && m.width < narrow {
		return "2006"
	}
	return m.layout
}

// narrow is the window width under which the index drops the size column.
const narrow = 60

// cell is s fitted to a column of w cells and the space after it, or
// nothing for a hidden (zero-width) column.
func cell(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return fit(s, w) + " "
}

// View draws the column titles and the visible rows.
func (m indexModel) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	c := m.columns()
	var b strings.Builder
	title := " " + cell("", c.state) + cell("Account", c.account) + cell("Date", c.date) + cell("From", c.sender) +
		cell("Size", c.size) + fit("Subject ("+m.orderName()+")", c.subject)
	b.WriteString(m.styles.ColumnHeader.Render(fit(title, m.width)))
	lines := 1
	if len(m.order) == 0 {
		empty := "No messages."
		if m.search != "" {
			empty = "No messages match “" + message.SanitizeLine(m.search) + "”. Esc clears the search."
		} else if m.limitText != "" {
			empty = "No messages match the limit “" + message.SanitizeLine(m.limitText) + "”. Esc clears it."
		}
		b.WriteString("\n" + m.styles.Dim.Render(fit("  "+empty, m.width)))
		lines++
	}
	now := m.clock()
	for pos := m.top; pos < len(m.order) && pos < m.top+m.visible(); pos++ {
		b.WriteByte('\n')
		b.WriteString(m.row(pos, c, now))
		lines++
	}
	for ; lines < m.height; lines++ {
		b.WriteString("\n" + strings.Repeat(" ", m.width))
	}
	return b.String()
}

// orderName names the current order for the column title.
func (m indexModel) orderName() string {
	name := "by " + m.shown.by.String()
	if m.shown.threads {
		name = "threads, " + m.shown.by.String()
	}
	if m.shown.reverse {
		name += ", reversed"
	}
	return name
}

// row draws one message row.
func (m indexModel) row(pos int, c columns, now time.Time) string {
	r := &m.rows[m.order[pos]]
	state := stateColumn(r, m.tagged[r.ID])
	sender := senderLabel(r)
	subject := message.SanitizeLine(r.Subject)
	if m.depth != nil && m.depth[pos] > 0 {
		subject = strings.Repeat("  ", min(m.depth[pos]-1, 8)) + "↳ " + subject
	}
	size := formatSize(r.Size)
	rest := cell(m.accountName(r.ID), c.account) + cell(formatDate(r.Date, now, m.loc, m.dateLayout()), c.date) +
		cell(message.SanitizeLine(sender), c.sender) +
		cell(strings.Repeat(" ", max(c.size-len(size), 0))+size, c.size) +
		fit(subject, c.subject)
	if pos == m.sel {
		return m.styles.Selected.Render(fit(" "+string(state)+" "+rest, m.width))
	}
	st := m.styles.Row
	switch {
	case r.Deleted:
		st = m.styles.Deleted
	case !r.Seen:
		st = m.styles.Unseen
	}
	lead := " " + string(state)
	switch state[0] {
	case 'D':
		lead = " " + m.styles.StateDeleted.Render("D") + string(state[1:])
	case 'N':
		lead = " " + m.styles.StateNew.Render("N") + string(state[1:])
	}
	return lead + " " + st.Render(fit(rest, m.width-1-c.state-1))
}

// senderLabel is what the index shows as the sender (see
// message.SenderLabel: a display name that looks like an address gives way
// to the real address).
func senderLabel(r *mailapi.Summary) string { return message.SenderLabel(r.From, r.FromName) }
