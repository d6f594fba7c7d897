package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// helpView draws height lines of the help from line top on (the help
// scrolls when the window is too small for it).
func helpView(lines []string, top, width, height int) string {
	top = min(max(top, 0), max(len(lines)-height, 0))
	out := make([]string, 0, max(height, 0))
	for i := top; i < len(lines) && len(out) < height; i++ {
		out = append(out, lines[i])
	}
	for len(out) < height {
		out = append(out, strings.Repeat(" ", width))
	}
	return strings.Join(out, "\n")
}

// helpLines is the full help of a screen: every binding from the same key
// map that handles the keys, in two columns when they fit, and notes on
// marks, background checks (every checkEvery; 0 means none) and the mouse,
// wrapped to the window's width.
func helpLines(styles *Styles, title string, km help.KeyMap, checkEvery time.Duration, width int) []string {
	var items []key.Binding
	for _, group := range km.FullHelp() {
		for _, b := range group {
			if b.Enabled() {
				items = append(items, b)
			}
		}
	}
	keyW, descW := 0, 0
	for _, b := range items {
		keyW = max(keyW, stringWidth(b.Help().Key))
		descW = max(descW, stringWidth(b.Help().Desc))
	}
	entry := func(b key.Binding, w int) string {
		return fit(styles.Help.FullKey.Render(fit(b.Help().Key, keyW))+"  "+styles.Help.FullDesc.Render(b.Help().Desc), w)
	}
	lines := []string{styles.Title.Render(fit(" Help: "+title, width)), ""}
	colW := (width - 4) / 2
	rows := (len(items) + 1) / 2
	if colW < keyW+2+min(descW, 24) {
		colW, rows = width-2, len(items) // one column in a narrow window
	}
	for i := 0; i < rows; i++ {
		line := "  " + entry(items[i], colW)
		if j := i + rows; j < len(items) {
			line += "  " + entry(items[j], colW)
		}
		lines = append(lines, line)
	}
	checks := "Background syncs never delete."
	if checkEvery > 0 {
		checks = "New mail is checked at start and every " + durationWords(checkEvery) + "; those syncs never delete."
	}
	wrap := func(text string, st lipgloss.Style) {
		for _, l := range strings.Split(ansi.Wrap(text, max(width-2, 10), ""), "\n") {
			lines = append(lines, st.Render("  "+strings.TrimSpace(l)))
		}
	}
	lines = append(lines, "")
	plain := lipgloss.NewStyle()
	wrap("State column: "+strings.Join(stateLegend[:], " · "), plain)
	if title == "index" {
		wrap(patternHelp, plain)
	}
	wrap("Marks are deleted on the server only by q (after asking) or $; x keeps them.", plain)
	wrap(checks, plain)
	wrap("Mouse: the wheel scrolls, a click selects, a double-click opens.", plain)
	lines = append(lines, "")
	wrap("Rebind keys in the config's [keys] table (action = [\"key\", ...]); the actions: "+
		strings.Join(Actions(), ", ")+".", styles.Dim)
	for i, l := range lines {
		lines[i] = fit(l, width)
	}
	return lines
}

// durationWords writes a check period the way a person would: "10
// minutes", "1 hour", "90 seconds".
func durationWords(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return plural(int(d/time.Minute), "minute")
	default:
		return plural(int(d.Round(time.Second)/time.Second), "second")
	}
}

// accountsView draws the account switcher.
func accountsView(styles *Styles, names []string, counts map[string]mailapi.Stats, current string, sel, width, height int) string {
	lines := []string{styles.Title.Render(fit(" Accounts (Enter or 1-9 switches, Esc goes back)", width)), fit("", width)}
	nameW := 0
	for _, n := range names {
		nameW = max(nameW, stringWidth(message.SanitizeLine(n)))
	}
	for i, n := range names {
		mark := "  "
		if n == current {
			mark = "* "
		}
		num := " "
		if i < 9 {
			num = string(rune('1' + i))
		}
		row := "  " + num + "  " + mark + fit(message.SanitizeLine(n), nameW)
		if st, ok := counts[n]; ok {
			row += fmt.Sprintf("  %5d new  %7d messages", st.Unseen, st.Total)
		}
		row = fit(row, width)
		if i == sel {
			row = styles.Selected.Render(row)
		}
		lines = append(lines, row)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return strings.Join(lines[:max(height, 0)], "\n")
}
