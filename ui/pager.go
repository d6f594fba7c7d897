package ui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// pagerLine is one laid-out line of the pager: plain text and its style.
type pagerLine struct {
	text  string
	style lipgloss.Style
	label int // bytes of text drawn as a header name ("From: "), or 0
}

// pagerModel shows one message: a header block, the body wrapped to the
// window with quote levels coloured, numbered links and the attachments.
type pagerModel struct {
	keys   *KeyMap
	styles *Styles
	loc    *time.Location

	summary    mailapi.Summary
	msg        *message.Message // nil while loading or when unavailable
	loading    bool
	failure    string // why the body is not shown
	allHeaders bool

	lines         []pagerLine
	offset        int
	width, height int

	find    string
	matches []int // line numbers containing find
	match   int
}

func newPager(keys *KeyMap, styles *Styles, loc *time.Location) pagerModel {
	return pagerModel{keys: keys, styles: styles, loc: loc}
}

// Load starts showing a message whose body is being fetched.
func (m *pagerModel) Load(s mailapi.Summary) {
	*m = pagerModel{keys: m.keys, styles: m.styles, loc: m.loc, width: m.width, height: m.height,
		allHeaders: m.allHeaders, summary: s, loading: true}
	m.layout()
}

// SetMessage shows the rendered message, or why it is unavailable.
func (m *pagerModel) SetMessage(msg *message.Message, err error) {
	m.loading = false
	m.msg = msg
	m.failure = ""
	if err != nil {
		m.msg = nil
		what := "The body of this message is not downloaded yet and could not be fetched now"
		if m.summary.Cached {
			what = "This stored message could not be opened"
		}
		m.failure = sentence(what, err)
	}
	m.layout()
}

// ID is the shown message's ID.
func (m pagerModel) ID() int64 { return m.summary.ID }

// Message is the shown rendered message (nil when none).
func (m pagerModel) Message() *message.Message { return m.msg }

// SetSize reflows the message for a new window size.
func (m *pagerModel) SetSize(w, h int) {
	reflow := w != m.width
	m.width, m.height = w, h
	if reflow {
		before := len(m.lines)
		m.layout()
		if before > 0 && m.offset > 0 {
			// Keep about the same text at the top: the same share of the message.
			m.offset = m.offset * len(m.lines) / before
		}
	}
	m.clamp()
}

// SetDeleted updates the shown message's deletion mark.
func (m *pagerModel) SetDeleted(d bool) {
	m.summary.Deleted = d
	m.layout()
}

func (m *pagerModel) clamp() {
	m.offset = min(max(m.offset, 0), max(len(m.lines)-m.height, 0))
}

// Update handles scrolling and the header toggle.
func (m pagerModel) Update(msg tea.Msg) (pagerModel, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Down):
		m.offset++
	case key.Matches(k, m.keys.Up):
		m.offset--
	case key.Matches(k, m.keys.PageDown):
		m.offset += max(m.height-1, 1)
	case key.Matches(k, m.keys.PageUp):
		m.offset -= max(m.height-1, 1)
	case key.Matches(k, m.keys.Top):
		m.offset = 0
	case key.Matches(k, m.keys.Bottom):
		m.offset = len(m.lines)
	case key.Matches(k, m.keys.Headers):
		m.allHeaders = !m.allHeaders
		m.layout()
	case key.Matches(k, m.keys.FindNext):
		m.nextMatch()
	}
	m.clamp()
	return m, nil
}

// Scroll moves by delta lines (mouse wheel).
func (m *pagerModel) Scroll(delta int) {
	m.offset += delta
	m.clamp()
}

// SetFind searches the message for s (case-insensitive) and shows the
// first match at or after the current position.
func (m *pagerModel) SetFind(s string) {
	m.find = s
	m.matches = nil
	m.match = -1
	if s == "" {
		return
	}
	needle := strings.ToLower(s)
	for i, l := range m.lines {
		if strings.Contains(strings.ToLower(l.text), needle) {
			m.matches = append(m.matches, i)
		}
	}
	for i, ln := range m.matches {
		if ln >= m.offset {
			m.match = i - 1
			break
		}
	}
	m.nextMatch()
}

// nextMatch scrolls to the next match, wrapping around.
func (m *pagerModel) nextMatch() {
	if len(m.matches) == 0 {
		return
	}
	m.match = (m.match + 1) % len(m.matches)
	m.offset = m.matches[m.match]
	m.clamp()
}

// FindStatus describes the find state for the hint line.
func (m pagerModel) FindStatus() string {
	switch {
	case m.find == "":
		return ""
	case len(m.matches) == 0:
		return fmt.Sprintf("“%s” not found", message.SanitizeLine(m.find))
	default:
		return fmt.Sprintf("“%s” %d/%d", message.SanitizeLine(m.find), m.match+1, len(m.matches))
	}
}

// Position says which part of the message is shown.
func (m pagerModel) Position() string {
	n := len(m.lines)
	if n <= m.height {
		return "all"
	}
	end := min(m.offset+m.height, n)
	return fmt.Sprintf("%d-%d/%d %d%%", m.offset+1, end, n, end*100/n)
}

