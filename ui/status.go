package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// netState is what the reader knows about the server.
type netState int

const (
	netUnknown netState = iota
	netOnline
	netOffline
	netWait // the server asked to wait before the next login (LOGIN-DELAY)
)

// statusModel is the status bar: account, counts, pending deletions,
// online or offline, last sync, sync progress, and one sentence of news
// or error.
type statusModel struct {
	styles *Styles
	loc    *time.Location

	account  string
	readOnly bool
	stats    mailapi.Stats
	net      netState
	waitEnd  time.Time // with netWait: when the server allows a login again
	lastSync time.Time

	fetching bool // a body is being fetched (spinner)
	outbox   int  // messages waiting in the outbox
	sending  bool // the outbox is being flushed
	spin     spinner.Model

	limit  string // the index's limit pattern, "" for none
	tagged int    // how many messages are tagged

	notice string // the latest news
	err    string // the latest error, shown until the next news
	width  int
}

func newStatus(styles *Styles, loc *time.Location) statusModel {
	return statusModel{styles: styles, loc: loc, spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
}

// SetSize sets the width.
func (m *statusModel) SetSize(w int) { m.width = w }

// SetAccount names the account shown and whether it is read-only.
func (m *statusModel) SetAccount(name string, readOnly bool) { m.account, m.readOnly = name, readOnly }

// SetCounts shows the store's counts and the last sync time.
func (m *statusModel) SetCounts(st mailapi.Stats, lastSync time.Time) {
	m.stats, m.lastSync = st, lastSync
}

// Pending is how many deletion marks the bar counts.
func (m statusModel) Pending() int { return m.stats.Deleted }

// SetPending shows n deletion marks until the counts are read again.
func (m *statusModel) SetPending(n int) { m.stats.Deleted = max(n, 0) }

// SetNet shows what the reader knows about the server.
func (m *statusModel) SetNet(n netState) { m.net = n }

// SetWait shows that the server asked to wait until t before the next login.
func (m *statusModel) SetWait(t time.Time) { m.net, m.waitEnd = netWait, t }

// StopFetch hides the spinner.
func (m *statusModel) StopFetch() { m.fetching = false }

// Notify shows news and clears the last error.
func (m *statusModel) Notify(s string) { m.notice, m.err = s, "" }

// Fail shows an error sentence.
func (m *statusModel) Fail(s string) { m.err = s }

// Clear removes news and errors.
func (m *statusModel) Clear() { m.notice, m.err = "", "" }

// StartFetch shows the spinner.
func (m *statusModel) StartFetch() tea.Cmd {
	m.fetching = true
	return m.spin.Tick
}

// Update animates the spinner.
func (m statusModel) Update(msg tea.Msg) (statusModel, tea.Cmd) {
	if _, ok := msg.(spinner.TickMsg); ok && m.fetching {
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	}
	return m, nil
}

// Message is the latest error (marked) or news, for the message line.
func (m statusModel) Message() (text string, isErr bool) {
	if m.err != "" {
		return m.err, true
	}
	return m.notice, false
}

// View draws the bar with the clock's now for the last sync time and the
// reader's server operation (read, never kept).
func (m statusModel) View(now time.Time, sync syncState) string {
	left := " " + message.SanitizeLine(m.account)
	if m.readOnly {
		left += " (read-only)"
	}
	left += fmt.Sprintf(" · %s, %d new", plural(m.stats.Total, "message"), m.stats.Unseen)
	if m.stats.Deleted > 0 {
		left += fmt.Sprintf(" · %d to delete", m.stats.Deleted)
	}
	switch {
	case m.sending:
		left += fmt.Sprintf(" · sending %d…", max(m.outbox, 1))
	case m.outbox > 0:
		left += fmt.Sprintf(" · %d queued", m.outbox)
	}
	left += m.readerPart()
	right := m.rightPart(now, sync, false)
	if stringWidth(left)+stringWidth(right) > m.width {
		right = m.rightPart(now, sync, true) // the counts matter more
	}
	rw := stringWidth(right)
	if rw+1 > m.width {
		return m.styles.Status.Render(fit(left, m.width))
	}
	netStyle := m.styles.Status
	switch m.net {
	case netOnline:
		netStyle = m.styles.Online
	case netOffline, netWait:
		netStyle = m.styles.Offline
	}
	return m.styles.Status.Render(fit(left, m.width-rw)) + netStyle.Render(right)
}

// rightPart is sync progress, or the network state and the last sync
// time; compact leaves out the progress bar and the sync time.
func (m statusModel) rightPart(now time.Time, sync syncState, compact bool) string {
	var parts []string
	if m.fetching {
		parts = append(parts, m.spin.View()+" fetching")
	}
	switch {
	case sync.busy():
		p := sync.progress
		s := sync.label()
		if p.Total > 0 && !compact {
			s += " " + bar(p.Done, p.Total, 10)
		}
		if p.Total > 0 {
			s += fmt.Sprintf(" %d/%d", p.Done, p.Total)
		}
		parts = append(parts, s)
	case m.net == netOnline:
		parts = append(parts, "online")
	case m.net == netOffline:
		parts = append(parts, "offline")
	case m.net == netWait && now.Before(m.waitEnd):
		mins := int((m.waitEnd.Sub(now) + time.Minute - 1) / time.Minute)
		parts = append(parts, fmt.Sprintf("server asks to wait %d min", mins))
	}
	if !compact && !sync.busy() && !m.lastSync.IsZero() {
		parts = append(parts, "synced "+formatDate(m.lastSync, now, m.loc, ""))
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " · ") + " "
}

// bar draws a progress bar of width cells.
func bar(done, total, width int) string {
	if total <= 0 {
		return strings.Repeat("░", width)
	}
	full := min(max(done*width/total, 0), width)
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}
