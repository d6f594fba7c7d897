package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// limitMsg carries a parsed limit (or tag) pattern with its searches
// resolved: match tests a row.
type limitMsg struct {
	session int
	tag     bool // ctrl+t: tag the matches instead of limiting
	text    string
	match   func(*mailapi.Summary) bool
	err     error
}

// applyLimit drops the rows the limit does not accept from the display
// order (and their thread depths).
func (m *indexModel) applyLimit() {
	m.order, m.depth = m.full, m.fullDepth
	if m.limit == nil {
		return
	}
	keep := make([]int, 0, len(m.full))
	var depth []int
	for pos, i := range m.full {
		if m.limit(&m.rows[i]) {
			keep = append(keep, i)
			if m.fullDepth != nil {
				depth = append(depth, m.fullDepth[pos])
			}
		}
	}
	m.order, m.depth = keep, depth
}

// SetLimit shows only the rows match accepts (nil: all) and keeps the
// selection when it is still shown.
func (m *indexModel) SetLimit(text string, match func(*mailapi.Summary) bool) {
	m.limit, m.limitText = match, text
	m.show(m.rows, m.shown, m.full, m.fullDepth)
}

// nextNew moves the selection to the next new message after it, wrapping
// around; it reports whether there is one.
func (m *indexModel) nextNew() bool {
	n := len(m.order)
	for step := 1; step <= n; step++ {
		pos := (m.sel + step) % n
		if r := &m.rows[m.order[pos]]; !r.Seen && !r.Deleted {
			m.sel = pos
			m.clamp()
			return true
		}
	}
	return false
}

// compilePattern parses a pattern and resolves its searches through the
// engine, in a command.
func (m App) compilePattern(text string, tag bool) tea.Cmd {
	p, err := pattern.Parse(text, m.now().In(m.loc))
	if err != nil {
		return func() tea.Msg { return limitMsg{session: m.session, tag: tag, text: text, err: err} }
	}
	ctx, eng, session, tagged := m.ctx, m.acct.Engine, m.session, m.index.tagged
	return func() tea.Msg {
		match, err := eng.Filter(ctx, p, func(id int64) bool { return tagged[id] })
		return limitMsg{session: session, tag: tag, text: p.String(), match: match, err: err}
	}
}

// limited applies a compiled pattern: the limit, or the tags of ctrl+t.
func (m App) limited(msg limitMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	if msg.err != nil {
		what, again := "Limit", m.keys.Limit
		if msg.tag {
			what, again = "Tag pattern", m.keys.TagPattern
		}
		m.status.Fail(what + ": " + message.SanitizeLine(msg.err.Error()) + " (" + again.Help().Key + " edits it)")
		return m, nil
	}
	if msg.tag {
		n := 0
		for _, i := range m.index.order { // what is shown: within the limit
			if r := &m.index.rows[i]; msg.match(r) && !m.index.tagged[r.ID] {
				m.index.tagged[r.ID] = true
				n++
			}
		}
		m.status.Notify("Tagged " + plural(n, "more message") + "; ; then an action applies it to all tagged.")
		return m, nil
	}
	m.index.SetLimit(msg.text, msg.match)
	m.status.Notify("Limited to " + plural(m.index.Len(), "message") + " matching “" + message.SanitizeLine(msg.text) + "”; Esc shows all.")
	return m, nil
}

// clearLimit shows every message again.
func (m *App) clearLimit() {
	m.index.SetLimit("", nil)
	m.status.Notify("Showing all messages.")
}

// readerPart is the status bar's note of tagged messages and the limit.
func (m statusModel) readerPart() string {
	var s string
	if m.tagged > 0 {
		s += fmt.Sprintf(" · %d tagged", m.tagged)
	}
	if m.limit != "" {
		s += " · limit " + message.SanitizeLine(m.limit)
	}
	return s
}

// patternHelp lists the limit patterns for the help.
const patternHelp = "Patterns (l limits, ctrl+t tags): ~f TEXT sender · ~t TEXT recipients · ~s TEXT subject · " +
	"~b TEXT full text · ~d <7d newer, >30d older, 2026-01-01..2026-02-01 · ~z >1M, <10K size · " +
	"~N new · ~F flagged · ~D marked for deletion · ~A attachments · ~T tagged · WORD search; " +
	"a space is and, | or, ! not, ( ) group; text matches without regard to case."