// layout rebuilds the lines for the current width.
func (m *pagerModel) layout() {
	w := max(m.width, 10)
	m.lines = m.lines[:0]
	add := func(text string, st lipgloss.Style) {
		// message sanitizes already; this guard keeps the terminal safe
		// whatever a renderer bug lets through. Tabs become four spaces.
		text = message.SanitizeLine(strings.ReplaceAll(text, "\t", "    "))
		for _, l := range strings.Split(ansi.Wrap(text, w, ""), "\n") {
			m.lines = append(m.lines, pagerLine{text: l, style: st})
		}
	}
	m.headerBlock(add, w)
	m.lines = append(m.lines, pagerLine{text: strings.Repeat("─", w), style: m.styles.Rule})
	switch {
	case m.loading:
		add("Fetching the message…", m.styles.Note)
	case m.failure != "":
		add(m.failure, m.styles.Note)
	case m.msg != nil:
		m.body(add, w)
	}
}

// headerBlock adds From, To, Cc, Date and Subject (or every header).
func (m *pagerModel) headerBlock(add func(string, lipgloss.Style), w int) {
	field := func(k, v string) {
		if v == "" {
			return
		}
		label := message.SanitizeLine(k) + ": "
		text := ansi.Wrap(message.SanitizeLine(v), max(w-len(label), 10), ",; ")
		for i, l := range strings.Split(text, "\n") {
			line := pagerLine{text: strings.Repeat(" ", len(label)) + l, style: m.styles.HeaderValue}
			if i == 0 {
				line.text, line.label = label+l, len(label)
			}
			m.lines = append(m.lines, line)
		}
	}
	if m.allHeaders && m.msg != nil {
		for _, h := range m.msg.Headers {
			field(h.Key, h.Value)
		}
	} else {
		from, to, cc, subj, date := m.summary.From, strings.Join(m.summary.To, ", "),
			strings.Join(m.summary.Cc, ", "), m.summary.Subject, m.summary.Date
		if s := m.msg; s != nil {
			// The parsed message wins; the index row fills what it lacks.
			from, to, cc = or(s.From.String(), from), or(joinAddrs(s.To), to), or(joinAddrs(s.Cc), cc)
			subj = or(s.Subject, subj)
			if !s.Date.IsZero() {
				date = s.Date
			}
		}
		field("From", from)
		field("To", to)
		field("Cc", cc)
		if !date.IsZero() {
			field("Date", date.In(m.loc).Format("Mon, 02 Jan 2006 15:04 MST"))
		}
		field("Subject", subj)
	}
	if m.summary.Deleted {
		add("Marked for deletion (u to undelete); deleted on the server when you quit with q.", m.styles.StateDeleted)
	}
}

// or returns a unless it is empty, else b.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func joinAddrs(as []message.Address) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// body adds the wrapped body, links and attachments.
func (m *pagerModel) body(add func(string, lipgloss.Style), w int) {
	hasRefs := false
	for _, l := range m.msg.Wrap(w) {
		st := lipgloss.NewStyle()
		switch l.Kind {
		case message.LineQuote:
			st = m.styles.Quote[max(l.QuoteLevel-1, 0)%len(m.styles.Quote)]
		case message.LineSignature:
			st = m.styles.Signature
		case message.LineNote:
			st = m.styles.Note
		case message.LineHeader:
			st = m.styles.HeaderValue
		case message.LineLinkRef:
			st = m.styles.LinkRef
			hasRefs = true
		}
		add(l.Text, st)
	}
	if len(m.msg.Links) > 0 && !hasRefs {
		add("", lipgloss.NewStyle())
		for _, l := range m.msg.Links {
			add(fmt.Sprintf("[%d] %s", l.Number, message.SanitizeLine(l.URL)), m.styles.LinkRef)
		}
	}
	if len(m.msg.Attachments) > 0 {
		add("", lipgloss.NewStyle())
		add(fmt.Sprintf("%s (v to view, open or save):", plural(len(m.msg.Attachments), "attachment")), m.styles.HeaderKey)
		for i, a := range m.msg.Attachments {
			add(fmt.Sprintf("  %d. %s  %s  %s", i+1, message.SanitizeLine(a.Name), message.SanitizeLine(a.Type), formatSize(a.Size)), m.styles.Dim)
		}
	}
}

// View draws the visible lines, highlighting find matches.
func (m pagerModel) View() string {
	var b strings.Builder
	for i := 0; i < m.height; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		n := m.offset + i
		if n >= len(m.lines) {
			b.WriteString(strings.Repeat(" ", m.width))
			continue
		}
		l := m.lines[n]
		if m.find != "" && m.isMatch(n) {
			b.WriteString(m.highlight(l))
			continue
		}
		if lw := stringWidth(l.text[:l.label]); l.label > 0 && lw < m.width {
			b.WriteString(m.styles.HeaderKey.Render(l.text[:l.label]) + l.style.Render(fit(l.text[l.label:], m.width-lw)))
			continue
		}
		b.WriteString(l.style.Render(fit(l.text, m.width)))
	}
	return b.String()
}

// isMatch reports whether line n contains the find text (matches are
// sorted).
func (m pagerModel) isMatch(n int) bool {
	i := sort.SearchInts(m.matches, n)
	return i < len(m.matches) && m.matches[i] == n
}

// highlight draws a line with every occurrence of the find text reversed.
func (m pagerModel) highlight(l pagerLine) string {
	text := fit(l.text, m.width)
	lower := strings.ToLower(text)
	needle := strings.ToLower(m.find)
	if len(lower) != len(text) || needle == "" {
		return l.style.Render(text)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, needle)
		if i < 0 {
			b.WriteString(l.style.Render(text))
			return b.String()
		}
		b.WriteString(l.style.Render(text[:i]))
		b.WriteString(m.styles.Match.Render(text[i : i+len(needle)]))
		text, lower = text[i+len(needle):], lower[i+len(needle):]
	}
}
